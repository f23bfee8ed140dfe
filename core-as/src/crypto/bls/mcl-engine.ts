// An optional engine for the beacon's expensive operations: herumi's mcl (BLS12-381 in C++,
// compiled to wasm; the npm package mcl-wasm, BSD-3-Clause, whose wasm ships inside the package
// and is never downloaded). The same arithmetic as @noble/curves, 5–9× faster on this machine
// (bench/beacon.ts): hash to G1 0.8 ms against 5.6, a G1 multiplication 0.5 against 4.8, a
// two-pairing check 6 against 30 (docs/decisions/018).
//
// It changes no result: BLS signatures are deterministic and both libraries implement the same
// ciphersuite, so a σ, a partial or a verdict is the same bytes whichever computed it
// (beacon-mcl.test.ts runs the beacon's whole test file on this engine and checks agreement on
// random inputs). noble stays the reference and the fallback: every function of the BLS layer
// works without this engine, and uses it once enableMclEngine() has resolved in this thread.
// A browser's verifying worker loads it too (browser.test.ts); React Native has no WebAssembly
// and stays on noble.
//
// What noble's decoders check is checked here too, byte for byte: 48-byte compressed encoding,
// infinity flag clear, x < p, on the curve, (strictly) in the prime-order subgroup, and a canonical
// encoding (the point re-encodes to the input). mcl's own deserializer does the curve and
// subgroup checks; the rest is done on the bytes before and after.

import { bls12_381 } from "@noble/curves/bls12-381.js";
import type * as Mcl from "mcl-wasm";
import { BoundedCache } from "../bounded-cache.js";
import { equalBytes, toHex } from "../sha256.js";
import { BEACON_DST, G2, isCompressedCandidate } from "./curve.js";
import { type BlsEngine, engineCeiling, installBlsEngine } from "./engine.js";

type McL = typeof Mcl;
export type MclG1 = Mcl.G1;
type MclG2 = Mcl.G2;

let mcl: McL | undefined;
let starting: Promise<boolean> | undefined;

/** A message whose hash under BEACON_DST the self-check compares with noble's. */
const PROBE = new TextEncoder().encode("nullspace mcl engine probe");

/**
 * Runs the beacon's expensive operations on mcl in this thread from now on (same results, 5–9×
 * faster): loads and configures it once (later calls return the same promise). Resolves false,
 * leaving noble in use, if mcl cannot load (no WebAssembly) or fails its self-check, or if
 * NULLSPACE_BLS_ENGINE=noble (A/B benchmarks). verifyFinalized calls it for its σ check;
 * Node processes (validators, relays) call enableFastBls (@nullspace/core/node), which prefers
 * the native blst engine.
 */
export function enableMclEngine(): Promise<boolean> {
  if (engineCeiling() === "noble") return Promise.resolve(false);
  starting ??= (async () => {
    try {
      const imported = (await import("mcl-wasm")) as McL & { default?: McL };
      const m = imported.default ?? imported;
      await m.init(m.BLS12_381);
      m.setETHserialization(true); // the Zcash/IETF compressed encodings
      m.setMapToMode(m.IRTF); // RFC 9380 hash_to_curve (SSWU)
      const dst = new TextEncoder().encode(BEACON_DST);
      const mod = (m as unknown as { mod: unknown }).mod as {
        _malloc(n: number): number;
        _free(p: number): void;
        HEAP8: Int8Array;
        _mclBnG1_setDst(p: number, n: number): number;
      };
      const p = mod._malloc(dst.length);
      mod.HEAP8.set(dst, p);
      const rc = mod._mclBnG1_setDst(p, dst.length);
      mod._free(p);
      if (rc !== 0) return false;
      m.verifyOrderG1(true);
      m.verifyOrderG2(true);
      // The engine is only used if it hashes exactly as the ciphersuite says.
      const expected = bls12_381.shortSignatures.hash(PROBE, BEACON_DST).toBytes(true);
      if (!equalBytes(m.hashAndMapToG1(PROBE).serialize(), expected)) return false;
      mcl = m;
      negG2Lines = new m.PrecomputedG2(m.neg(g2Base(m)));
      installBlsEngine(MCL_ENGINE); // unless blst (faster) is in use already
      return true;
    } catch {
      return false;
    }
  })();
  return starting;
}

/** Whether mcl is loaded in this thread (blsEngine() says which engine is in use). */
export function mclEngineOn(): boolean {
  return mcl !== undefined;
}

function g2Base(m: McL): MclG2 {
  const g = new m.G2();
  g.deserialize(G2.BASE.toBytes(true));
  return g;
}

let negG2Lines: Mcl.PrecomputedG2 | undefined;

// ---------------------------------------------------------------------------------------------
// Encodings

/**
 * A 48-byte compressed G1 point as curve.ts's decoders accept it (compressed flag set, infinity
 * clear, x < p, on the curve, canonical), and in the subgroup when `strict`; undefined otherwise.
 */
export function mclDecodeG1(bytes: Uint8Array, strict: boolean): MclG1 | undefined {
  const m = mcl;
  if (!m || !isCompressedCandidate(bytes, 48)) return undefined;
  const point = new m.G1();
  try {
    if (!strict) m.verifyOrderG1(false);
    point.deserialize(bytes);
  } catch {
    return undefined;
  } finally {
    if (!strict) m.verifyOrderG1(true);
  }
  if (point.isZero() || !equalBytes(point.serialize(), bytes)) return undefined;
  return point;
}

// G2 keys are decoded once each (a relay or validator checks every σ against the same few keys),
// with the Miller-loop lines of each: those depend only on the key.
const keys = new BoundedCache<{ point: MclG2; lines: Mcl.PrecomputedG2 }>(64);

/** A 96-byte compressed G2 key, strictly decoded (subgroup, canonical, not the identity), with its lines. */
function mclKey(bytes: Uint8Array): { point: MclG2; lines: Mcl.PrecomputedG2 } | undefined {
  const m = mcl;
  if (!m || !isCompressedCandidate(bytes, 96)) return undefined;
  const id = toHex(bytes);
  const known = keys.get(id);
  if (known) return known;
  const point = new m.G2();
  try {
    point.deserialize(bytes);
  } catch {
    return undefined;
  }
  if (point.isZero() || !equalBytes(point.serialize(), bytes)) return undefined;
  // PrecomputedG2 holds wasm memory; keys evicted from the cache leak it, which the cache's bound
  // (64 keys of ~20 KB) keeps small for a process's lifetime.
  const entry = { point, lines: new m.PrecomputedG2(point) };
  keys.set(id, entry);
  return entry;
}

// ---------------------------------------------------------------------------------------------
// Operations

const hashed = new BoundedCache<MclG1>(16);

/** H(m) with BEACON_DST (remembered for the newest 16 messages, as curve.ts's hashToG1). */
export function mclHashToG1(message: Uint8Array): MclG1 {
  const m = mcl!;
  const id = toHex(message);
  const known = hashed.get(id);
  if (known) return known;
  const point = m.hashAndMapToG1(message);
  hashed.set(id, point);
  return point;
}

/** A scalar in [0, r) as mcl's Fr. */
export function mclScalar(x: bigint): Mcl.Fr {
  const m = mcl!;
  const be = new Uint8Array(32);
  let v = x;
  for (let i = 31; i >= 0; i--) {
    be[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  const fr = new m.Fr();
  fr.setBigEndianMod(be);
  return fr;
}

/** secret·H(message), encoded: a BLS signature (a partial, or σ with the group secret). */
export function mclSign(secret: bigint, message: Uint8Array): Uint8Array {
  const m = mcl!;
  return m.mul(mclHashToG1(message), mclScalar(secret)).serialize();
}

/** e(signature, −G2)·e(hashed, key) == 1, with `signature` already decoded (and in G1). */
export function mclPairingCheck(signature: MclG1, hashedPoint: MclG1, keyBytes: Uint8Array): boolean {
  const m = mcl!;
  const key = mclKey(keyBytes);
  if (!key || signature.isZero()) return false;
  return m.finalExp(m.precomputedMillerLoop2(signature, negG2Lines!, hashedPoint, key.lines)).isOne();
}

/** Is `signature` (48 bytes) a valid BLS signature on `message` under `keyBytes` (96 bytes)? Never throws. */
export function mclVerify(keyBytes: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    const sig = mclDecodeG1(signature, true);
    return sig !== undefined && mclPairingCheck(sig, mclHashToG1(message), keyBytes);
  } catch {
    return false; // whatever the wasm might throw, a check answers, as noble's path does
  }
}

/** Σ scalars[k]·points[k] (one multi-scalar multiplication). */
export function mclSum(points: MclG1[], scalars: bigint[]): MclG1 {
  const m = mcl!;
  return m.mulVec(points, scalars.map(mclScalar));
}

/** Whether a point is in the prime-order subgroup (and not the identity). */
export function mclInSubgroup(point: MclG1): boolean {
  return !point.isZero() && point.isValidOrder();
}

/** The operations above as the BLS layer's engine (engine.ts). */
export const MCL_ENGINE: BlsEngine<MclG1> = {
  name: "mcl",
  rank: 1,
  decodeG1: mclDecodeG1,
  hashToG1: mclHashToG1,
  sign: mclSign,
  pairingCheck: mclPairingCheck,
  verify: mclVerify,
  sum: mclSum,
  inSubgroup: mclInSubgroup,
  encode: (point) => point.serialize(),
};
