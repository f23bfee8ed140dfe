// The slot for a faster engine under the BLS layer. noble (curve.ts) is the reference and always
// works; an engine, once installed in a thread, runs the expensive operations there instead: mcl
// (mcl-engine.ts, wasm: Node and browsers) or blst (node/blst-engine.ts, native: Node only).
// Engines change speed, never a byte or a verdict: BLS signatures are deterministic, and each
// engine decodes exactly what noble's decoders accept (their tests run the beacon's test file on
// each engine and compare with noble on random inputs). docs/decisions/018 and 021.

/** What the BLS layer and the validators' recovery run on an engine, on its own point type. */
export interface BlsEngine<Point = unknown> {
  readonly name: "mcl" | "blst";
  /** How much faster than the others: an engine replaces only a slower one. */
  readonly rank: number;
  /** A 48-byte compressed G1 point as curve.ts's decoders accept it (compressed flag set, infinity
   * clear, x < p, on the curve, canonical), and in the subgroup when `strict`; undefined otherwise. */
  decodeG1(bytes: Uint8Array, strict: boolean): Point | undefined;
  /** H(m) with BEACON_DST. */
  hashToG1(message: Uint8Array): Point;
  /** secret·H(message), encoded: a BLS signature (a partial, or σ with the group secret). */
  sign(secret: bigint, message: Uint8Array): Uint8Array;
  /** e(signature, −G2)·e(hashed, key) == 1, `signature` already decoded (and in G1); false for a
   * key that does not decode strictly. */
  pairingCheck(signature: Point, hashed: Point, keyBytes: Uint8Array): boolean;
  /** Is `signature` (48 bytes) a valid signature on `message` under `keyBytes` (96 bytes)? Never throws. */
  verify(keyBytes: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** Σ scalars[k]·points[k]. */
  sum(points: Point[], scalars: bigint[]): Point;
  /** In the prime-order subgroup and not the identity. */
  inSubgroup(point: Point): boolean;
  encode(point: Point): Uint8Array;
}

let active: BlsEngine | undefined;

/** Installs `engine` in this thread unless a faster one is already in use. */
export function installBlsEngine(engine: BlsEngine): void {
  if (!active || active.rank < engine.rank) active = engine;
}

/** The engine in use in this thread, or undefined while noble does the work. */
export function blsEngine(): BlsEngine | undefined {
  return active;
}

/** NULLSPACE_BLS_ENGINE: "noble" keeps every engine off, "mcl" keeps blst off (A/B benchmarks). */
export function engineCeiling(): "noble" | "mcl" | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.NULLSPACE_BLS_ENGINE;
  return v === "noble" || v === "mcl" ? v : undefined;
}
