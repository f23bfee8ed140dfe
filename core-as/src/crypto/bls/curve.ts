// The BLS12-381 layer of the beacon: which group holds what (MinSig), the hash to G1, canonical
// byte encodings, and the one pairing equation. Everything else in the beacon is polynomial
// arithmetic over Fr on top of these functions, built on @noble/curves' field and group API.
//
// MinSig: signatures (partials and σ) are G1 points, 48 bytes compressed; public keys (the group
// key, Feldman commitments, public share keys) are G2 points, 96 bytes compressed. Signatures are
// the thing every client downloads per height, so they get the short group.
//
// Encodings are the Zcash compressed format that IETF BLS, drand, blst and noble all use: the
// big-endian x coordinate with three flag bits in the top of the first byte (0x80 compressed,
// 0x40 infinity, 0x20 "y is the larger root"). We accept exactly one encoding per point: the
// compressed flag set, x < p, the infinity flag clear (the identity is never a valid key or
// signature here), and for strict decoding membership in the prime-order subgroup.

import type { Fp2 } from "@noble/curves/abstract/tower.js";
import type { WeierstrassPoint } from "@noble/curves/abstract/weierstrass.js";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { bytesToNumberBE, equalBytes, numberToBytesBE, bytesToHex as toHex } from "@noble/curves/utils.js";
import { BoundedCache } from "../bounded-cache.js";
import { BeaconError } from "./errors.js";

export type G1Point = WeierstrassPoint<bigint>;
export type G2Point = WeierstrassPoint<Fp2>;

export const G1 = bls12_381.G1.Point;
export const G2 = bls12_381.G2.Point;
export const Fr = bls12_381.fields.Fr;
const Fp = bls12_381.fields.Fp;
const Fp12 = bls12_381.fields.Fp12;

/** Compressed G1 point: a partial signature or σ. */
export const SIGNATURE_LENGTH = 48;
/** Compressed G2 point: the group key, a public share key, one Feldman commitment. */
export const PUBLIC_KEY_LENGTH = 96;
/** Big-endian scalar of Fr. */
export const SCALAR_LENGTH = 32;
/** r, the order of G1, G2 and Fr. */
export const GROUP_ORDER: bigint = Fr.ORDER;

/**
 * Hash-to-curve DST: the IETF BLS signature ciphersuite for MinSig, basic scheme
 * (draft-irtf-cfrg-bls-signature §4.2.1, hash_to_curve from RFC 9380). Basic rather than
 * proof-of-possession: σ is verified against one group key, never aggregated with other keys on
 * the same message, so the rogue-key defence PoP exists for has nothing to defend here, and NUL
 * is the suite drand's threshold network (quicknet) signs with, which lets us test against a
 * real threshold signature. Beacon messages carry their own domain prefix (message.ts).
 */
export const BEACON_DST = "BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_";

const P = Fp.ORDER;
const HALF_P = (P - 1n) / 2n;
const X_MASK = (1n << 381n) - 1n;
const FLAG_COMPRESSED = 0x80;
const FLAG_INFINITY = 0x40;
const FLAG_LARGER_Y = 0x20;

/** Uint8Array (Buffer included), also from another realm (workers). */
export function isBytes(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array || (ArrayBuffer.isView(x) && x.constructor?.name === "Uint8Array");
}

function assertLength(bytes: unknown, length: number, what: string): asserts bytes is Uint8Array {
  if (!isBytes(bytes)) throw new BeaconError("BAD_LENGTH", `${what} must be a Uint8Array, got ${typeof bytes}`);
  if (bytes.length !== length) throw new BeaconError("BAD_LENGTH", `${what} must be ${length} bytes, got ${bytes.length}`);
}

// ---------------------------------------------------------------------------------------------
// Scalars

/** A usable secret scalar: a bigint in [1, r). Zero is refused because a zero share or secret
 * signs everything as the identity. */
export function isScalar(x: unknown): x is bigint {
  return typeof x === "bigint" && x > 0n && x < GROUP_ORDER;
}

export function encodeScalar(s: bigint): Uint8Array {
  if (!isScalar(s)) throw new BeaconError("BAD_SCALAR", "scalar must be a bigint in [1, r)");
  return numberToBytesBE(s, SCALAR_LENGTH);
}

/** 32 bytes big-endian, in [1, r). noble's Fr.fromBytes reduces mod r instead of rejecting, so
 * the range check is ours: an unreduced encoding would give one scalar two encodings. */
export function decodeScalar(bytes: Uint8Array): bigint {
  assertLength(bytes, SCALAR_LENGTH, "scalar");
  const s = bytesToNumberBE(bytes);
  if (!isScalar(s)) throw new BeaconError("BAD_SCALAR", "scalar is zero or not below the group order r");
  return s;
}

// ---------------------------------------------------------------------------------------------
// G2: public keys

export function isG2Point(x: unknown): x is G2Point {
  return x instanceof G2 && !x.is0();
}

/** 96-byte compressed G2 point. Throws BAD_POINT for the identity or a point outside G2. */
export function encodePublicKey(point: G2Point): Uint8Array {
  if (!isG2Point(point)) throw new BeaconError("BAD_POINT", "public key must be a non-identity G2 point");
  try {
    return point.toBytes(true);
  } catch {
    throw new BeaconError("BAD_POINT", "public key is not in the prime-order subgroup");
  }
}

/** Strict: 96 bytes, canonical compressed encoding, on the curve, in the prime-order subgroup,
 * not the identity. Keys are decoded once (genesis, commitments), so the full check is cheap. */
export function decodePublicKey(bytes: Uint8Array): G2Point {
  assertLength(bytes, PUBLIC_KEY_LENGTH, "public key");
  let point: G2Point;
  try {
    point = G2.fromBytes(bytes);
  } catch {
    throw new BeaconError("BAD_POINT", "public key is not a compressed G2 point of the prime-order subgroup");
  }
  if (point.is0()) throw new BeaconError("BAD_POINT", "public key is the identity");
  // noble already rejects x ≥ p and bad flag combinations; re-encoding pins "one encoding per key"
  // on our side too, whatever a future noble accepts.
  if (!equalBytes(point.toBytes(true), bytes)) throw new BeaconError("BAD_POINT", "public key encoding is not canonical");
  return point;
}

// ---------------------------------------------------------------------------------------------
// G1: signatures

/** 48-byte compressed G1 point, written here rather than with noble's toBytes: noble re-checks
 * subgroup membership before encoding (~1 ms, a quarter of a partial signature), and every point
 * we encode is a multiple of a hash-to-curve output or the result of a recovery that is checked
 * separately. The identity gets its standard encoding (0xc0 ‖ zeros), which no decoder here
 * accepts. */
export function encodeSignature(point: G1Point): Uint8Array {
  if (point.is0()) {
    const out = new Uint8Array(SIGNATURE_LENGTH);
    out[0] = FLAG_COMPRESSED | FLAG_INFINITY;
    return out;
  }
  const { x, y } = point.toAffine();
  const out = numberToBytesBE(x, SIGNATURE_LENGTH);
  out[0]! |= FLAG_COMPRESSED | (y > HALF_P ? FLAG_LARGER_Y : 0);
  return out;
}

/** What an engine's decoder (mcl-engine.ts, node/blst-engine.ts) leaves to the bytes: `length`
 * (48 for G1, 96 for G2), the compressed flag set, the infinity flag clear, and each 48-byte half
 * of x below p. An engine then only sees encodings of the length its decoder reads. */
export function isCompressedCandidate(bytes: Uint8Array, length: 48 | 96): boolean {
  if (bytes.length !== length || (bytes[0]! & (FLAG_COMPRESSED | FLAG_INFINITY)) !== FLAG_COMPRESSED) return false;
  if ((bytesToNumberBE(bytes.subarray(0, 48)) & X_MASK) >= P) return false;
  return length === 48 || bytesToNumberBE(bytes.subarray(48)) < P;
}

/** Decodes a compressed G1 point and checks only that it is on the curve and not the identity.
 * Used for partials in recovery: the subgroup check is ~1 ms per point, and recovery checks the
 * recovered σ once instead (a σ that passes the subgroup check and the pairing is the unique
 * valid σ, whatever the partials carried). */
export function decodeSignatureOnCurve(bytes: Uint8Array): G1Point {
  assertLength(bytes, SIGNATURE_LENGTH, "signature");
  const flags = bytes[0]! & 0xe0;
  if ((flags & FLAG_COMPRESSED) === 0) throw new BeaconError("BAD_POINT", "signature must use the compressed encoding");
  if ((flags & FLAG_INFINITY) !== 0) throw new BeaconError("BAD_POINT", "signature is the identity");
  const x = bytesToNumberBE(bytes) & X_MASK;
  if (x >= P) throw new BeaconError("BAD_POINT", "signature x coordinate is not below p");
  let y: bigint;
  try {
    y = Fp.sqrt(Fp.add(Fp.mul(Fp.sqr(x), x), 4n)); // y² = x³ + 4
  } catch {
    throw new BeaconError("BAD_POINT", "signature is not on the curve");
  }
  const largerY = (flags & FLAG_LARGER_Y) !== 0;
  if (y === 0n && largerY) throw new BeaconError("BAD_POINT", "signature encoding is not canonical");
  if (y > HALF_P !== largerY) y = P - y;
  return G1.fromAffine({ x, y });
}

/** Strict: as decodeSignatureOnCurve, plus membership in the prime-order subgroup. Without the
 * subgroup check, σ + T for a small-order T passes the pairing equation (e(T, ·) = 1), so one
 * beacon value would have several encodings and so several random streams. */
export function decodeSignature(bytes: Uint8Array): G1Point {
  const point = decodeSignatureOnCurve(bytes);
  if (!isInSubgroup(point)) throw new BeaconError("BAD_POINT", "signature is not in the prime-order subgroup");
  return point;
}

/** Subgroup membership through noble's assertValidity rather than isTorsionFree: noble remembers
 * a successful assertValidity per point object, so pairingCheck does not pay for it again. */
export function isInSubgroup(point: G1Point): boolean {
  try {
    point.assertValidity();
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Hash and pairing

// The engine verifies up to n partials and then σ on the same m_h in a row, and hashing to G1
// costs ~2.5 ms, so the last message's point is remembered.
// The newest messages hashed, by hex: a validator hashes each height's message to sign its partial
// and again to verify σ, and with heights in flight together other heights' messages come between
// the two (a one-entry cache missed then; ~3 ms a hash).
const HASHED_KEEP = 16;
const hashed = new BoundedCache<G1Point>(HASHED_KEEP);

/** H(m): hash_to_curve to G1 with BEACON_DST. */
export function hashToG1(message: Uint8Array): G1Point {
  if (!isBytes(message)) throw new BeaconError("BAD_MESSAGE", `message must be a Uint8Array, got ${typeof message}`);
  const key = toHex(message);
  const known = hashed.get(key);
  if (known) return known;
  const point = bls12_381.shortSignatures.hash(message, BEACON_DST);
  hashed.set(key, point);
  return point;
}

// The G2 side of a pairing (the line coefficients of the Miller loop) depends only on the G2 point,
// and the engine pairs with the same few keys every height (−G2, the group key, n share keys), so
// it is computed once per key object (~2 ms of a ~20 ms check; the final exponentiation is most
// of the rest). noble's pairingBatch would recompute it on every call.
type Lines = ReturnType<typeof bls12_381.utils.calcPairingPrecomputes>;
const linesCache = new WeakMap<G2Point, Lines>();

function linesOf(key: G2Point): Lines {
  let lines = linesCache.get(key);
  if (!lines) {
    key.assertValidity(); // on the curve and in G2; throws otherwise
    lines = bls12_381.utils.calcPairingPrecomputes(key);
    linesCache.set(key, lines);
  }
  return lines;
}

const NEG_G2_LINES = linesOf(G2.BASE.negate());

/** e(sig, G2) == e(H(m), pk), as one product of two Miller loops and one final exponentiation.
 * `hashed` must come from hashToG1 (in G1 by construction: hash_to_curve clears the cofactor).
 * False for the identity or for a signature or key outside its subgroup (noble remembers a passed
 * subgroup check per point object, so decoded points are not checked twice). */
export function pairingCheck(signature: G1Point, hashed: G1Point, publicKey: G2Point): boolean {
  try {
    if (signature.is0() || hashed.is0() || publicKey.is0()) return false;
    signature.assertValidity();
    const s = signature.toAffine();
    const h = hashed.toAffine();
    const loops = bls12_381.millerLoopBatch([
      [NEG_G2_LINES, s.x, s.y],
      [linesOf(publicKey), h.x, h.y],
    ]);
    const product = Fp12.finalExponentiate(loops);
    return Fp12.eql(product, Fp12.ONE);
  } catch {
    return false;
  }
}
