// The codec for hosts: builders return canonical bytes and decoders typed views, all computed by
// the wasm (there is no second parser in TypeScript).

import { concatBytes, toHex } from "./crypto/sha256.js";
import { CoreError } from "./errors.js";
import { readEventFrame } from "./event-frame.js";
import { type Bet, betEntries } from "./games/bet.js";
import { GameRules } from "./games/rules.js";
import type {
  BlockView,
  CertificateKind,
  CertificateView,
  EventView,
  FinalizedView,
  GenesisView,
  ProgressCertificateView,
  ProgressView,
  TxView,
  VoteKind,
  VoteView,
} from "./views.js";
import { parseView } from "./views.js";
import { checkU64, checkUint } from "./wasm/args.js";
import type { WasmInstance } from "./wasm/instance.js";

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** The fields of a transaction that admission checks use (Codec.txSummary). */
export interface TxSummary {
  /** Instruction tag (docs/formats.md). */
  op: number;
  /** Length of the signed part; the signature is the 64 bytes after it. */
  bodyLength: number;
  nonce: bigint;
  /** Signer's public key, hex. */
  signer: string;
  /** The same key's 32 bytes (a view into the summary). */
  signerKey: Uint8Array;
  /** sha256 of the whole transaction, hex. */
  hash: string;
}

export interface BlockFields {
  chainId: bigint;
  height: bigint;
  view: bigint;
  parent: Uint8Array;
  timestampMs: bigint;
  proposer: number;
  txs: Uint8Array[];
}

export interface GenesisFields {
  chainId: bigint;
  genesisTimeMs: bigint;
  admins: Uint8Array[];
  faucetEnabled: boolean;
}

export type Instruction =
  | { op: "register"; name: string }
  | { op: "faucet" }
  | { op: "adminRotateKeys"; keys: Uint8Array[] }
  | { op: "adminSetPolicy"; field: number; value: bigint }
  | GameStartInstruction
  | GameMoveInstruction
  | { op: "tournamentJoin" | "tournamentStart" | "tournamentEnd"; tournamentId: bigint }
  | { op: "adminSetFreerollLimit"; player: Uint8Array; limit: number };

const TOURNAMENT_OPS = { tournamentJoin: 7, tournamentStart: 8, tournamentEnd: 9 } as const;

export interface GameStartInstruction {
  op: "gameStart";
  /** GameId (games/catalogue.ts). */
  game: number;
  /** The client's id for the session, unused so far by this player. */
  sessionId: bigint;
  /** Cash chips (default) or the tournament stack. */
  mode?: PlayMode;
  modifiers?: Modifiers;
  /** The game's session option bits (e.g. RouletteOption). */
  options?: number;
  /** The main stake of a one-hand game; 0 for table games. */
  stake?: bigint;
  sideBets?: Bet[];
}

export interface GameMoveInstruction {
  op: "gameMove";
  sessionId: bigint;
  /** The game's action (TableAction for table games). */
  action: number;
  modifiers?: Modifiers;
  /** A batch of up to 20 bets. */
  bets?: Bet[];
}

export type PlayMode = "cash" | "tournament";

/** Tournament round modifiers (games.md): Shield returns a losing round's stake, Double doubles a
 * winning round's net win. */
export interface Modifiers {
  shield?: boolean;
  double?: boolean;
}

function modifierBits(m: Modifiers | undefined): number {
  return (m?.shield ? 1 : 0) | (m?.double ? 2 : 0);
}

/** What a vote or certificate is about: a proposal (notarize, finalize) or a view (nullify). */
export type ConsensusSubject =
  | { kind: "notarize" | "finalize"; view: bigint; height: bigint; parent: Uint8Array; digest: Uint8Array }
  | { kind: "nullify"; view: bigint };

/** The parts of a finalized-height bundle (docs/formats.md, "Finalized bundle"). */
export interface FinalizedFields {
  height: bigint;
  block: Uint8Array;
  finalization: Uint8Array;
  /** σ_h (48 bytes), if the beacon value is known. */
  sigma?: Uint8Array;
  /** The progress certificate, if one has formed. */
  progress?: Uint8Array;
}

/** One validator's signature for a certificate. */
export interface IndexedSignature {
  index: number;
  signature: Uint8Array;
}

const FINALIZED_SIGMA = 1;
const FINALIZED_PROGRESS = 2;

const VOTE_KIND_TAG: Record<VoteKind, number> = { notarize: 1, nullify: 2, finalize: 3 };
const CERTIFICATE_KIND_TAG: Record<CertificateKind, number> = { notarization: 1, nullification: 2, finalization: 3 };

/** A block as bytes: header fields, digest, and its transactions as views into the input. */
export interface BlockParts {
  header: { chainId: bigint; height: bigint; view: bigint; parent: Uint8Array; timestampMs: bigint; txRoot: Uint8Array; proposer: number };
  digest: Uint8Array;
  headerLength: number;
  txs: Uint8Array[];
}

/** A consensus body as bytes: view, and for a proposal its height, parent and digest. */
export interface BodyParts {
  view: bigint;
  height?: bigint;
  parent?: Uint8Array;
  digest?: Uint8Array;
  /** The exact signed body bytes (a view into the input). */
  body: Uint8Array;
}

export type VoteParts = BodyParts & { kind: VoteKind; signer: number; signature: Uint8Array };
export type CertificateParts = BodyParts & { kind: CertificateKind; n: number; signers: number[]; signatures: Uint8Array[] };

const VOTE_KINDS: Record<number, VoteKind> = { 1: "notarize", 2: "nullify", 3: "finalize" };
const CERTIFICATE_KINDS: Record<number, CertificateKind> = { 1: "notarization", 2: "nullification", 3: "finalization" };

function bodyParts(f: Uint8Array, d: DataView, at: number, isProposal: boolean): Omit<BodyParts, "body"> {
  const view = d.getBigUint64(at, true);
  if (!isProposal) return { view };
  return { view, height: d.getBigUint64(at + 8, true), parent: f.slice(at + 16, at + 48), digest: f.slice(at + 48, at + 80) };
}

/** index u16le ‖ signature, the certificate builders' input entries (docs/core-abi.md). */
function signatureEntries(sigs: readonly IndexedSignature[]): Uint8Array {
  const out = new Uint8Array(sigs.length * 66);
  sigs.forEach((s, i) => {
    if (!Number.isInteger(s.index) || s.index < 0 || s.index > 0xffff || s.signature.length !== 64) {
      throw new CoreError(900, "signatures must be {index: 0..65535, signature: 64 bytes}");
    }
    out[i * 66] = s.index & 0xff;
    out[i * 66 + 1] = s.index >> 8;
    out.set(s.signature, i * 66 + 2);
  });
  return out;
}

export class Codec {
  /** The games' settle, deal and hand functions (the wasm's own). */
  readonly games: GameRules;

  constructor(private readonly wasm: WasmInstance) {
    this.games = new GameRules(wasm);
  }

  private json<T>(fn: string, input: Uint8Array): T {
    return parseView<T>(utf8Decoder.decode(this.wasm.call(fn, input)));
  }

  /** The unsigned body of a transaction: what is signed (after the TX domain prefix). */
  txBody(signer: Uint8Array, nonce: bigint, ins: Instruction): Uint8Array {
    switch (ins.op) {
      case "register":
        return this.wasm.call("tx_register", concatBytes(signer, utf8.encode(ins.name)), nonce);
      case "faucet":
        return this.wasm.call("tx_faucet", signer, nonce);
      case "adminRotateKeys":
        return this.wasm.call("tx_rotate_admins", concatBytes(signer, ...ins.keys), nonce);
      case "adminSetPolicy":
        return this.wasm.call("tx_set_policy", signer, nonce, ins.field, ins.value);
      case "gameStart":
        checkUint("game", ins.game, 0xff);
        checkUint("options", ins.options ?? 0, 0xffff_ffff);
        checkU64("sessionId", ins.sessionId);
        checkU64("stake", ins.stake ?? 0n);
        return this.wasm.call(
          "tx_game_start",
          concatBytes(signer, betEntries(ins.sideBets ?? [])),
          nonce,
          ins.game,
          ins.sessionId,
          ins.mode === "tournament" ? 1 : 0,
          modifierBits(ins.modifiers),
          ins.options ?? 0,
          ins.stake ?? 0n,
        );
      case "gameMove":
        checkUint("action", ins.action, 0xff);
        checkU64("sessionId", ins.sessionId);
        return this.wasm.call(
          "tx_game_move",
          concatBytes(signer, betEntries(ins.bets ?? [])),
          nonce,
          ins.sessionId,
          ins.action,
          modifierBits(ins.modifiers),
        );
      case "tournamentJoin":
      case "tournamentStart":
      case "tournamentEnd":
        checkU64("tournamentId", ins.tournamentId);
        return this.wasm.call("tx_tournament", signer, nonce, TOURNAMENT_OPS[ins.op], ins.tournamentId);
      case "adminSetFreerollLimit":
        checkUint("limit", ins.limit, 0xff);
        if (ins.player.length !== 32) throw new CoreError(900, "player must be a 32-byte key");
        return this.wasm.call("tx_set_freeroll_limit", concatBytes(signer, ins.player), nonce, ins.limit);
    }
  }

  decodeTx(tx: Uint8Array): TxView {
    return this.json<TxView>("tx_decode", tx);
  }

  /**
   * What a mempool or relay needs of a submission, with the same validation as decodeTx but no
   * JSON (several times faster). Throws CoreError for malformed bytes.
   */
  txSummary(tx: Uint8Array): TxSummary {
    const out = this.wasm.call("tx_summary", tx);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    return {
      op: out[0] as number,
      bodyLength: view.getUint32(1, true),
      nonce: view.getBigUint64(5, true),
      signer: toHex(out.subarray(13, 45)),
      signerKey: out.subarray(13, 45),
      hash: toHex(out.subarray(45, 77)),
    };
  }

  encodeBlock(b: BlockFields): Uint8Array {
    this.wasm.invoke("block_begin");
    for (const tx of b.txs) this.wasm.invoke("block_add_tx", tx);
    return this.wasm.call("block_finish", b.parent, b.chainId, b.height, b.view, b.timestampMs, b.proposer);
  }

  decodeBlock(block: Uint8Array): BlockView {
    return this.json<BlockView>("block_decode", block);
  }

  decodeEvent(event: Uint8Array): EventView {
    return this.json<EventView>("event_decode", event);
  }

  /** decodeEvent's view through the event_frame ABI frame instead of JSON (several times faster):
   * for hosts that follow many rounds. Same checks, same CoreError for malformed bytes. */
  decodeEventFrame(event: Uint8Array): EventView {
    return readEventFrame(this.wasm.call("event_frame", event));
  }

  decodeProgress(progress: Uint8Array): ProgressView {
    return this.json<ProgressView>("progress_decode", progress);
  }

  encodeGenesis(g: GenesisFields): Uint8Array {
    return this.wasm.call("genesis_encode", concatBytes(...g.admins), g.chainId, g.genesisTimeMs, g.faucetEnabled ? 1 : 0);
  }

  decodeGenesis(genesis: Uint8Array): GenesisView {
    return this.json<GenesisView>("genesis_decode", genesis);
  }

  /** `count` words of the randomness stream of (σ, session, move), each below `bound` (0: raw words). */
  randomDraws(sigma: Uint8Array, sessionId: bigint, move: number, count: number, bound: number): number[] {
    const out = this.wasm.call("random_draws", sigma, sessionId, move, count, bound);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    return Array.from({ length: count }, (_, i) => view.getUint32(i * 4, true));
  }

  /** A Fisher–Yates permutation of 0..n-1 from the stream of (σ, session, move). */
  randomShuffle(sigma: Uint8Array, sessionId: bigint, move: number, n: number): number[] {
    return Array.from(this.wasm.call("random_shuffle", sigma, sessionId, move, n));
  }

  /** The body of a vote of this subject: what a validator signs after domainPrefix(kind, chainId). */
  voteBody(s: ConsensusSubject): Uint8Array {
    if (s.kind === "nullify") return this.wasm.call("vote_body", undefined, VOTE_KIND_TAG.nullify, s.view, 0n);
    return this.wasm.call("vote_body", concatBytes(s.parent, s.digest), VOTE_KIND_TAG[s.kind], s.view, s.height);
  }

  encodeVote(kind: VoteKind, signer: number, body: Uint8Array, signature: Uint8Array): Uint8Array {
    return this.wasm.call("vote_encode", concatBytes(body, signature), VOTE_KIND_TAG[kind], signer);
  }

  decodeVote(vote: Uint8Array): VoteView {
    return this.json<VoteView>("vote_decode", vote);
  }

  /**
   * A block's header fields, digest and transactions as byte views into `block` (no hex, no
   * copies of the transactions): for validators and relays handling large blocks. Same checks
   * and errors as decodeBlock.
   */
  blockParts(block: Uint8Array): BlockParts {
    const f = this.wasm.call("block_decode_frame", block);
    const d = new DataView(f.buffer, f.byteOffset, f.byteLength);
    const count = d.getUint32(136, true);
    const txs: Uint8Array[] = new Array(count);
    for (let i = 0; i < count; i++) {
      const at = d.getUint32(140 + 8 * i, true);
      txs[i] = block.subarray(at, at + d.getUint32(144 + 8 * i, true));
    }
    return {
      header: {
        chainId: d.getBigUint64(0, true),
        height: d.getBigUint64(8, true),
        view: d.getBigUint64(16, true),
        parent: f.slice(24, 56),
        timestampMs: d.getBigUint64(56, true),
        txRoot: f.slice(64, 96),
        proposer: d.getUint32(96, true),
      },
      digest: f.slice(100, 132),
      headerLength: d.getUint32(132, true),
      txs,
    };
  }

  /**
   * The parts of a vote as byte views into `vote` (no copies, no hex): for hosts on the vote path.
   * Same checks and errors as decodeVote.
   */
  voteParts(vote: Uint8Array): VoteParts {
    const f = this.wasm.call("vote_decode_frame", vote);
    const d = new DataView(f.buffer, f.byteOffset, f.byteLength);
    const kind = VOTE_KINDS[f[0] as number] as VoteKind;
    const bodyAt = d.getUint32(83, true);
    const sigAt = d.getUint32(91, true);
    return {
      kind,
      signer: d.getUint16(1, true),
      ...bodyParts(f, d, 3, kind !== "nullify"),
      body: vote.subarray(bodyAt, bodyAt + d.getUint32(87, true)),
      signature: vote.subarray(sigAt, sigAt + 64),
    };
  }

  /** The parts of a certificate as byte views into `certificate`; same checks and errors as decodeCertificate. */
  certificateParts(certificate: Uint8Array): CertificateParts {
    const f = this.wasm.call("certificate_decode_frame", certificate);
    const d = new DataView(f.buffer, f.byteOffset, f.byteLength);
    const kind = CERTIFICATE_KINDS[f[0] as number] as CertificateKind;
    const bodyAt = d.getUint32(81, true);
    const m = d.getUint16(91, true);
    const sigAt = d.getUint32(93, true);
    const signers: number[] = [];
    for (let i = 0; i < m; i++) signers.push(d.getUint16(97 + 2 * i, true));
    return {
      kind,
      ...bodyParts(f, d, 1, kind !== "nullification"),
      body: certificate.subarray(bodyAt, bodyAt + d.getUint32(85, true)),
      n: d.getUint16(89, true),
      signers,
      signatures: signers.map((_, i) => certificate.subarray(sigAt + 64 * i, sigAt + 64 * (i + 1))),
    };
  }

  /** A certificate over `n` validators; signatures may come in any order (a repeated or
   * out-of-range index throws CoreError INVALID_VALUE). Quorum is the verifier's business. */
  encodeCertificate(kind: CertificateKind, body: Uint8Array, n: number, signatures: readonly IndexedSignature[]): Uint8Array {
    return this.wasm.call(
      "certificate_encode",
      concatBytes(body, signatureEntries(signatures)),
      CERTIFICATE_KIND_TAG[kind],
      n,
      body.length,
    );
  }

  decodeCertificate(certificate: Uint8Array): CertificateView {
    return this.json<CertificateView>("certificate_decode", certificate);
  }

  encodeProgressCertificate(record: Uint8Array, n: number, signatures: readonly IndexedSignature[]): Uint8Array {
    return this.wasm.call("progress_certificate_encode", concatBytes(record, signatureEntries(signatures)), n, record.length);
  }

  decodeProgressCertificate(certificate: Uint8Array): ProgressCertificateView {
    return this.json<ProgressCertificateView>("progress_certificate_decode", certificate);
  }

  /**
   * The bundle of one finalized height. Throws CoreError for parts that do not decode or disagree
   * (PARTS_MISMATCH), and BAD_ARGUMENTS for a σ that is not 48 bytes.
   */
  encodeFinalized(f: FinalizedFields): Uint8Array {
    if (f.sigma !== undefined && f.sigma.length !== 48) throw new CoreError(900, "sigma must be 48 bytes");
    const flags = (f.sigma ? FINALIZED_SIGMA : 0) | (f.progress ? FINALIZED_PROGRESS : 0);
    const input = concatBytes(f.block, f.finalization, f.sigma ?? EMPTY, f.progress ?? EMPTY);
    return this.wasm.call("finalized_encode", input, f.height, f.block.length, f.finalization.length, flags);
  }

  /** Checks and splits a bundle (the wasm returns offsets into `bundle`; the parts are copies). */
  decodeFinalized(bundle: Uint8Array): FinalizedView {
    const out = this.wasm.call("finalized_decode", bundle);
    const frame = new DataView(out.buffer, out.byteOffset, out.byteLength);
    const part = (at: number, length: number) => {
      const offset = frame.getUint32(at, true);
      return bundle.slice(offset, offset + length);
    };
    const flags = out[0] as number;
    const view: FinalizedView = {
      height: frame.getBigUint64(1, true),
      digest: toHex(out.subarray(9, 41)),
      parent: toHex(out.subarray(41, 73)),
      block: part(73, frame.getUint32(77, true)),
      finalization: part(81, frame.getUint32(85, true)),
    };
    if (flags & FINALIZED_SIGMA) view.sigma = part(89, 48);
    if (flags & FINALIZED_PROGRESS) view.progress = part(93, frame.getUint32(97, true));
    return view;
  }
}

const EMPTY = new Uint8Array(0);
