// Key material of the beacon: the genesis dealer ceremony (Shamir shares of a random secret with
// Feldman commitments), and the byte formats of shares and commitments.
//
// The dealer draws a polynomial p(x) = a_0 + a_1 x + … + a_{t−1} x^{t−1} over Fr. Validator i
// (1-based) gets the share s_i = p(i); the group secret is p(0) = a_0 and nobody keeps it. The
// dealer publishes the commitments C_j = a_j·G2; C_0 is the group key. Anyone derives validator
// i's public share key p(i)·G2 = Σ_j i^j·C_j from the commitments alone, and validator i checks
// its share with s_i·G2 == Σ_j i^j·C_j. Any t shares determine p, fewer reveal nothing about a_0.
//
// The dealer knows the group secret, so this ceremony trusts it (genesis only). A joint DKG with
// resharing is the later step (consensus.md).

import { bytesToNumberBE } from "@noble/curves/utils.js";
import { sha512 } from "@noble/hashes/sha2.js";
import {
  BeaconError,
  decodePublicKey,
  decodeScalar,
  encodePublicKey,
  encodeScalar,
  Fr,
  G2,
  type G2Point,
  GROUP_ORDER,
  isBytes,
  isG2Point,
  isScalar,
  PUBLIC_KEY_LENGTH,
  SCALAR_LENGTH,
} from "@nullspace/core/bls";

/** Share indices are u16 on the wire, and 0 is the group secret's position. */
export const MAX_SHARES = 0xffff;
export const SEED_LENGTH = 32;
/** u16be(index) ‖ scalar. */
export const SHARE_LENGTH = 2 + SCALAR_LENGTH;

export interface Share {
  /** 1-based validator index, the x at which the polynomial was evaluated. */
  readonly index: number;
  /** s_i = p(index), in [1, r). */
  readonly secret: bigint;
}

/** Feldman commitments C_0 … C_{t−1}; the length is the threshold t and C_0 is the group key. */
export type Commitments = readonly G2Point[];

export interface Dealing {
  readonly n: number;
  readonly t: number;
  /** p(0). Only for tests and for checking the ceremony; a real dealer drops it. */
  readonly groupSecret: bigint;
  /** p(0)·G2 = commitments[0]. */
  readonly groupKey: G2Point;
  readonly commitments: Commitments;
  /** shares[i − 1] is validator i's share. */
  readonly shares: readonly Share[];
}

export interface DealOptions {
  /** Number of validators, 1 … 65535. */
  readonly n: number;
  /** Threshold, 1 … n; defaults to quorumThreshold(n). */
  readonly t?: number;
  /** 32 bytes: the same seed (and t) gives the same dealing (tests, devnet). Omitted: a fresh
   * seed from crypto.getRandomValues. */
  readonly seed?: Uint8Array;
}

/** t = q = n − f with f = floor((n − 1) / 3): the quorum of Simplex (4 → 3, 7 → 5). Any quorum can
 * produce σ_h, and the f validators that may be faulty cannot. */
export function quorumThreshold(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_SHARES)
    throw new BeaconError("BAD_PARAMETERS", `n must be an integer in [1, ${MAX_SHARES}]`);
  return n - Math.floor((n - 1) / 3);
}

export function isShareIndex(x: unknown): x is number {
  return Number.isInteger(x) && (x as number) >= 1 && (x as number) <= MAX_SHARES;
}

export function assertShareIndex(x: unknown): asserts x is number {
  if (!isShareIndex(x)) throw new BeaconError("BAD_INDEX", `share index must be an integer in [1, ${MAX_SHARES}], got ${String(x)}`);
}

export function assertShare(share: unknown): asserts share is Share {
  if (typeof share !== "object" || share === null) throw new BeaconError("BAD_PARAMETERS", "share must be an object {index, secret}");
  assertShareIndex((share as Share).index);
  if (!isScalar((share as Share).secret)) throw new BeaconError("BAD_SCALAR", "share secret must be a bigint in [1, r)");
}

export function assertCommitments(commitments: unknown): asserts commitments is Commitments {
  if (!Array.isArray(commitments) || commitments.length < 1 || commitments.length > MAX_SHARES) {
    throw new BeaconError("BAD_PARAMETERS", `commitments must be an array of 1 to ${MAX_SHARES} G2 points`);
  }
  for (const c of commitments) if (!isG2Point(c)) throw new BeaconError("BAD_POINT", "every commitment must be a non-identity G2 point");
}

// ---------------------------------------------------------------------------------------------
// Dealer ceremony

const DEAL_TAG = new TextEncoder().encode("NULLSPACE-BEACON-DEAL-V1");

// a_j = SHA-512(tag ‖ u16be(t) ‖ u16be(j) ‖ u32be(attempt) ‖ seed) mod r. 512 bits reduced mod a
// 255-bit r leaves a bias below 2^-256. t is in the input so that one seed used for two
// thresholds does not give two polynomials sharing coefficients.
function coefficient(seed: Uint8Array, t: number, j: number, attempt: number): bigint {
  const input = new Uint8Array(DEAL_TAG.length + 8 + seed.length);
  input.set(DEAL_TAG, 0);
  const view = new DataView(input.buffer);
  view.setUint16(DEAL_TAG.length, t);
  view.setUint16(DEAL_TAG.length + 2, j);
  view.setUint32(DEAL_TAG.length + 4, attempt);
  input.set(seed, DEAL_TAG.length + 8);
  return bytesToNumberBE(sha512(input)) % GROUP_ORDER;
}

/** p(x) by Horner's rule over Fr. */
function evaluate(coefficients: readonly bigint[], x: bigint): bigint {
  let acc = 0n;
  for (let j = coefficients.length - 1; j >= 0; j--) acc = Fr.add(Fr.mul(acc, x), coefficients[j]!);
  return acc;
}

/** Runs the dealer ceremony: n shares of a random degree t−1 polynomial and its commitments. */
export function deal(options: DealOptions): Dealing {
  if (typeof options !== "object" || options === null) throw new BeaconError("BAD_PARAMETERS", "deal takes {n, t?, seed?}");
  const { n } = options;
  const t = options.t ?? quorumThreshold(n);
  if (!Number.isInteger(n) || n < 1 || n > MAX_SHARES)
    throw new BeaconError("BAD_PARAMETERS", `n must be an integer in [1, ${MAX_SHARES}]`);
  if (!Number.isInteger(t) || t < 1 || t > n) throw new BeaconError("BAD_PARAMETERS", `t must be an integer in [1, n], got ${String(t)}`);
  let seed = options.seed;
  if (seed === undefined) seed = crypto.getRandomValues(new Uint8Array(SEED_LENGTH));
  else if (!isBytes(seed) || seed.length !== SEED_LENGTH) throw new BeaconError("BAD_SEED", `seed must be ${SEED_LENGTH} bytes`);

  // Redraw (deterministically, with the next attempt number) in the ~2^-250-likely case of a zero
  // coefficient or a zero share: a zero leading coefficient would lower the threshold, and a zero
  // share or secret is refused by every decoder here.
  for (let attempt = 0; ; attempt++) {
    const coefficients = Array.from({ length: t }, (_, j) => coefficient(seed, t, j, attempt));
    if (coefficients.some((a) => a === 0n)) continue;
    const shares = Array.from({ length: n }, (_, k) => Object.freeze({ index: k + 1, secret: evaluate(coefficients, BigInt(k + 1)) }));
    if (shares.some((s) => s.secret === 0n)) continue;
    const commitments = Object.freeze(coefficients.map((a) => G2.BASE.multiply(a)));
    return Object.freeze({
      n,
      t,
      groupSecret: coefficients[0]!,
      groupKey: commitments[0]!,
      commitments,
      shares: Object.freeze(shares),
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Public share keys and share verification

// Deriving a key costs t−1 small-scalar G2 multiplications, and pairingBatch subgroup-checks each
// new point object once, so keys are kept per commitments object (the engine holds one for the
// life of the validator set). Only frozen arrays (every decoded or dealt one) are cached, so a
// caller mutating its own array cannot get a stale key.
const shareKeyCache = new WeakMap<Commitments, Map<number, G2Point>>();

/** Validator `index`'s public share key p(index)·G2 = Σ_j index^j·C_j (Horner's rule in G2). */
export function publicShareKey(commitments: Commitments, index: number): G2Point {
  assertCommitments(commitments);
  assertShareIndex(index);
  let cache = shareKeyCache.get(commitments);
  const cached = cache?.get(index);
  if (cached) return cached;
  const x = BigInt(index);
  let acc = commitments[commitments.length - 1]!;
  for (let j = commitments.length - 2; j >= 0; j--) acc = acc.multiplyUnsafe(x).add(commitments[j]!);
  if (!Object.isFrozen(commitments)) return acc;
  if (!cache) {
    cache = new Map();
    shareKeyCache.set(commitments, cache);
  }
  cache.set(index, acc);
  return acc;
}

/** The group key C_0. */
export function groupKeyOf(commitments: Commitments): G2Point {
  assertCommitments(commitments);
  return commitments[0]!;
}

/** Does s_i·G2 equal Σ_j i^j·C_j? Each validator runs this on the share the dealer handed it.
 * Malformed shares or commitments (bytes or objects) give false. */
export function verifyShare(share: Share | Uint8Array, commitments: Commitments | Uint8Array): boolean {
  try {
    const s = isBytes(share) ? decodeShare(share) : share;
    assertShare(s);
    const c = isBytes(commitments) ? decodeCommitments(commitments) : commitments;
    const expected = publicShareKey(c, s.index);
    // Fixed-base multiplication uses noble's precomputed G2 table.
    return G2.BASE.multiply(s.secret).equals(expected);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Byte formats

/** 34 bytes: u16be(index) ‖ 32-byte big-endian secret. */
export function encodeShare(share: Share): Uint8Array {
  assertShare(share);
  const out = new Uint8Array(SHARE_LENGTH);
  new DataView(out.buffer).setUint16(0, share.index);
  out.set(encodeScalar(share.secret), 2);
  return out;
}

export function decodeShare(bytes: Uint8Array): Share {
  if (!isBytes(bytes) || bytes.length !== SHARE_LENGTH) throw new BeaconError("BAD_LENGTH", `share must be ${SHARE_LENGTH} bytes`);
  const index = (bytes[0]! << 8) | bytes[1]!;
  assertShareIndex(index);
  return Object.freeze({ index, secret: decodeScalar(bytes.subarray(2)) });
}

/** t × 96 bytes: C_0 ‖ C_1 ‖ … ‖ C_{t−1}, each a compressed G2 point. */
export function encodeCommitments(commitments: Commitments): Uint8Array {
  assertCommitments(commitments);
  const out = new Uint8Array(commitments.length * PUBLIC_KEY_LENGTH);
  commitments.forEach((c, j) => {
    out.set(encodePublicKey(c), j * PUBLIC_KEY_LENGTH);
  });
  return out;
}

/** Strict decoding of every point (see decodePublicKey). With `t`, the length must be t × 96. */
export function decodeCommitments(bytes: Uint8Array, t?: number): Commitments {
  if (!isBytes(bytes)) throw new BeaconError("BAD_LENGTH", "commitments must be a Uint8Array");
  const count = bytes.length / PUBLIC_KEY_LENGTH;
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARES) {
    throw new BeaconError("BAD_LENGTH", `commitments must be a positive multiple of ${PUBLIC_KEY_LENGTH} bytes`);
  }
  if (t !== undefined && count !== t) throw new BeaconError("BAD_LENGTH", `expected ${t} commitments, got ${count}`);
  const out: G2Point[] = [];
  for (let j = 0; j < count; j++) out.push(decodePublicKey(bytes.subarray(j * PUBLIC_KEY_LENGTH, (j + 1) * PUBLIC_KEY_LENGTH)));
  return Object.freeze(out);
}
