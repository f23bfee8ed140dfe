// The Simplex voter: the state of each view, its timers, and what this node signs. It is a
// single-threaded reactor: inputs are messages, timers and the application's answers; outputs go
// through `VoterEnv` (persist before send is the engine's job, see engine.ts). The rules it keeps
// (docs/consensus-protocol.md):
//   - at most one notarize and one finalize per view, never finalize after nullify, never
//     notarize after nullify;
//   - a proposal is voted only if its parent is notarized (or final) and every view between
//     them is nullified;
//   - a notarization or nullification of the current view (or later) moves to the next view, even
//     after having nullified (Commonware issue 2695);
//   - a proposal that fails verification is nullified at once (Commonware PR 2450);
//   - after a restart, only the journaled votes are re-sent, byte for byte (Commonware PR 2050).

import { type Codec, fromHex, SignatureKind, signingPayload, toHex } from "@nullspace/core";
import type { Clock, TimerHandle } from "../runtime/clock.js";
import { proposedBlockOf } from "./header.js";
import { type Ballot, Round, type Tally, type VoteKind } from "./round.js";
import { type Application, type BlockRef, type ConsensusConfig, type FinalizedBlock, type ProposedBlock, quorumOf } from "./types.js";
import {
  decodeMessage,
  encodeBlocks,
  encodeCertificateMessage,
  encodeGetBlocks,
  encodeGetCerts,
  encodeProposalMessage,
  encodeVoteMessage,
  MAX_BLOCKS_PER_REQUEST,
  MAX_CERT_VIEWS,
  Tag,
  type WireMessage,
} from "./wire.js";

export interface VoterHooks {
  /** A vote this node signed (before it is persisted and sent). */
  signed?(kind: VoteKind, view: bigint, digest: string | undefined, vote: Uint8Array): void;
  certificate?(
    kind: "notarization" | "nullification" | "finalization",
    view: bigint,
    digest: string | undefined,
    certificate: Uint8Array,
  ): void;
  viewChanged?(view: bigint): void;
  /** A peer signed two different blocks (or votes) in one view. */
  equivocation?(signer: number, kind: VoteKind, view: bigint): void;
  /** A message that failed a check; `reason` is a stable string. */
  refused?(from: number, reason: string): void;
}

export interface VoterEnv {
  codec: Codec;
  clock: Clock;
  app: Application;
  sign(payload: Uint8Array): Uint8Array;
  verify(publicKey: Uint8Array, payload: Uint8Array, signature: Uint8Array): boolean;
  /** Journals a record (a wire message); the engine syncs before the next send. */
  persist(record: Uint8Array, view: bigint): void;
  send(to: number, bytes: Uint8Array): void;
  broadcast(bytes: Uint8Array): void;
  hooks?: VoterHooks;
}

const KIND_SIGNATURE = { notarize: SignatureKind.NOTARIZE, nullify: SignatureKind.NULLIFY, finalize: SignatureKind.FINALIZE } as const;
const CERT_KIND = { notarize: "notarization", nullify: "nullification", finalize: "finalization" } as const;
const VOTE_OF_CERT = { notarization: "notarize", nullification: "nullify", finalization: "finalize" } as const;

export class Voter {
  readonly n: number;
  readonly q: number;
  /** The view this node is in. */
  view = 0n;
  /** The last finalized block (genesis at first). */
  last: BlockRef;
  /** Hex of last.digest (compared against on every proposal and prune). */
  private lastHex: string;
  private readonly rounds = new Map<bigint, Round>();
  /** Unfinalized blocks this node holds, by digest hex. */
  private readonly blocks = new Map<string, ProposedBlock>();
  /** Notarized (or finalized) digests → view, for checking parents. */
  private readonly certifiedViews = new Map<string, bigint>();
  /** The highest finalization not yet delivered (its ancestry may still be fetched). */
  private pendingFinal: { view: bigint; digest: string; certificate: Uint8Array } | undefined;
  /** Blocks to fetch: digest hex → the view that needs them (dropped once finality passes it). */
  private readonly wanted = new Map<string, bigint>();
  private fetchTimer: TimerHandle | undefined;
  private fetchPeer = 0;
  private readonly lastActive: bigint[];
  private timers: TimerHandle[] = [];
  private replaying = false;
  private started = false;
  /** Set after a journal loss: no vote until finality passes this view (undefined: voting). */
  private muteUntil: bigint | undefined;
  private latestCertificate: Uint8Array | undefined;
  private muteHighest = -1n;
  /** Views whose certificates a proposal of the current view needs and this node lacks. */
  private certsWanted: { from: bigint; count: number } | undefined;

  constructor(
    readonly config: ConsensusConfig,
    private readonly env: VoterEnv,
    lastFinalized?: BlockRef,
  ) {
    this.n = config.validators.length;
    this.q = quorumOf(this.n);
    this.last = lastFinalized ?? env.app.genesis;
    this.view = this.last.view;
    this.lastHex = toHex(this.last.digest);
    this.certifiedViews.set(this.lastHex, this.last.view);
    this.lastActive = config.validators.map(() => this.last.view);
  }

  leaderOf(view: bigint): number {
    return Number(view % BigInt(this.n));
  }

  /** Feeds a journaled record back in at startup: state is rebuilt, nothing is signed or sent. */
  replay(record: Uint8Array): void {
    this.replaying = true;
    try {
      this.onMessage(this.config.self, record, true);
    } finally {
      this.replaying = false;
    }
  }

  /**
   * After a journal loss: stay silent until finality passes every view we might have voted in.
   * Those views are not known, so for `collectMs` we note the highest view any verified
   * certificate shows (peers re-broadcast their latest), and then wait for finality past it.
   */
  muteAfterJournalLoss(collectMs: number): void {
    this.muteUntil = 1n << 62n;
    this.muteHighest = this.last.view;
    this.env.clock.setTimer(collectMs, () => {
      this.muteUntil = this.muteHighest + 1n;
      this.muteHighest = -1n;
      if (this.last.view > this.muteUntil) this.muteUntil = undefined;
    });
  }

  get isMuted(): boolean {
    return this.muteUntil !== undefined;
  }

  /** Enters the current view for real: timers, re-broadcast of journaled votes, proposing. */
  start(): void {
    this.started = true;
    const target = this.view;
    this.view = target - 1n;
    this.enter(target < this.last.view + 1n ? this.last.view + 1n : target);
    for (const v of [this.view - 1n, this.view]) {
      for (const vote of this.rounds.get(v)?.sentVotes() ?? []) this.env.broadcast(encodeVoteMessage(vote));
    }
    if (this.latestCertificate) this.env.broadcast(encodeCertificateMessage(this.latestCertificate));
  }

  stop(): void {
    this.started = false;
    this.clearTimers();
    if (this.fetchTimer !== undefined) this.env.clock.cancel(this.fetchTimer);
  }

  /** A message from peer `from` (or a journal record when `fromJournal`). Never throws. */
  onMessage(from: number, bytes: Uint8Array, fromJournal = false): void {
    let m: WireMessage;
    try {
      m = decodeMessage(bytes);
    } catch {
      this.refuse(from, "malformed-envelope");
      return;
    }
    try {
      switch (m.tag) {
        case Tag.VOTE:
          this.onVote(from, m.vote, fromJournal);
          break;
        case Tag.CERTIFICATE:
          this.onCertificate(from, m.certificate, fromJournal);
          break;
        case Tag.PROPOSAL:
          this.onProposal(from, m.vote, m.block, fromJournal);
          break;
        case Tag.GET_BLOCKS:
          if (!fromJournal) this.serveBlocks(from, m.digest, m.max);
          break;
        case Tag.BLOCKS:
          if (!fromJournal) this.onBlocks(m.blocks);
          break;
        case Tag.GET_CERTS:
          if (!fromJournal) this.serveCertificates(from, m.from, m.count);
          break;
        default:
          break; // execution's messages (node/executor.ts)
      }
    } catch (e) {
      // Decoders throw typed errors on bad bytes; anything a peer sends must not stop the node.
      this.refuse(from, e instanceof Error && "code" in e ? String((e as { code: unknown }).code) : "invalid");
    }
  }

  // ---- views and timers ----

  private round(view: bigint): Round {
    let r = this.rounds.get(view);
    if (!r) {
      r = new Round(view, this.leaderOf(view));
      this.rounds.set(view, r);
    }
    return r;
  }

  private isInWindow(view: bigint): boolean {
    return view > this.last.view && view <= this.view + BigInt(this.config.viewHorizon);
  }

  private enter(view: bigint): void {
    if (view <= this.view) return;
    this.view = view;
    this.certsWanted = undefined;
    this.env.hooks?.viewChanged?.(view);
    if (this.replaying || !this.started) return;
    this.clearTimers();
    const r = this.round(view);
    const { leaderTimeoutMs, viewTimeoutMs, skipAfterViews } = this.config;
    this.timers.push(
      this.env.clock.setTimer(leaderTimeoutMs, () => {
        if (this.view === view && !r.sentNotarize && !r.notarization) this.timeout(r);
      }),
      this.env.clock.setTimer(viewTimeoutMs, () => {
        if (this.view === view) this.timeout(r);
      }),
    );
    const inactive = view - (this.lastActive[r.leader] ?? 0n) > BigInt(skipAfterViews);
    if (inactive && r.leader !== this.config.self) {
      this.timeout(r);
      return;
    }
    if (r.leader === this.config.self) this.propose(r);
    else this.checkProposal(r);
  }

  private clearTimers(): void {
    for (const t of this.timers) this.env.clock.cancel(t);
    this.timers = [];
  }

  /** Nullify the view (once) and keep re-broadcasting it, with our latest certificate, while stuck. */
  private timeout(r: Round): void {
    if (!r.sentNullify && !r.sentFinalize && this.canVote()) {
      r.sentNullify = this.signVote({ kind: "nullify", view: r.view });
      this.countOwn(r, "nullify", "", r.sentNullify);
    }
    const retry = () => {
      if (this.view !== r.view || !this.started) return;
      if (r.sentNullify) this.env.broadcast(encodeVoteMessage(r.sentNullify));
      if (this.latestCertificate) this.env.broadcast(encodeCertificateMessage(this.latestCertificate));
      this.timers.push(this.env.clock.setTimer(this.config.retryMs, retry));
    };
    this.timers.push(this.env.clock.setTimer(this.config.retryMs, retry));
  }

  private canVote(): boolean {
    return !this.replaying && this.started && this.muteUntil === undefined;
  }

  // ---- proposing and checking proposals ----

  /** The parent a proposal for `view` must extend: the highest notarized block with nullifications above it. */
  private certifiedParent(view: bigint): BlockRef | undefined {
    for (let w = view - 1n; w > this.last.view; w--) {
      const r = this.rounds.get(w);
      if (r?.notarization) return this.blocks.get(r.notarization.digest);
      if (r?.finalization) return this.blocks.get(r.finalization.digest);
      if (!r?.nullification) return undefined;
    }
    return this.last;
  }

  /** Whether `parent` (digest hex) is a valid parent for a proposal in `view`: true, false, or undefined (not known yet). */
  private isValidParent(view: bigint, parent: string): boolean | undefined {
    const p = this.certifiedViews.get(parent);
    if (p === undefined) return undefined;
    if (p < this.last.view || p >= view) return false;
    if (p === this.last.view && parent !== this.lastHex) return false;
    for (let w = p + 1n; w < view; w++) {
      const r = this.rounds.get(w);
      if (r?.finalization) return false;
      if (!r?.nullification) return undefined;
    }
    return true;
  }

  /** `parent` and its ancestors above the last finalized block, newest first (those this node holds). */
  private unfinalizedFrom(parent: BlockRef): ProposedBlock[] {
    const chain: ProposedBlock[] = [];
    for (let b = this.blocks.get(toHex(parent.digest)); b && b.height > this.last.height; b = this.blocks.get(toHex(b.parent)))
      chain.push(b);
    return chain;
  }

  private parentRef(parent: string): BlockRef | undefined {
    return parent === this.lastHex ? this.last : this.blocks.get(parent);
  }

  private propose(r: Round): void {
    if (!this.canVote() || r.proposal || r.sentNullify || r.verification === "pending") return;
    const parent = this.certifiedParent(r.view);
    if (!parent) {
      this.wantCertificates(r.view);
      return;
    }
    r.verification = "pending";
    this.env.app.propose(r.view, parent, this.unfinalizedFrom(parent)).then(
      (bytes) => {
        if (!bytes || this.view !== r.view || r.sentNullify || r.proposal || !this.started) {
          r.verification = "none";
          return;
        }
        const block = this.decodeBlock(bytes);
        r.proposal = block;
        r.verification = "valid";
        const digest = toHex(block.digest);
        this.blocks.set(digest, block);
        r.sentNotarize = this.signVote(
          { kind: "notarize", view: r.view, height: block.height, parent: block.parent, digest: block.digest },
          false,
        );
        r.proposalVote = r.sentNotarize;
        const message = encodeProposalMessage(r.sentNotarize, bytes);
        this.env.persist(message, r.view);
        this.env.broadcast(message);
        this.countOwn(r, "notarize", digest, r.sentNotarize);
      },
      () => {
        r.verification = "none";
      },
    );
  }

  private decodeBlock(bytes: Uint8Array): ProposedBlock {
    return proposedBlockOf(this.env.codec, bytes, this.config.chainId);
  }

  private onProposal(from: number, voteBytes: Uint8Array, blockBytes: Uint8Array, fromJournal: boolean): void {
    const vote = this.env.codec.voteParts(voteBytes);
    if (vote.kind !== "notarize" || vote.signer !== from || vote.signer !== this.leaderOf(vote.view)) {
      this.refuse(from, "proposal-not-from-leader");
      return;
    }
    if (!this.isInWindow(vote.view)) return;
    const block = this.decodeBlock(blockBytes);
    const digest = toHex(block.digest);
    if (
      digest !== toHex(vote.digest as Uint8Array) ||
      block.view !== vote.view ||
      block.height !== vote.height ||
      toHex(block.parent) !== toHex(vote.parent as Uint8Array) ||
      block.proposer !== vote.signer
    ) {
      this.refuse(from, "proposal-mismatch");
      return;
    }
    const r = this.round(vote.view);
    if (r.proposal) {
      if (toHex(r.proposal.digest) !== digest) this.env.hooks?.equivocation?.(from, "notarize", vote.view);
      return;
    }
    const body = vote.body.slice();
    const signature = vote.signature.slice();
    if (!fromJournal && !this.checkSignature("notarize", from, body, signature)) {
      this.refuse(from, "bad-signature");
      return;
    }
    r.proposal = block;
    r.proposalVote = voteBytes.slice();
    this.blocks.set(digest, block);
    this.noteActive(from, vote.view);
    if (!fromJournal) this.env.persist(encodeProposalMessage(r.proposalVote, blockBytes), vote.view);
    if (from === this.config.self) {
      // Our own proposal, replayed from the journal.
      r.sentNotarize = r.proposalVote;
      r.verification = "valid";
    }
    this.addBallot(r, "notarize", digest, { signer: from, body, signature, bytes: r.proposalVote, verified: true });
    if (this.wanted.delete(digest)) this.afterBlock();
    if (r.view === this.view) this.checkProposal(r);
  }

  /** Votes notarize for the current view's proposal once its parent is certified and the app agrees. */
  private checkProposal(r: Round): void {
    const p = r.proposal;
    if (!p || r.verification !== "none" || r.sentNullify || r.sentNotarize || !this.canVote()) return;
    const parentHex = toHex(p.parent);
    const valid = this.isValidParent(r.view, parentHex);
    if (valid === undefined) {
      // The parent's certificate or a nullification in between is missing here: fetch them.
      this.wantCertificates(r.view);
      return;
    }
    const parent = this.parentRef(parentHex);
    if (valid && !parent) {
      this.want(parentHex, r.view);
      return;
    }
    if (!valid || !parent || p.height !== parent.height + 1n) {
      r.verification = "invalid";
      this.timeout(r);
      return;
    }
    r.verification = "pending";
    this.env.app.verify(p, parent).then(
      (ok) => this.onVerified(r, ok),
      () => this.onVerified(r, false),
    );
  }

  private onVerified(r: Round, ok: boolean): void {
    r.verification = ok ? "valid" : "invalid";
    if (this.view !== r.view || !this.started) return;
    if (!ok) {
      this.timeout(r);
      return;
    }
    if (r.sentNullify || r.sentNotarize || !this.canVote() || !r.proposal) return;
    const p = r.proposal;
    r.sentNotarize = this.signVote({ kind: "notarize", view: r.view, height: p.height, parent: p.parent, digest: p.digest });
    this.countOwn(r, "notarize", toHex(p.digest), r.sentNotarize);
  }

  // ---- votes ----

  private signVote(subject: Parameters<Codec["voteBody"]>[0], send = true): Uint8Array {
    const body = this.env.codec.voteBody(subject);
    const signature = this.env.sign(signingPayload(KIND_SIGNATURE[subject.kind], this.config.chainId, body));
    const vote = this.env.codec.encodeVote(subject.kind, this.config.self, body, signature);
    const digest = subject.kind === "nullify" ? undefined : toHex(subject.digest);
    this.env.hooks?.signed?.(subject.kind, subject.view, digest, vote);
    if (send) {
      const message = encodeVoteMessage(vote);
      this.env.persist(message, subject.view);
      this.env.broadcast(message);
    }
    return vote;
  }

  private countOwn(r: Round, kind: VoteKind, digest: string, vote: Uint8Array): void {
    const v = this.env.codec.voteParts(vote);
    this.addBallot(r, kind, digest, { signer: this.config.self, body: v.body, signature: v.signature, bytes: vote, verified: true });
  }

  private onVote(from: number, bytes: Uint8Array, fromJournal: boolean): void {
    const copy = bytes.slice();
    const vote = this.env.codec.voteParts(copy);
    if (vote.signer !== from) {
      this.refuse(from, "vote-not-from-signer");
      return;
    }
    if (!this.isInWindow(vote.view)) return;
    const r = this.round(vote.view);
    const digest = vote.digest ? toHex(vote.digest) : "";
    const ballot: Ballot = { signer: from, body: vote.body, signature: vote.signature, bytes: copy, verified: fromJournal };
    if (from === this.config.self) {
      if (!fromJournal) {
        this.refuse(from, "own-vote-from-network");
        return;
      }
      if (vote.kind === "notarize") r.sentNotarize = ballot.bytes;
      else if (vote.kind === "finalize") r.sentFinalize = ballot.bytes;
      else r.sentNullify = ballot.bytes;
    }
    if (vote.kind !== "nullify") {
      const firsts = vote.kind === "notarize" ? r.notarizedBy : r.finalizedBy;
      const first = firsts.get(from);
      if (first !== undefined) {
        if (first !== digest) this.env.hooks?.equivocation?.(from, vote.kind, vote.view);
        return;
      }
    } else if (r.nullify.ballots.has(from)) return;
    this.noteActive(from, vote.view);
    this.addBallot(r, vote.kind, digest, ballot);
  }

  private noteActive(signer: number, view: bigint): void {
    if (view > (this.lastActive[signer] ?? 0n)) this.lastActive[signer] = view;
  }

  private addBallot(r: Round, kind: VoteKind, digest: string, b: Ballot): void {
    if (kind === "notarize") r.notarizedBy.set(b.signer, digest);
    else if (kind === "finalize") r.finalizedBy.set(b.signer, digest);
    const t = r.tally(kind, digest);
    t.add(b);
    if (!t.certified && t.size >= this.q) this.tryCertify(r, kind, digest, t);
  }

  /** A quorum could form: verify the unverified ballots (once), then build the certificate. */
  private tryCertify(r: Round, kind: VoteKind, digest: string, t: Tally): void {
    for (const b of [...t.ballots.values()]) {
      if (b.verified) continue;
      if (this.checkSignature(kind, b.signer, b.body, b.signature)) {
        b.verified = true;
        if (!this.replaying) this.env.persist(encodeVoteMessage(b.bytes), r.view);
      } else {
        t.ballots.delete(b.signer);
        this.refuse(b.signer, "bad-signature");
      }
    }
    if (t.ballots.size < this.q) return;
    t.certified = true;
    const ballots = [...t.ballots.values()];
    const body = (ballots[0] as Ballot).body;
    const certificate = this.env.codec.encodeCertificate(
      CERT_KIND[kind],
      body,
      this.n,
      ballots.map((b) => ({ index: b.signer, signature: b.signature })),
    );
    if (this.hasCertificate(r, kind)) return;
    if (!this.replaying) {
      const message = encodeCertificateMessage(certificate);
      this.env.persist(message, r.view);
      this.env.broadcast(message);
    }
    // The proposal's height and parent come from the signed body (we may never have seen the block).
    const c = kind === "nullify" ? undefined : this.env.codec.certificateParts(certificate);
    this.applyCertificate(r, kind, digest, certificate, c?.height, c?.parent && toHex(c.parent));
  }

  private checkSignature(kind: VoteKind, signer: number, body: Uint8Array, signature: Uint8Array): boolean {
    const key = this.config.validators[signer];
    if (!key) return false;
    return this.env.verify(key, signingPayload(KIND_SIGNATURE[kind], this.config.chainId, body), signature);
  }

  // ---- certificates ----

  private hasCertificate(r: Round, kind: VoteKind): boolean {
    return kind === "notarize" ? !!r.notarization : kind === "finalize" ? !!r.finalization : !!r.nullification;
  }

  private onCertificate(from: number, bytes: Uint8Array, fromJournal: boolean): void {
    const copy = bytes.slice();
    const c = this.env.codec.certificateParts(copy);
    const kind = VOTE_OF_CERT[c.kind];
    if (c.view <= this.last.view) return;
    // Certificates are not bounded by the view horizon (a node far behind catches up through
    // them); they need q valid signatures, so the round is created only after checking them.
    const existing = this.rounds.get(c.view);
    if (existing && this.hasCertificate(existing, kind)) return;
    if (!fromJournal) {
      if (c.n !== this.n || c.signers.length < this.q) {
        this.refuse(from, "certificate-no-quorum");
        return;
      }
      for (let i = 0; i < c.signers.length; i++) {
        if (!this.checkSignature(kind, c.signers[i] as number, c.body, c.signatures[i] as Uint8Array)) {
          this.refuse(from, "certificate-bad-signature");
          return;
        }
      }
      this.env.persist(encodeCertificateMessage(copy), c.view);
    }
    if (this.muteHighest >= 0n && c.view > this.muteHighest) this.muteHighest = c.view;
    const r = this.round(c.view);
    this.applyCertificate(r, kind, c.digest ? toHex(c.digest) : "", copy, c.height, c.parent && toHex(c.parent));
  }

  private applyCertificate(r: Round, kind: VoteKind, digest: string, certificate: Uint8Array, height?: bigint, parent?: string): void {
    const h = height ?? r.proposal?.height ?? 0n;
    const p = parent ?? (r.proposal ? toHex(r.proposal.parent) : "");
    this.env.hooks?.certificate?.(CERT_KIND[kind], r.view, kind === "nullify" ? undefined : digest, certificate);
    if (kind === "nullify") {
      r.nullification = certificate;
    } else {
      const cp = { digest, height: h, parent: p, certificate };
      if (kind === "notarize") r.notarization = cp;
      else r.finalization = cp;
      if (!this.certifiedViews.has(digest)) this.certifiedViews.set(digest, r.view);
      if (!this.blocks.has(digest)) this.want(digest, r.view);
    }
    if (kind === "notarize" && !r.sentNullify && !r.sentFinalize && this.canVote()) {
      r.sentFinalize = this.signVote({ kind: "finalize", view: r.view, height: h, parent: fromHex(p), digest: fromHex(digest) });
      this.countOwn(r, "finalize", digest, r.sentFinalize);
    }
    if (kind === "finalize") this.finalize(r.view, digest, certificate);
    if (r.view >= this.view) {
      this.latestCertificate = certificate;
      this.enter(r.view + 1n);
    } else {
      const cur = this.rounds.get(this.view);
      if (cur) {
        if (cur.leader === this.config.self && this.canVote()) this.propose(cur);
        else this.checkProposal(cur);
      }
    }
  }

  // ---- finality and fetching blocks ----

  private finalize(view: bigint, digest: string, certificate: Uint8Array): void {
    if (this.pendingFinal && this.pendingFinal.view >= view) return;
    this.pendingFinal = { view, digest, certificate };
    this.deliver();
  }

  /** Delivers the pending finalization's chain once every block down to the last final one is here. */
  private deliver(): void {
    const target = this.pendingFinal;
    if (!target) return;
    const chain: ProposedBlock[] = [];
    let cursor = target.digest;
    while (cursor !== this.lastHex) {
      const b = this.blocks.get(cursor);
      if (!b) {
        this.want(cursor, target.view);
        return;
      }
      if (b.height <= this.last.height) {
        // A finalized chain that does not extend ours would be a safety failure; refuse it loudly.
        throw Object.assign(new Error(`finalized block ${cursor} does not extend the last finalized block`), { code: "FORK" });
      }
      chain.push(b);
      cursor = toHex(b.parent);
    }
    this.pendingFinal = undefined;
    chain.reverse();
    for (const b of chain) {
      const own = this.rounds.get(b.view)?.finalization;
      const f: FinalizedBlock =
        own && own.digest === toHex(b.digest)
          ? { block: b, finalization: own.certificate, certifiedView: b.view }
          : { block: b, finalization: target.certificate, certifiedView: target.view };
      this.last = { view: b.view, height: b.height, digest: b.digest, parent: b.parent, timestampMs: b.timestampMs };
      this.lastHex = toHex(b.digest);
      this.env.app.finalized(f);
    }
    if (this.muteUntil !== undefined && this.muteHighest < 0n && this.last.view > this.muteUntil) this.muteUntil = undefined;
    this.prune();
  }

  private prune(): void {
    const keepFrom = this.last.view - BigInt(this.config.keepViews);
    for (const v of this.rounds.keys()) if (v < keepFrom) this.rounds.delete(v);
    for (const [d, b] of this.blocks) if (b.height <= this.last.height && d !== this.lastHex) this.blocks.delete(d);
    for (const [d, v] of this.certifiedViews) if (v < this.last.view) this.certifiedViews.delete(d);
    for (const [d, v] of this.wanted) if (v <= this.last.view) this.wanted.delete(d);
    this.certifiedViews.set(this.lastHex, this.last.view);
  }

  private want(digest: string, view: bigint): void {
    if (this.replaying || this.wanted.has(digest)) return;
    this.wanted.set(digest, view);
    this.requestWanted();
  }

  private requestWanted(): void {
    if (this.fetchTimer !== undefined || !this.started) return;
    const ask = () => {
      this.fetchTimer = undefined;
      if ((this.wanted.size === 0 && !this.certsWanted) || !this.started) return;
      if (this.certsWanted) {
        this.fetchPeer = (this.fetchPeer + 1) % this.n;
        if (this.fetchPeer === this.config.self) this.fetchPeer = (this.fetchPeer + 1) % this.n;
        this.env.send(this.fetchPeer, encodeGetCerts(this.certsWanted.from, this.certsWanted.count));
      }
      // The newest wants first (the top of a chain to finalize brings its ancestors with it);
      // a few per round, each to the next peer in turn, so one peer that lacks a block (or
      // lies) costs one retry interval, never a stall.
      const newest = [...this.wanted].sort((a, b) => (a[1] > b[1] ? -1 : a[1] < b[1] ? 1 : 0)).slice(0, 3);
      for (const [digest] of newest) {
        this.fetchPeer = (this.fetchPeer + 1) % this.n;
        if (this.fetchPeer === this.config.self) this.fetchPeer = (this.fetchPeer + 1) % this.n;
        this.env.send(this.fetchPeer, encodeGetBlocks(fromHex(digest), MAX_BLOCKS_PER_REQUEST));
      }
      this.fetchTimer = this.env.clock.setTimer(this.config.retryMs, ask);
    };
    ask();
  }

  /** Asks peers for the certificates of the views below `view` down to the last final one (at most 256). */
  private wantCertificates(view: bigint): void {
    if (this.replaying || !this.started) return;
    let from = this.last.view + 1n;
    if (view - from > BigInt(MAX_CERT_VIEWS)) from = view - BigInt(MAX_CERT_VIEWS);
    if (from >= view) return;
    this.certsWanted = { from, count: Number(view - from) };
    this.requestWanted();
  }

  private serveCertificates(to: number, from: bigint, count: number): void {
    for (let w = from; w < from + BigInt(count); w++) {
      const r = this.rounds.get(w);
      if (!r) continue;
      const proposal = r.finalization ?? r.notarization;
      if (proposal) this.env.send(to, encodeCertificateMessage(proposal.certificate));
      if (r.nullification) this.env.send(to, encodeCertificateMessage(r.nullification));
    }
  }

  private serveBlocks(from: number, digest: Uint8Array, max: number): void {
    const out: Uint8Array[] = [];
    let bytes = 0;
    let cursor = toHex(digest);
    while (out.length < max) {
      const b = this.blocks.get(cursor) ?? this.env.app.finalizedBlock?.(fromHex(cursor));
      if (!b || b.height === 0n || bytes + b.bytes.length > 2 * 1024 * 1024) break;
      out.push(b.bytes);
      bytes += b.bytes.length;
      cursor = toHex(b.parent);
    }
    if (out.length > 0) this.env.send(from, encodeBlocks(out));
  }

  private onBlocks(blocks: Uint8Array[]): void {
    let accepted = false;
    for (const bytes of blocks) {
      const b = this.decodeBlock(bytes);
      const digest = toHex(b.digest);
      const view = this.wanted.get(digest);
      if (view === undefined) continue;
      this.wanted.delete(digest);
      this.blocks.set(digest, b);
      accepted = true;
      const parent = toHex(b.parent);
      if (b.height - 1n > this.last.height && !this.blocks.has(parent)) this.wanted.set(parent, view);
    }
    if (accepted) this.afterBlock();
  }

  private afterBlock(): void {
    this.deliver();
    const cur = this.rounds.get(this.view);
    if (cur) {
      if (cur.leader === this.config.self) this.propose(cur);
      else this.checkProposal(cur);
    }
    if (this.wanted.size > 0) this.requestWanted();
  }

  private refuse(from: number, reason: string): void {
    this.env.hooks?.refused?.(from, reason);
  }
}
