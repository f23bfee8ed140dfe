// The state machine of one chain, as a typed API over one wasm instance.

import { Codec } from "./codec.js";
import { concatBytes } from "./crypto/sha256.js";
import { decodeMmrPeaks } from "./proof/mmr.js";
import type {
  AccountView,
  FreerollView,
  MetaView,
  PolicyView,
  ProgressView,
  SessionView,
  SupplyView,
  TournamentEntryView,
  TournamentView,
} from "./views.js";
import { parseView } from "./views.js";
import { FrameReader, frameVarBytes } from "./wasm/frame.js";
import { compileCore, WasmInstance } from "./wasm/instance.js";

export interface ExecutionResult {
  /** False when the height had already been executed (a no-op). */
  executed: boolean;
  /** The canonical progress record (what validators sign), when executed. */
  progress?: Uint8Array;
  progressView?: ProgressView;
  /** The block's events in order, each its canonical encoding. */
  events: Uint8Array[];
}

const VIEW = { meta: 0, supply: 1, policy: 2, admins: 3, account: 4 } as const;
/** The ABI's NOT_FOUND (docs/errors.md). */
const NOT_FOUND = 901;
const utf8Decoder = new TextDecoder();

export class Core {
  readonly codec: Codec;

  private constructor(readonly wasm: WasmInstance) {
    this.codec = new Codec(wasm);
  }

  /** A fresh state machine from the bytes of core.wasm (compiled once per buffer). */
  static async load(wasmBytes: Uint8Array | ArrayBuffer): Promise<Core> {
    return new Core(await WasmInstance.create(await compileCore(wasmBytes)));
  }

  /** Starts the chain from a genesis record. */
  init(genesis: Uint8Array): { stateRoot: Uint8Array; genesisDigest: Uint8Array } {
    const out = this.wasm.call("core_init", genesis);
    return { stateRoot: out.slice(0, 32), genesisDigest: out.slice(32, 64) };
  }

  /**
   * Executes a finalized block and returns the undecoded result frame (docs/core-abi.md): for
   * hosts that store or forward it as it is, and for measuring the state machine alone.
   */
  executeRaw(block: Uint8Array, sigma: Uint8Array = new Uint8Array(0)): Uint8Array {
    return this.wasm.call("core_execute", concatBytes(frameVarBytes(block), sigma));
  }

  /** Executes a finalized block with its beacon value (48 bytes, or empty when the block needs none). */
  execute(block: Uint8Array, sigma: Uint8Array = new Uint8Array(0)): ExecutionResult {
    return this.decodeExecution(this.executeRaw(block, sigma));
  }

  /** Splits a result frame of executeRaw into the progress record and the events. */
  decodeExecution(frame: Uint8Array): ExecutionResult {
    const f = new FrameReader(frame);
    const executed = f.u8() === 0;
    const progressBytes = f.varBytes();
    const count = f.varint();
    const events: Uint8Array[] = [];
    for (let i = 0; i < count; i++) events.push(f.varBytes().slice());
    if (!executed) return { executed, events };
    const progress = progressBytes.slice();
    return { executed, progress, progressView: this.codec.decodeProgress(progress), events };
  }

  snapshot(): Uint8Array {
    return this.wasm.call("core_snapshot");
  }

  /** Replaces the state with a snapshot; refuses one whose records or root do not check out. */
  restore(snapshot: Uint8Array): void {
    this.wasm.invoke("core_restore", snapshot);
  }

  /** The transaction log's or event log's leaf count and peaks (what the roots of the last record commit to). */
  logPeaks(log: "tx" | "events"): { leafCount: bigint; peaks: Uint8Array[] } {
    const p = decodeMmrPeaks(this.wasm.call("core_log_peaks", undefined, log === "tx" ? 0 : 1));
    if (!p) throw new Error("core_log_peaks: not a compact MMR form");
    return { leafCount: p.leafCount, peaks: p.peaks.map((d) => d.slice()) };
  }

  stateRoot(): Uint8Array {
    return this.wasm.call("core_state_root");
  }

  /** The value under a state key, or null. */
  get(key: Uint8Array): Uint8Array | null {
    return this.wasm.callOrAbsent(NOT_FOUND, "core_get", key) ?? null;
  }

  /** An inclusion or absence proof of `key` against the current state root (docs/state-tree.md). */
  prove(key: Uint8Array): Uint8Array {
    return this.wasm.call("core_prove", key);
  }

  /** Proofs for many keys in one call (for benchmarks and relays answering batches). */
  proveMany(keys: Uint8Array[]): Uint8Array[] {
    const f = new FrameReader(this.wasm.call("core_prove_many", concatBytes(...keys.map(frameVarBytes))));
    return keys.map(() => f.varBytes().slice());
  }

  private view<T>(what: number, input?: Uint8Array): T {
    return parseView<T>(utf8Decoder.decode(this.wasm.call("core_view", input, what)));
  }

  meta(): MetaView {
    return this.view<MetaView>(VIEW.meta);
  }

  supply(): SupplyView {
    return this.view<SupplyView>(VIEW.supply);
  }

  policy(): PolicyView {
    return this.view<PolicyView>(VIEW.policy);
  }

  admins(): string[] {
    return this.view<{ keys: string[] }>(VIEW.admins).keys;
  }

  /** The key's next nonce (0 if it has never signed): what admission checks need, without the
   * JSON account view. */
  accountNonce(publicKey: Uint8Array): bigint {
    const out = this.wasm.call("core_account_nonce", publicKey);
    return new DataView(out.buffer, out.byteOffset, 8).getBigUint64(0, true);
  }

  account(publicKey: Uint8Array): AccountView | null {
    const json = this.wasm.callOrAbsent(NOT_FOUND, "core_view", publicKey, VIEW.account);
    return json ? parseView<AccountView>(utf8Decoder.decode(json)) : null;
  }

  /** The games record: the next session serial and the progressive meters (0: not yet seeded). */
  games(): { nextSerial: bigint; meterThreeCard: bigint; meterUth: bigint } {
    return parseView(utf8Decoder.decode(this.wasm.call("core_games")));
  }

  /** A player's game session by the client's session id, or null. */
  session(publicKey: Uint8Array, sessionId: bigint): SessionView | null {
    const id = new Uint8Array(8);
    new DataView(id.buffer).setBigUint64(0, sessionId, true);
    const json = this.wasm.callOrAbsent(NOT_FOUND, "core_session", concatBytes(publicKey, id));
    return json ? parseView<SessionView>(utf8Decoder.decode(json)) : null;
  }

  /** A tournament (schedule, phase, entrants, prizes), or null if nobody joined it. */
  tournament(id: bigint): TournamentView | null {
    const json = this.wasm.callOrAbsent(NOT_FOUND, "core_tournament", undefined, id);
    return json ? parseView<TournamentView>(utf8Decoder.decode(json)) : null;
  }

  /** A player's entry in a tournament (stack, Shields, Doubles), or null. */
  tournamentEntry(id: bigint, publicKey: Uint8Array): TournamentEntryView | null {
    const json = this.wasm.callOrAbsent(NOT_FOUND, "core_tournament_entry", publicKey, id);
    return json ? parseView<TournamentEntryView>(utf8Decoder.decode(json)) : null;
  }

  /** A player's freeroll record (entry limit, tournament play, credits as of the last block). */
  freeroll(publicKey: Uint8Array): FreerollView {
    return parseView<FreerollView>(utf8Decoder.decode(this.wasm.call("core_freeroll", publicKey)));
  }

  /** Credits minted for prizes and expired so far, with the per-tournament pool and the cap. */
  freerollTotals(): { creditsMinted: bigint; creditsExpired: bigint; prizePool: bigint; creditsCap: bigint } {
    return parseView(utf8Decoder.decode(this.wasm.call("core_freeroll_totals")));
  }
}

/** Tournament schedule (docs/tournaments.md): tournament `id` registers for 60 s from id × 360 s of
 * block time, then plays for 300 s. */
export const TOURNAMENT_PERIOD_MS = 360_000n;
export const TOURNAMENT_REGISTRATION_MS = 60_000n;
export const tournamentAt = (timestampMs: bigint): bigint => timestampMs / TOURNAMENT_PERIOD_MS;

/** State keys (assembly/state/keys.ts), for get/prove and relays' GET /state/:key. */
export const StateKey = {
  meta: (): Uint8Array => Uint8Array.of(0x00),
  supply: (): Uint8Array => Uint8Array.of(0x02),
  policy: (): Uint8Array => Uint8Array.of(0x03),
  admins: (): Uint8Array => Uint8Array.of(0x04),
  account: (publicKey: Uint8Array): Uint8Array => concatBytes(Uint8Array.of(0x01), publicKey),
  /** 07 ‖ player ‖ u64be session id. */
  session: (publicKey: Uint8Array, sessionId: bigint): Uint8Array => {
    const id = new Uint8Array(8);
    new DataView(id.buffer).setBigUint64(0, sessionId);
    return concatBytes(Uint8Array.of(0x07), publicKey, id);
  },
  games: (): Uint8Array => Uint8Array.of(0x08),
  /** 09 ‖ u64be id. */
  tournament: (id: bigint): Uint8Array => concatBytes(Uint8Array.of(0x09), u64be(id)),
  /** 0a ‖ u64be id ‖ player. */
  tournamentEntry: (id: bigint, publicKey: Uint8Array): Uint8Array => concatBytes(Uint8Array.of(0x0a), u64be(id), publicKey),
  /** 0c ‖ player. */
  freeroll: (publicKey: Uint8Array): Uint8Array => concatBytes(Uint8Array.of(0x0c), publicKey),
} as const;

function u64be(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v);
  return b;
}
