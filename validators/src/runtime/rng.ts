// Rng: the one source of randomness in the deterministic simulator.
//
// Generator: xoshiro128** (Blackman and Vigna, 2018). It is 32-bit arithmetic only (Math.imul,
// shifts), so it runs at full speed in JavaScript without BigInt, has a 2^128 - 1 period and
// passes BigCrush; the simulator draws a few numbers per simulated message, so speed matters more
// than cryptographic strength. sha256 is used only where quality of *derivation* matters: turning a
// seed (number, string, bytes) into the 128-bit state, and deriving fork(label) sub-streams, so
// that neighbouring seeds (1, 2, 3...) and neighbouring labels give unrelated streams.
//
// Stability: a failure found once must replay forever from its seed, so the seed derivation, the
// generator and every method's consumption of words are frozen. The known-answer tests in
// test/runtime.test.ts fail if any of them changes; change them only together with a note that old
// seeds no longer replay.

import { concatBytes, sha256 } from "@nullspace/core";

export type RngErrorCode = "RNG_INVALID_ARGUMENT"; // a bad seed, bound, probability or label

export class RngError extends Error {
  override readonly name = "RngError";
  constructor(
    readonly code: RngErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** Anything a simulation can be seeded with. Numbers must be safe non-negative integers. */
export type Seed = number | bigint | string | Uint8Array;

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;
const encoder = new TextEncoder();

/**
 * An integer in [0, n), uniform, from `draw()` that returns integers uniform in [0, range).
 * Rejection sampling: only the largest multiple of n below `range` is accepted, so every residue
 * has exactly floor(range / n) preimages and there is no modulo bias. Exported so the tests can run
 * it exhaustively with a tiny `range`; `n <= range` is the caller's responsibility.
 */
export function uniformBelow(n: number, draw: () => number, range: number): number {
  const limit = range - (range % n); // exact in doubles: range <= 2^53 and % is exact
  for (;;) {
    const x = draw();
    if (x < limit) return x % n;
  }
}

function seedBytes(seed: Seed): Uint8Array {
  // A type tag keeps the encodings of different seed kinds apart (the number 1 and the string "1"
  // give different streams; so do the bigint 1n and the number 1, deliberately: no coercion rules).
  if (typeof seed === "number") {
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new RngError("RNG_INVALID_ARGUMENT", `seed ${seed} is not a safe non-negative integer`);
    return concatBytes(encoder.encode("n:"), encoder.encode(String(seed)));
  }
  if (typeof seed === "bigint") {
    if (seed < 0n) throw new RngError("RNG_INVALID_ARGUMENT", `seed ${seed} is negative`);
    return concatBytes(encoder.encode("b:"), encoder.encode(seed.toString(16)));
  }
  if (typeof seed === "string") return concatBytes(encoder.encode("s:"), encoder.encode(seed));
  if (seed instanceof Uint8Array) return concatBytes(encoder.encode("u:"), seed);
  throw new RngError("RNG_INVALID_ARGUMENT", `unsupported seed type ${typeof seed}`);
}

function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

export class Rng {
  // xoshiro128** state, four u32 words.
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** 32 bytes every fork is derived from; fixed at construction, independent of draws. */
  readonly key: Uint8Array;

  /** A stream from any seed; see `Seed`. The same seed always gives the same stream. */
  constructor(seed: Seed) {
    this.key = sha256(concatBytes(encoder.encode("nullspace/rng/seed/v1\0"), seedBytes(seed)));
    const [a, b, c, d] = Rng.stateFromKey(this.key);
    this.s0 = a;
    this.s1 = b;
    this.s2 = c;
    this.s3 = d;
  }

  /**
   * A stream with the raw xoshiro128** state (for reference vectors). Not for simulations: use
   * `new Rng(seed)`. The all-zero state is the generator's one fixed point and is refused.
   */
  static fromState(state: readonly [number, number, number, number]): Rng {
    if (state.every((w) => w >>> 0 === 0)) throw new RngError("RNG_INVALID_ARGUMENT", "xoshiro128** state must not be all zero");
    const rng = new Rng(0);
    rng.s0 = state[0] >>> 0;
    rng.s1 = state[1] >>> 0;
    rng.s2 = state[2] >>> 0;
    rng.s3 = state[3] >>> 0;
    return rng;
  }

  private static stateFromKey(key: Uint8Array): [number, number, number, number] {
    const words: [number, number, number, number] = [u32(key, 0), u32(key, 4), u32(key, 8), u32(key, 12)];
    // sha256 giving 128 zero bits has probability 2^-128; the guard costs nothing.
    if (words.every((w) => w === 0)) words[0] = 1;
    return words;
  }

  /** The next uniform integer in [0, 2^32). */
  nextU32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    this.s3 >>>= 0;
    return result;
  }

  /** A uniform float in [0, 1) with 53 random bits (two words: high 21 bits, then low 32). */
  nextFloat01(): number {
    return this.next53() / TWO_53;
  }

  /**
   * A uniform integer in [0, n), without modulo bias, for integer 1 <= n <= 2^53. Bounds up to
   * 2^32 consume whole 32-bit words (usually exactly one); larger bounds consume pairs of words.
   */
  below(n: number): number {
    if (!Number.isSafeInteger(n) && n !== TWO_53)
      throw new RngError("RNG_INVALID_ARGUMENT", `below(${n}): bound is not an integer <= 2^53`);
    if (n < 1) throw new RngError("RNG_INVALID_ARGUMENT", `below(${n}): bound must be at least 1`);
    if (n <= TWO_32) return uniformBelow(n, () => this.nextU32(), TWO_32);
    return uniformBelow(n, () => this.next53(), TWO_53);
  }

  /** A uniform integer in [min, max] (both inclusive). */
  between(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
      throw new RngError("RNG_INVALID_ARGUMENT", `between(${min}, ${max})`);
    }
    return min + this.below(max - min + 1);
  }

  /**
   * True with probability p (p = 0 never, p = 1 always). Always consumes exactly two words, whatever
   * p, so changing a probability (say a link's loss) does not shift the rest of the stream.
   */
  chance(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw new RngError("RNG_INVALID_ARGUMENT", `chance(${p}): probability outside [0, 1]`);
    return this.nextFloat01() < p;
  }

  /** One element chosen uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RngError("RNG_INVALID_ARGUMENT", "pick() from an empty array");
    return items[this.below(items.length)]!;
  }

  /** Shuffles `items` in place (Fisher-Yates, from the end) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** `length` random bytes (each word gives four bytes, big-endian; the tail of the last is dropped). */
  bytes(length: number): Uint8Array {
    if (!Number.isSafeInteger(length) || length < 0) throw new RngError("RNG_INVALID_ARGUMENT", `bytes(${length})`);
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i += 4) {
      const w = this.nextU32();
      out[i] = w >>> 24;
      if (i + 1 < length) out[i + 1] = w >>> 16;
      if (i + 2 < length) out[i + 2] = w >>> 8;
      if (i + 3 < length) out[i + 3] = w;
    }
    return out;
  }

  /**
   * An independent stream named `label`, derived from this stream's key, not from its position:
   * fork("node-3") is the same stream however many numbers the parent has drawn, and whatever
   * the other components drew. That is what keeps a simulation replayable when one component
   * changes how much randomness it uses. The same label twice gives the same stream, so give every
   * consumer its own label ("network", "node-3/storage"); labels nest (a.fork("x").fork("y")).
   */
  fork(label: string): Rng {
    if (typeof label !== "string") throw new RngError("RNG_INVALID_ARGUMENT", "fork label must be a string");
    const child = Object.create(Rng.prototype) as Rng;
    const key = sha256(concatBytes(encoder.encode("nullspace/rng/fork/v1\0"), this.key, encoder.encode(label)));
    (child as { key: Uint8Array }).key = key;
    const [a, b, c, d] = Rng.stateFromKey(key);
    child.s0 = a;
    child.s1 = b;
    child.s2 = c;
    child.s3 = d;
    return child;
  }

  /** This stream as a `() => number` in [0, 1), the shape SimStorage's `rng` option takes. */
  floatSource(): () => number {
    return () => this.nextFloat01();
  }

  private next53(): number {
    const hi = this.nextU32() >>> 11; // 21 bits
    const lo = this.nextU32();
    return hi * TWO_32 + lo;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
