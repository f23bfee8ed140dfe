// Recovering σ_h from t partial signatures: Lagrange interpolation at x = 0 in the exponent,
//
//   σ = Σ_{i∈S} λ_i·σ_i,   λ_i = Π_{j∈S, j≠i} j / (j − i)  (mod r),   |S| = t,
//
// which is p(0)·H(m) whichever t validators signed, because Σ λ_i·p(i) = p(0) for any polynomial
// p of degree below t. The sum is one multi-scalar multiplication (GLV-split Straus, below).
//
// recoverVerified is what the engine calls (consensus.md): recover from the first t partials,
// verify σ once against the group key, and only if that fails verify partials one by one, drop
// the bad ones and recover from t good ones.

import { mulAddUnsafe } from "@noble/curves/abstract/curve.js";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { bytesToNumberBE } from "@noble/curves/utils.js";
import { sha256 } from "@nullspace/core";
import {
  BeaconError,
  type BlsEngine,
  blsEngine,
  decodeSignature,
  decodeSignatureOnCurve,
  encodedPublicKey,
  encodeSignature,
  Fr,
  G1,
  type G1Point,
  hashToG1,
  isBytes,
  isInSubgroup,
  pairingCheck,
} from "@nullspace/core/bls";
import { assertCommitments, assertShareIndex, type Commitments, MAX_SHARES, publicShareKey } from "./keys.js";

export interface PartialSignature {
  /** The signer's share index (1-based). */
  readonly index: number;
  /** 48-byte compressed G1 point. */
  readonly signature: Uint8Array;
}

export interface RecoveredSignature {
  /** σ, 48 bytes, verified against the group key. */
  readonly signature: Uint8Array;
  /** The t indices σ was recovered from, in input order. */
  readonly used: readonly number[];
  /** Indices whose partial was malformed or failed verification. Only partials that were looked
   * at are listed: when σ verifies at once, none are, and the fallback stops at t good ones. */
  readonly invalid: readonly number[];
}

export interface RecoverVerifiedInput {
  /** The Feldman commitments; t is their number and C_0 the group key. */
  readonly commitments: Commitments;
  /** The signed message, e.g. beaconMessage({chainId, height, blockDigest}). */
  readonly message: Uint8Array;
  /** Partials from distinct validators, any number; the first t are tried first. */
  readonly partials: readonly PartialSignature[];
}

function assertThreshold(t: unknown): asserts t is number {
  if (!Number.isInteger(t) || (t as number) < 1 || (t as number) > MAX_SHARES) {
    throw new BeaconError("BAD_PARAMETERS", `t must be an integer in [1, ${MAX_SHARES}], got ${String(t)}`);
  }
}

/** Checks the shape of every partial and that no index repeats: a repeated index is a caller bug
 * (each validator has one partial per height), and interpolation would divide by zero. */
function assertPartials(partials: unknown): asserts partials is readonly PartialSignature[] {
  if (!Array.isArray(partials)) throw new BeaconError("BAD_PARAMETERS", "partials must be an array of {index, signature}");
  const seen = new Set<number>();
  for (const p of partials as unknown[]) {
    if (typeof p !== "object" || p === null) throw new BeaconError("BAD_PARAMETERS", "each partial must be {index, signature}");
    const { index, signature } = p as PartialSignature;
    assertShareIndex(index);
    if (!isBytes(signature)) throw new BeaconError("BAD_LENGTH", `partial ${index}: signature must be a Uint8Array`);
    if (seen.has(index)) throw new BeaconError("DUPLICATE_INDEX", `two partials with index ${index}`);
    seen.add(index);
  }
}

/** λ_i for interpolation at 0 over the distinct nonzero x-coordinates `indices`. */
function lagrangeAtZero(indices: readonly number[]): bigint[] {
  const xs = indices.map((i) => BigInt(i));
  return xs.map((xi, k) => {
    let num = 1n;
    let den = 1n;
    xs.forEach((xj, m) => {
      if (m === k) return;
      num = Fr.mul(num, xj);
      den = Fr.mul(den, Fr.sub(xj, xi));
    });
    return Fr.div(num, den);
  });
}

/** The partial's point if it verifies under validator p.index's public share key (the check of
 * verifyPartial, keeping the decoded point for interpolation). */
function validPartial(commitments: Commitments, hashed: G1Point, p: PartialSignature): G1Point | undefined {
  try {
    const point = decodeSignature(p.signature);
    return pairingCheck(point, hashed, publicShareKey(commitments, p.index)) ? point : undefined;
  } catch {
    return undefined;
  }
}

// The multi-scalar multiplication uses the GLV endomorphism of G1. On G1 the map
// ψ(x, y) = (β·x, −y), β a cube root of unity in Fp (the constant noble's own G1 subgroup check
// uses), is multiplication by z², z = −0xd201000000010000 the curve parameter. Writing each 255-bit
// λ as q·z² + m with q, m < 2^128 turns t full multiplications into 2t half-length ones that share
// one doubling chain: half the doublings, about 25% less time for t = 3 and 5 (bench/beacon.ts).
// For a partial outside G1 the identity ψ(P) = [z²]P fails and the sum is some wrong point, which
// is no worse than the wrong σ such a partial gives anyway: it fails the subgroup or pairing check.
const Z2 = 0xd201000000010000n ** 2n;
const BETA = 0x5f19672fdf76ce51ba69c6076a0f77eaddb3a93be6f89688de17d813620a00022e01fffffffefffen;
const Fp = bls12_381.fields.Fp;

function psi(p: G1Point): G1Point {
  return new G1(Fp.mul(p.X, BETA), Fp.neg(p.Y), p.Z);
}

if (!psi(G1.BASE).equals(G1.BASE.multiply(Z2))) throw new Error("beacon: GLV constants do not match BLS12-381 G1");

function interpolate(indices: readonly number[], points: G1Point[]): G1Point {
  const lambdas = lagrangeAtZero(indices);
  const glvPoints: G1Point[] = [];
  const glvScalars: bigint[] = [];
  points.forEach((p, k) => {
    const lambda = lambdas[k]!;
    glvPoints.push(p, psi(p));
    glvScalars.push(lambda % Z2, lambda / Z2);
  });
  return mulAddUnsafe(G1, glvPoints, glvScalars);
}

/**
 * σ from exactly t partials with distinct indices. Checks encodings (canonical, on the curve, not
 * the identity) but not the partials' validity: a bad partial gives a σ that fails
 * verifySignature. Use recoverVerified to get a σ known to be right.
 */
export function recover(partials: readonly PartialSignature[], t: number): Uint8Array {
  assertThreshold(t);
  assertPartials(partials);
  if (partials.length < t) throw new BeaconError("TOO_FEW_PARTIALS", `recovery needs ${t} partials, got ${partials.length}`);
  if (partials.length > t) {
    throw new BeaconError("TOO_MANY_PARTIALS", `recovery interpolates exactly ${t} partials, got ${partials.length}`, "pass any t of them");
  }
  const points = partials.map((p) => decodeSignatureOnCurve(p.signature));
  return encodeSignature(
    interpolate(
      partials.map((p) => p.index),
      points,
    ),
  );
}

/** The first t partials whose signatures decode (on the curve), with their points; the indices of
 * those that do not decode, met on the way, are pushed to `invalid`. */
function firstDecodable(
  partials: readonly PartialSignature[],
  t: number,
  invalid: number[],
): { first: PartialSignature[]; points: G1Point[] } {
  const first: PartialSignature[] = [];
  const points: G1Point[] = [];
  for (const p of partials) {
    if (first.length === t) break;
    try {
      points.push(decodeSignatureOnCurve(p.signature));
      first.push(p);
    } catch {
      invalid.push(p.index);
    }
  }
  return { first, points };
}

/**
 * σ from any partials, verified: recover from the first t well-formed partials and verify σ once
 * against the group key C_0; only if that fails, verify partials one by one in input order until
 * t valid ones are found and recover from those. Throws TOO_FEW_PARTIALS (with the invalid
 * indices in the message) when fewer than t are valid.
 */
export function recoverVerified(input: RecoverVerifiedInput): RecoveredSignature {
  if (typeof input !== "object" || input === null)
    throw new BeaconError("BAD_PARAMETERS", "recoverVerified takes {commitments, message, partials}");
  const { commitments, message, partials } = input;
  assertCommitments(commitments);
  if (!isBytes(message)) throw new BeaconError("BAD_MESSAGE", "message must be a Uint8Array");
  assertPartials(partials);
  const t = commitments.length;
  if (partials.length < t) throw new BeaconError("TOO_FEW_PARTIALS", `recovery needs ${t} partials, got ${partials.length}`);
  const engine = blsEngine();
  return engine ? recoverOn(engineOps(engine), commitments, message, partials) : recoverOn(NOBLE_OPS, commitments, message, partials);
}

/** What recoverVerified needs from a BLS engine, on that engine's own point type. */
interface RecoveryOps<Point> {
  hash(message: Uint8Array): Point;
  /** On the curve, canonical, not the identity; no subgroup check. Undefined otherwise. */
  decodeOnCurve(bytes: Uint8Array): Point | undefined;
  /** Σ λ_i·points_i at x = 0 over `indices`. */
  interpolate(indices: readonly number[], points: Point[]): Point;
  /** σ is not the identity, is in the subgroup, and pairs with H(m) under the group key C_0. */
  verifiesAsSigma(sigma: Point, hashed: Point, commitments: Commitments): boolean;
  /** The partial, strictly decoded, if it pairs with H(m) under validator p.index's share key. */
  validPartial(commitments: Commitments, hashed: Point, p: PartialSignature): Point | undefined;
  encode(point: Point): Uint8Array;
}

const NOBLE_OPS: RecoveryOps<G1Point> = {
  hash: hashToG1,
  decodeOnCurve(bytes) {
    try {
      return decodeSignatureOnCurve(bytes);
    } catch {
      return undefined;
    }
  },
  interpolate,
  verifiesAsSigma: (sigma, hashed, commitments) => !sigma.is0() && isInSubgroup(sigma) && pairingCheck(sigma, hashed, commitments[0]!),
  validPartial,
  encode: encodeSignature,
};

// The same operations on an engine (mcl or blst), built once per engine.
const engineOpsCache = new WeakMap<BlsEngine, RecoveryOps<unknown>>();

function engineOps(engine: BlsEngine): RecoveryOps<unknown> {
  let ops = engineOpsCache.get(engine);
  if (ops) return ops;
  ops = {
    hash: (message) => engine.hashToG1(message),
    decodeOnCurve: (bytes) => engine.decodeG1(bytes, false),
    interpolate: (indices, points) => engine.sum(points, lagrangeAtZero(indices)),
    verifiesAsSigma: (sigma, hashed, commitments) =>
      engine.inSubgroup(sigma) && engine.pairingCheck(sigma, hashed, encodedPublicKey(commitments[0]!)),
    validPartial(commitments, hashed, p) {
      const point = engine.decodeG1(p.signature, true);
      try {
        return point && engine.pairingCheck(point, hashed, encodedPublicKey(publicShareKey(commitments, p.index))) ? point : undefined;
      } catch {
        return undefined;
      }
    },
    encode: (point) => engine.encode(point),
  };
  engineOpsCache.set(engine, ops);
  return ops;
}

/** recoverVerified's two paths on one engine (the same checks on either, so the same answers). */
function recoverOn<Point>(
  ops: RecoveryOps<Point>,
  commitments: Commitments,
  message: Uint8Array,
  partials: readonly PartialSignature[],
): RecoveredSignature {
  const t = commitments.length;
  const hashed = ops.hash(message);
  const invalid: number[] = [];
  const done = (used: number[], sigma: Point) =>
    Object.freeze({ signature: ops.encode(sigma), used: Object.freeze(used), invalid: Object.freeze(invalid) });

  // Fast path: the first t partials that decode.
  const first: PartialSignature[] = [];
  const points: Point[] = [];
  for (const p of partials) {
    if (first.length === t) break;
    const point = ops.decodeOnCurve(p.signature);
    if (point === undefined) invalid.push(p.index);
    else {
      first.push(p);
      points.push(point);
    }
  }
  if (first.length === t) {
    const used = first.map((p) => p.index);
    const sigma = ops.interpolate(used, points);
    // The subgroup check matters here: partials are decoded without one, and a σ carrying a
    // small-order component would still pass the pairing equation.
    if (ops.verifiesAsSigma(sigma, hashed, commitments)) return done(used, sigma);
  }

  // Slow path: verify each remaining partial against its public share key.
  const good: PartialSignature[] = [];
  const goodPoints: Point[] = [];
  const known = new Set(invalid);
  for (const p of partials) {
    if (good.length === t) break;
    if (known.has(p.index)) continue;
    const point = ops.validPartial(commitments, hashed, p);
    if (point === undefined) invalid.push(p.index);
    else {
      good.push(p);
      goodPoints.push(point);
    }
  }
  if (good.length < t) {
    throw new BeaconError(
      "TOO_FEW_PARTIALS",
      `only ${good.length} of the needed ${t} partials are valid (invalid: ${invalid.join(", ") || "none"})`,
      "wait for more partials",
    );
  }
  // No second pairing: each verified σ_i is s_i·H(m) in G1 (strictly decoded, pairing-checked
  // against p(i)·G2 derived from the same commitments), so their interpolation is p(0)·H(m).
  const used = good.map((p) => p.index);
  return done(used, ops.interpolate(used, goodPoints));
}

export interface RecoverManyItem {
  /** The signed message of one height. */
  readonly message: Uint8Array;
  /** Its partials, as for recoverVerified. */
  readonly partials: readonly PartialSignature[];
}

const BATCH_DOMAIN = new TextEncoder().encode("nullspace beacon batch check v1");

/** 128-bit coefficients for the batch check, from sha256 over every σ and message (see below). */
function batchCoefficients(sigmas: readonly G1Point[], messages: readonly Uint8Array[]): bigint[] {
  const seed = sha256(BATCH_DOMAIN, ...sigmas.flatMap((s, k) => [encodeSignature(s), messages[k] as Uint8Array]));
  return sigmas.map((_, k) => {
    const r = bytesToNumberBE(sha256(seed, Uint8Array.of(k >>> 24, k >>> 16, k >>> 8, k)).subarray(0, 16));
    return r === 0n ? 1n : r;
  });
}

/**
 * σ for several heights' messages under one group key, each verified, with one pairing check for
 * all of them where recoverVerified spends one each (~18 ms in JavaScript, most of the beacon's
 * cost). Each σₖ is recovered from its first t well-formed partials and checked for the subgroup;
 * then, with 128-bit coefficients rₖ hashed from every σ and message,
 *
 *   e(Σ rₖ·σₖ, −G2) · e(Σ rₖ·H(mₖ), C₀) = 1,
 *
 * which holds for right σs and fails unless the errors of wrong ones cancel under coefficients
 * fixed only after they were chosen. When it fails, each goes through recoverVerified alone, which
 * finds the bad partials. Returns σ per item in order, or undefined where fewer than t partials are
 * valid. Deterministic: the same inputs give the same answers (the simulator needs that).
 */
export function recoverVerifiedMany(commitments: Commitments, items: readonly RecoverManyItem[]): (Uint8Array | undefined)[] {
  assertCommitments(commitments);
  if (!Array.isArray(items)) throw new BeaconError("BAD_PARAMETERS", "recoverVerifiedMany takes an array of {message, partials}");
  const one = (item: RecoverManyItem): Uint8Array | undefined => {
    try {
      return recoverVerified({ commitments, message: item.message, partials: item.partials }).signature;
    } catch {
      return undefined;
    }
  };
  // On an engine one pairing check per height (mcl ~4 ms, blst ~1) costs less than noble's batch (~30 ms).
  if (items.length < 2 || blsEngine()) return items.map(one);
  const t = commitments.length;
  // Candidates: σ from the first t partials that decode, in the subgroup (as recoverVerified's fast path).
  const candidates: { k: number; sigma: G1Point; hashed: G1Point }[] = [];
  items.forEach((item, k) => {
    try {
      if (!isBytes(item.message)) return;
      assertPartials(item.partials);
      const { first, points } = firstDecodable(item.partials, t, []); // the one-by-one path reports the bad ones
      if (first.length < t) return;
      const sigma = interpolate(
        first.map((p) => p.index),
        points,
      );
      if (!sigma.is0() && isInSubgroup(sigma)) candidates.push({ k, sigma, hashed: hashToG1(item.message) });
    } catch {
      // malformed item: the one-by-one path gives its answer
    }
  });
  const out: (Uint8Array | undefined)[] = items.map(() => undefined);
  if (candidates.length >= 2) {
    const r = batchCoefficients(
      candidates.map((c) => c.sigma),
      candidates.map((c) => items[c.k]!.message),
    );
    const sigmaSum = mulAddUnsafe(
      G1,
      candidates.map((c) => c.sigma),
      r,
    );
    const hashedSum = mulAddUnsafe(
      G1,
      candidates.map((c) => c.hashed),
      r,
    );
    if (pairingCheck(sigmaSum, hashedSum, commitments[0]!)) {
      for (const c of candidates) out[c.k] = encodeSignature(c.sigma);
    }
  }
  // What the batch did not settle (not a candidate, or the check failed) goes one by one.
  items.forEach((item, k) => {
    if (out[k] === undefined) out[k] = one(item);
  });
  return out;
}
