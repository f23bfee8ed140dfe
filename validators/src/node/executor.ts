// Certified execution (consensus.md, "Progress certificates"): finalized blocks run through the
// core wasm in height order, each with its beacon value σ_h when it needs one; the validator signs
// the progress record, and q matching signatures make the progress certificate. A validator whose
// record differs from a certified one has executed something else: it raises the alarm and stops
// signing, and never serves its own roots as certified.
//
// The beacon: once h is final, each validator releases its BLS partial on m_h; any t partials
// recover σ_h, verified against the group key before use. Consensus never waits for any of this.
//
// Votes are broadcast once, and one can be lost (a peer frozen, a connection dropped): after a
// real two-validator halt, three of four validators never certified one height, and relays
// following them stood at it for good. So a validator re-broadcasts its own votes for heights it
// executed but has not certified, every `voteRepairMs`; one that has certified such a height
// answers the vote with its own, once per peer and height (a late vote for the height it just
// executed is the normal case and gets no answer). Own votes are kept for VOTE_REPAIR_HEIGHTS.

import { type Codec, type Core, fromHex, SignatureKind, type Signer, signingPayload, type TxSummary, toHex } from "@nullspace/core";
import { beaconMessage } from "@nullspace/core/bls";
import { type BeaconCrypto, inlineBeaconCrypto } from "../beacon/crypto.js";
import type { Commitments, Share } from "../beacon/index.js";
import type { FinalizedBlock } from "../consensus/types.js";
import { decodeMessage, encodeGetSigma, encodePartial, encodeProgressVote, encodeSigma, SIGMA_LENGTH, Tag } from "../consensus/wire.js";
import type { Clock } from "../runtime/clock.js";
import type { Network } from "../runtime/network.js";

/** Which heights get a beacon value: those with a randomness-consuming transaction, or every non-empty one. */
export type BeaconPolicy = "random-ops" | "non-empty";

/**
 * Instruction tags whose execution may draw randomness: GameStart (0x05; one-hand games deal at the
 * start) and GameMove (0x06) (docs/formats.md). Consensus-critical: see decisions/004.
 */
export const RANDOM_OPS: ReadonlySet<number> = new Set<number>([0x05, 0x06]);

/** Whether a block of `txCount` transactions, of which the decodable ones have instruction tags
 * `ops`, needs σ under `policy` (a transaction that does not decode draws nothing). */
export function drawsOnBeacon(policy: BeaconPolicy, txCount: number, ops: Iterable<number>): boolean {
  if (policy === "non-empty") return txCount > 0;
  for (const op of ops) if (RANDOM_OPS.has(op)) return true;
  return false;
}

/** A progress vote as received; its signature is checked once it could complete a certificate. */
interface ProgressVote {
  record: string;
  recordBytes: Uint8Array;
  signature: Uint8Array;
  verified: boolean;
}

export interface ExecutorArchive {
  putFinalized(height: bigint, block: Uint8Array, finalization: Uint8Array): Promise<unknown> | undefined;
  putSigma(height: bigint, sigma: Uint8Array): Promise<unknown> | undefined;
  putProgress(height: bigint, certificate: Uint8Array): Promise<unknown> | undefined;
}

export interface ExecutorHooks {
  /** `txs`: the block's transactions (views into its bytes). */
  executed?(height: bigint, record: Uint8Array, events: Uint8Array[], txs: readonly Uint8Array[]): void;
  sigma?(height: bigint, sigma: Uint8Array): void;
  progressCertificate?(height: bigint, certificate: Uint8Array): void;
  alarm?(height: bigint, ours: string, certified: string): void;
}

export interface ExecutorOptions {
  core: Core;
  codec: Codec;
  /** The mempool's summary of a transaction it holds (taken by the same wasm on entry), so a
   * finalized block's held transactions are not decoded again to see whether it needs σ. */
  heldSummary?(tx: Uint8Array): TxSummary | undefined;
  chainId: bigint;
  self: number;
  validators: readonly Uint8Array[];
  signer: Signer;
  verify(publicKey: Uint8Array, payload: Uint8Array, signature: Uint8Array): boolean;
  share: Share;
  commitments: Commitments;
  groupKey: Uint8Array;
  network: Network;
  clock: Clock;
  archive?: ExecutorArchive;
  beaconPolicy?: BeaconPolicy;
  /** Heights already executed (the state the core holds); blocks at or below are not re-run. */
  executedHeight?: bigint;
  hooks?: ExecutorHooks;
  /** Ask peers again for a missing σ this often (ms). */
  retryMs?: number;
  /** Re-broadcast own votes for executed heights not certified yet this often (ms, default 1,000). */
  voteRepairMs?: number;
  /** Where the BLS work runs (default inline, on this thread; validators pass a worker). The
   * executor owns it: stop() closes it. */
  beaconCrypto?: BeaconCrypto;
}

interface Pending {
  f: FinalizedBlock;
  needsBeacon: boolean;
  /** The block's transactions, decoded once when it became final. */
  txs: Uint8Array[];
  sigma?: Uint8Array;
  /** Replayed from the archive with its progress certificate already there: execute, sign nothing. */
  quiet?: boolean;
  /** A recovery is running (off this thread); `again` when partials arrived meanwhile. */
  recovering?: boolean;
  again?: boolean;
  /** A σ offered by a peer is being verified. */
  verifyingSigma?: boolean;
}

/** Heights of σ sent in answer to one GET_SIGMA. */
const SIGMA_BATCH = 64n;
/** How far below execution a height's votes are still taken, and own votes kept to answer with. */
const VOTE_REPAIR_HEIGHTS = 1024n;
/** Uncertified heights whose votes one repair round re-broadcasts (the lowest first). */
const VOTE_REPAIR_BATCH = 16;

export interface ReplayedParts {
  sigma?: Uint8Array;
  /** The archive holds its progress certificate already. */
  certified?: boolean;
}

export class Executor {
  readonly q: number;
  executedHeight: bigint;
  alarm = false;
  private readonly queue: Pending[] = [];
  private readonly byHeight = new Map<bigint, Pending>();
  /** Partials received before (or after) we finalized the height, bounded by the window below. */
  private readonly partials = new Map<bigint, Map<number, Uint8Array>>();
  private readonly votes = new Map<bigint, Map<number, ProgressVote>>();
  /** Our own vote of each recent height, as sent (to send again, or to answer a peer's with). */
  private readonly ownVotes = new Map<bigint, Uint8Array>();
  /** Peers answered with our vote, by height: once each. */
  private readonly answered = new Map<bigint, Set<number>>();
  private repairTimer: number | undefined;
  /** Heights with t partials waiting for the next batched recovery (tryRecover). */
  private readonly readyToRecover = new Set<Pending>();
  private recoveryQueued = false;
  /** A batch is out (on the worker thread, or queued behind this turn): later heights wait for it. */
  private recoveringBatch = false;
  private readonly records = new Map<bigint, Uint8Array>();
  private readonly certified = new Set<bigint>();
  /** Progress certificates of heights not executed here yet. */
  private readonly held = new Map<bigint, { record: string; certificate: Uint8Array }>();
  /** σ of recent heights, for peers that ask (GET_SIGMA) while they catch up. */
  private readonly recentSigmas = new Map<bigint, Uint8Array>();
  private unsubscribe: (() => void) | undefined;
  private retry: number | undefined;
  private readonly t: number;
  private readonly beacon: BeaconCrypto;
  private stopped = false;

  constructor(private readonly o: ExecutorOptions) {
    const n = o.validators.length;
    this.q = n - Math.floor((n - 1) / 3);
    this.t = o.commitments.length;
    this.executedHeight = o.executedHeight ?? 0n;
    this.beacon = o.beaconCrypto ?? inlineBeaconCrypto({ share: o.share, commitments: o.commitments, groupKey: o.groupKey });
  }

  start(): void {
    this.unsubscribe = this.o.network.onMessage((from, bytes) => this.onMessage(from, bytes));
    this.scheduleVoteRepair();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.retry !== undefined) this.o.clock.cancel(this.retry);
    if (this.repairTimer !== undefined) this.o.clock.cancel(this.repairTimer);
    void this.beacon.close();
  }

  /** Consensus made `f` final (called in height order); `replayed` when it comes from the archive at startup. */
  async finalized(f: FinalizedBlock, replayed?: ReplayedParts): Promise<void> {
    const h = f.block.height;
    if (!replayed) await this.o.archive?.putFinalized(h, f.block.bytes, f.finalization);
    if (h <= this.executedHeight) return;
    const txs = this.o.codec.blockParts(f.block.bytes).txs;
    const p: Pending = { f, txs, needsBeacon: this.needsBeacon(txs) };
    if (replayed?.sigma) p.sigma = replayed.sigma;
    if (replayed?.certified) p.quiet = true;
    this.queue.push(p);
    this.byHeight.set(h, p);
    if (p.needsBeacon && !p.sigma) {
      void this.releasePartial(p);
      this.scheduleRetry();
    }
    this.pump();
  }

  /** Signs and sends our partial for a final height (the BLS work may run on another thread). */
  private async releasePartial(p: Pending): Promise<void> {
    const h = p.f.block.height;
    let partial: Uint8Array;
    try {
      partial = await this.beacon.partialSign(this.message(p));
    } catch {
      return; // the worker died: the retry timer asks peers for σ, and q − 1 other partials suffice
    }
    if (this.stopped || h <= this.executedHeight) return;
    this.o.network.broadcast(encodePartial(h, this.o.share.index, partial));
    this.addPartial(h, this.o.share.index, partial);
  }

  private needsBeacon(txs: readonly Uint8Array[]): boolean {
    const held = this.o.heldSummary;
    const codec = this.o.codec;
    function* ops(): Generator<number> {
      for (const tx of txs) {
        try {
          yield (held?.(tx) ?? codec.txSummary(tx)).op;
        } catch {
          // A transaction that does not decode draws nothing: it becomes an error event.
        }
      }
    }
    return drawsOnBeacon(this.o.beaconPolicy ?? "random-ops", txs.length, ops());
  }

  private message(p: Pending): Uint8Array {
    return beaconMessage({ chainId: this.o.chainId, height: p.f.block.height, blockDigest: p.f.block.digest });
  }

  private onMessage(from: number, bytes: Uint8Array): void {
    let m: ReturnType<typeof decodeMessage>;
    try {
      m = decodeMessage(bytes);
    } catch {
      return;
    }
    try {
      if (m.tag === Tag.PARTIAL) this.addPartial(m.height, m.index, m.partial.slice());
      else if (m.tag === Tag.PROGRESS) this.addVote(from, m.signer, m.signature.slice(), m.record.slice());
      else if (m.tag === Tag.GET_SIGMA) this.serveSigma(from, m.height);
      else if (m.tag === Tag.SIGMA) this.offerSigma(m.height, m.sigma.slice());
    } catch {
      // A malformed partial, vote or σ is the sender's problem, never ours.
    }
  }

  private addPartial(height: bigint, index: number, partial: Uint8Array): void {
    if (height <= this.executedHeight || height > this.executedHeight + 1024n) return;
    if (index < 1 || index > this.o.validators.length) return;
    let m = this.partials.get(height);
    if (!m) {
      m = new Map();
      this.partials.set(height, m);
    }
    if (!m.has(index)) m.set(index, partial);
    this.tryRecover(height);
  }

  /** Recovers σ once t partials are in; one recovery per height at a time, rerun if more partials
   * arrived while it ran (a bad partial among the first t needs the later ones). Heights that
   * become ready in the same turn (or while a batch is out) are recovered together: one pairing
   * check verifies all their σ (recoverVerifiedMany), the beacon's largest cost when it lags. */
  private tryRecover(height: bigint): void {
    const p = this.byHeight.get(height);
    const m = this.partials.get(height);
    if (!p || p.sigma || !p.needsBeacon || !m || m.size < this.t) return;
    if (p.recovering) {
      p.again = true;
      return;
    }
    this.readyToRecover.add(p);
    if (!this.recoveryQueued && !this.recoveringBatch) {
      // After the current task, not a timer later: partials that arrive together (one network read
      // carries several) share the batch, and none waits for a timer under a lagging event loop.
      this.recoveryQueued = true;
      queueMicrotask(() => this.recoverReady());
    }
  }

  private recoverReady(): void {
    this.recoveryQueued = false;
    const batch = [...this.readyToRecover].filter((p) => !p.sigma && !p.recovering && !this.stopped);
    this.readyToRecover.clear();
    if (batch.length === 0) return;
    for (const p of batch) {
      p.recovering = true;
      p.again = false;
    }
    this.recoveringBatch = true;
    const items = batch.map((p) => ({
      message: this.message(p),
      partials: [...(this.partials.get(p.f.block.height) ?? [])].map(([index, signature]) => ({ index, signature })),
    }));
    void this.beacon.recoverMany(items).then(
      (sigmas) => this.recoveredBatch(batch, sigmas),
      () => this.recoveredBatch(batch, []),
    );
  }

  private recoveredBatch(batch: readonly Pending[], sigmas: readonly (Uint8Array | undefined)[]): void {
    this.recoveringBatch = false;
    for (const [i, p] of batch.entries()) this.recovered(p, sigmas[i]);
    if (this.readyToRecover.size > 0 && !this.recoveryQueued) this.recoverReady();
  }

  private recovered(p: Pending, sigma: Uint8Array | undefined): void {
    p.recovering = false;
    if (this.stopped || p.sigma) return;
    if (sigma) this.setSigma(p, sigma);
    else if (p.again) this.tryRecover(p.f.block.height);
  }

  private setSigma(p: Pending, sigma: Uint8Array): void {
    p.sigma = sigma;
    this.recentSigmas.set(p.f.block.height, sigma);
    for (const k of this.recentSigmas.keys()) if (k + 1024n < p.f.block.height) this.recentSigmas.delete(k);
    this.partials.delete(p.f.block.height);
    void this.o.archive?.putSigma(p.f.block.height, sigma);
    this.o.hooks?.sigma?.(p.f.block.height, sigma);
    this.pump();
  }

  /** Answers GET_SIGMA(h) with σ of h and of the heights after it that we hold (up to
   * SIGMA_BATCH): the asker is catching up when it asks, and one round trip per height (the retry
   * period) would let the chain outrun it. */
  private serveSigma(from: number, height: bigint): void {
    for (let h = height; h < height + SIGMA_BATCH; h++) {
      const sigma = this.byHeight.get(h)?.sigma ?? this.recentSigmas.get(h);
      if (sigma) this.o.network.send(from, encodeSigma(h, sigma));
      else if (h > this.executedHeight && !this.byHeight.has(h)) break;
    }
  }

  /** A σ a peer sent: used only if it verifies against the group key. */
  private offerSigma(height: bigint, sigma: Uint8Array): void {
    const p = this.byHeight.get(height);
    // One verification per height at a time: every peer answers GET_SIGMA with the same σ.
    if (!p || p.sigma || p.verifyingSigma || !p.needsBeacon || sigma.length !== SIGMA_LENGTH) return;
    p.verifyingSigma = true;
    void this.beacon.verify(this.message(p), sigma).then(
      (ok) => {
        p.verifyingSigma = false;
        if (ok && !this.stopped && !p.sigma) this.setSigma(p, sigma);
      },
      () => {
        p.verifyingSigma = false;
      },
    );
  }

  private scheduleRetry(): void {
    if (this.retry !== undefined) return;
    this.retry = this.o.clock.setTimer(this.o.retryMs ?? 500, () => {
      this.retry = undefined;
      const head = this.queue[0];
      if (!head?.needsBeacon || head.sigma) return;
      // A recovery from enough partials is under way: asking peers now would only queue σ checks
      // (pairings) behind it on the same thread, the very work that is late.
      if (head.recovering && (this.partials.get(head.f.block.height)?.size ?? 0) >= this.t) {
        this.scheduleRetry();
        return;
      }
      this.o.network.broadcast(encodeGetSigma(head.f.block.height));
      const own = this.partials.get(head.f.block.height)?.get(this.o.share.index);
      if (own) this.o.network.broadcast(encodePartial(head.f.block.height, this.o.share.index, own));
      this.scheduleRetry();
    });
  }

  /** Executes every queued height whose σ is in (or not needed), in order. */
  private pump(): void {
    for (;;) {
      const p = this.queue[0];
      if (!p || (p.needsBeacon && !p.sigma)) {
        if (p) this.scheduleRetry();
        return;
      }
      this.queue.shift();
      this.byHeight.delete(p.f.block.height);
      this.execute(p);
    }
  }

  private execute(p: Pending): void {
    const h = p.f.block.height;
    const result = this.o.core.execute(p.f.block.bytes, p.sigma ?? new Uint8Array(0));
    this.executedHeight = h;
    if (!result.executed || !result.progress) return;
    const record = result.progress;
    this.records.set(h, record);
    this.o.hooks?.executed?.(h, record, result.events, p.txs);
    const held = this.held.get(h);
    if (held) {
      this.held.delete(h);
      this.emitCertificate(h, held.record, held.certificate);
    }
    if (p.quiet) return;
    if (!this.alarm) {
      const sign = this.o.signer.signSync as (m: Uint8Array) => Uint8Array;
      const signature = sign(signingPayload(SignatureKind.PROGRESS, this.o.chainId, record));
      const vote = encodeProgressVote(this.o.self, signature, record);
      this.ownVotes.set(h, vote);
      this.o.network.broadcast(vote);
      this.addVote(this.o.self, this.o.self, signature, record, true);
    }
    this.checkCertificate(h);
    // Old bookkeeping goes once a height is far below execution; what a vote repair needs, later.
    // (The bounds once per height, not a bigint sum per entry: the repair's sets hold ~1,024.)
    const old = h - 64n;
    const repairOld = h - VOTE_REPAIR_HEIGHTS;
    for (const k of this.records.keys()) if (k < old) this.records.delete(k);
    for (const k of this.votes.keys()) if (k < old && (this.certified.has(k) || k < repairOld)) this.votes.delete(k);
    for (const k of this.ownVotes.keys()) if (k < repairOld) this.ownVotes.delete(k);
    for (const k of this.answered.keys()) if (k < repairOld) this.answered.delete(k);
    for (const k of this.certified) if (k < repairOld) this.certified.delete(k);
  }

  private scheduleVoteRepair(): void {
    if (this.stopped) return;
    this.repairTimer = this.o.clock.setTimer(this.o.voteRepairMs ?? 1000, () => {
      this.repairTimer = undefined;
      this.repairVotes();
      this.scheduleVoteRepair();
    });
  }

  /**
   * Sends our votes again for the lowest executed heights not certified here, but the newest
   * (its votes are still on the way). Each goes to every peer, and one that certified the height
   * answers with its own vote (addVote); peers that lack it too take ours as any vote.
   */
  private repairVotes(): void {
    let sent = 0;
    for (const [h, vote] of this.ownVotes) {
      if (sent >= VOTE_REPAIR_BATCH) return;
      if (h >= this.executedHeight || this.certified.has(h)) continue;
      this.o.network.broadcast(vote);
      sent++;
    }
  }

  private addVote(from: number, signer: number, signature: Uint8Array, record: Uint8Array, own = false): void {
    if (signer !== from || signer < 0 || signer >= this.o.validators.length) return;
    const view = this.o.codec.decodeProgress(record);
    if (view.chainId !== this.o.chainId) return;
    const h = view.height;
    if (h + VOTE_REPAIR_HEIGHTS < this.executedHeight || h > this.executedHeight + 1024n) return;
    if (this.certified.has(h)) {
      if (!own) this.answerVote(from, h);
      return;
    }
    let m = this.votes.get(h);
    if (!m) {
      m = new Map();
      this.votes.set(h, m);
    }
    // Signatures are checked when they could complete a certificate, not on arrival: the votes that
    // arrive after one formed are never checked at all (one in four with n = 4).
    if (!m.has(signer)) m.set(signer, { record: toHex(record), recordBytes: record, signature, verified: own });
    this.checkCertificate(h);
  }

  /**
   * A peer sent its vote for a height we certified: if the height is below our newest, the peer
   * is repairing (it lacks the certificate), so it gets our vote, once. A late vote for the height
   * just executed (one in four with n = 4) is the normal case, answered by nothing.
   */
  private answerVote(from: number, h: bigint): void {
    const vote = this.ownVotes.get(h);
    if (vote === undefined || h >= this.executedHeight) return;
    let peers = this.answered.get(h);
    if (!peers) {
      peers = new Set();
      this.answered.set(h, peers);
    }
    if (peers.has(from)) return;
    peers.add(from);
    this.o.network.send(from, vote);
  }

  private checkCertificate(h: bigint): void {
    const m = this.votes.get(h);
    if (!m || this.certified.has(h)) return;
    const groups = new Map<string, number[]>();
    for (const [signer, v] of m) {
      const g = groups.get(v.record) ?? [];
      g.push(signer);
      groups.set(v.record, g);
    }
    for (const [record, signers] of groups) {
      if (signers.length < this.q) continue;
      const sigs: { index: number; signature: Uint8Array }[] = [];
      for (const signer of signers) {
        const v = m.get(signer) as ProgressVote;
        if (!v.verified) {
          const payload = signingPayload(SignatureKind.PROGRESS, this.o.chainId, v.recordBytes);
          if (!this.o.verify(this.o.validators[signer] as Uint8Array, payload, v.signature)) {
            m.delete(signer); // a forged vote: its signer may still send a good one
            continue;
          }
          v.verified = true;
        }
        sigs.push({ index: signer, signature: v.signature });
      }
      if (sigs.length < this.q) continue;
      this.certified.add(h);
      const certificate = this.o.codec.encodeProgressCertificate(fromHex(record), this.o.validators.length, sigs);
      // Peers may certify a height before we have even archived it: hold it until we execute it.
      if (h > this.executedHeight) this.held.set(h, { record, certificate });
      else this.emitCertificate(h, record, certificate);
      return;
    }
  }

  private emitCertificate(h: bigint, record: string, certificate: Uint8Array): void {
    const ours = this.records.get(h);
    if (ours && toHex(ours) !== record) {
      this.alarm = true;
      this.o.hooks?.alarm?.(h, toHex(ours), record);
    }
    void this.o.archive?.putProgress(h, certificate);
    this.o.hooks?.progressCertificate?.(h, certificate);
  }
}
