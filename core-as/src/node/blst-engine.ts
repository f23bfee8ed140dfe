// The native BLS engine for Node processes: supranational's blst (C and assembly), through the
// prebuilt Node binding that the npm package @chainsafe/blst@0.2.11 (Apache-2.0) ships inside its
// tarball for each platform and Node ABI, so nothing is compiled or downloaded. A σ check costs
// ~1 ms here against mcl's ~4 and noble's ~17 (bench/beacon.ts); the validators run one or more per
// height, the relay one per height that needs σ.
//
// Same contract as the mcl engine (crypto/bls/engine.ts): what noble's decoders accept is accepted
// here, byte for byte. The binding's decoder only ever sees 48- or 96-byte compressed encodings
// with the infinity flag clear and x < p (checked below first: an uncompressed flag would make it
// read 96 or 192 bytes); blst checks the curve, in_group() the subgroup, and re-encoding the
// canonical form. Any error the binding throws is a "no".

import { createRequire } from "node:module";
import { constants } from "node:os";
import { dirname, join } from "node:path";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { BEACON_DST, G2, isCompressedCandidate } from "../crypto/bls/curve.js";
import { type BlsEngine, engineCeiling, installBlsEngine } from "../crypto/bls/engine.js";
import { enableMclEngine } from "../crypto/bls/mcl-engine.js";
import { BoundedCache } from "../crypto/bounded-cache.js";
import { equalBytes, toHex } from "../crypto/sha256.js";

// The few classes of the binding (SWIG over blst.hpp) used here. Methods that return the point
// itself (hash_to, mult, add) are called for their effect only: the wrapper SWIG returns for such a
// reference does not own the point, so only the object `new` or dup() made is kept.
interface P1 {
  dup(): P1;
  to_affine(): P1Affine;
  compress(): Uint8Array;
  in_group(): boolean;
  is_inf(): boolean;
  hash_to(message: Uint8Array, dst: string): void;
  mult(scalarLittleEndian: Uint8Array): void;
  add(other: P1): void;
}
type P1Affine = object;
interface P2 {
  to_affine(): P2Affine;
  compress(): Uint8Array;
  in_group(): boolean;
  is_inf(): boolean;
}
type P2Affine = object;
type PT = object;
interface Binding {
  P1: new (bytes?: Uint8Array) => P1;
  P2: new (bytes: Uint8Array) => P2;
  PT: { new (q: P2Affine, p: P1Affine): PT; finalverify(a: PT, b: PT): boolean };
}

/** dlopen's RTLD_NODELETE where it is known (glibc and musl; macOS). Node's os.constants lacks it. */
const RTLD_NODELETE: Partial<Record<NodeJS.Platform, number>> = { linux: 0x1000, darwin: 0x80 };

/**
 * The binding, loaded so that it stays in memory until the process ends (RTLD_NODELETE), or
 * undefined where that flag is unknown. Node closes the addons a worker thread loaded when the
 * worker's environment ends, but the worker's isolate can still collect garbage after that
 * (finishing an incremental marking when its C++ heap detaches), and the weak callbacks that free
 * the binding's objects are the binding's own code: a relay test process died in 2 of 3 CI runs
 * when one ran after the binding was unmapped (the core dump: a jump to `_wrap_delete_P1`, the
 * unmapped binding's base + 0xa110, from `GlobalHandles::InvokeFirstPassWeakCallbacks` under
 * `node::IsolateData::~IsolateData`, as a σ thread exited). The file is the one the package's
 * own loader picks: prebuild/<platform>-<arch>-<Node ABI>-binding.node.
 */
function loadPinnedBinding(): Binding | undefined {
  const nodelete = RTLD_NODELETE[process.platform];
  if (nodelete === undefined) return undefined;
  const root = dirname(createRequire(import.meta.url).resolve("@chainsafe/blst/package.json"));
  const file = join(root, "prebuild", `${process.platform}-${process.arch}-${process.versions.modules}-binding.node`);
  const module = { exports: {} };
  process.dlopen(module, file, constants.dlopen.RTLD_NOW | nodelete);
  return module.exports as Binding;
}

let blst: Binding | undefined;
let g2: P2Affine | undefined;

const PROBE = new TextEncoder().encode("nullspace blst engine probe");
const PROBE_SECRET = 0x2a5f0c8be1d3a9477c6e15f2d08b3a91c4e7f6025d18b9a3e4c70f1d62a8b5en;

/**
 * Runs the beacon's expensive operations on blst in this thread from now on (same results as
 * noble and mcl). Returns false, changing nothing, where the binding does not load (no prebuilt
 * binary for this platform or Node version, the optional dependency missing, a platform where it
 * cannot be kept loaded) or fails its self-check, or when NULLSPACE_BLS_ENGINE is "noble" or "mcl".
 */
export function enableBlstEngine(): boolean {
  if (blst) return true;
  if (engineCeiling() !== undefined) return false;
  try {
    const b = loadPinnedBinding();
    if (!b) return false;
    // Self-check against noble: the ciphersuite's hash, a signature and its verdicts.
    const expected = bls12_381.shortSignatures.hash(PROBE, BEACON_DST);
    const probeHash = new b.P1();
    probeHash.hash_to(PROBE, BEACON_DST);
    if (!equalBytes(probeHash.compress(), expected.toBytes(true))) return false;
    const sigma = expected.multiply(PROBE_SECRET).toBytes(true);
    const signed = probeHash.dup();
    signed.mult(littleEndian(PROBE_SECRET));
    if (!equalBytes(signed.compress(), sigma)) return false;
    blst = b;
    g2 = new b.P2(G2.BASE.toBytes(true)).to_affine();
    const key = G2.BASE.multiply(PROBE_SECRET).toBytes(true);
    const other = new Uint8Array(PROBE.length).fill(7);
    if (!blstVerify(key, PROBE, sigma) || blstVerify(key, other, sigma)) {
      blst = undefined;
      return false;
    }
  } catch {
    blst = undefined;
    return false;
  }
  installBlsEngine(BLST_ENGINE);
  return true;
}

function blstDecodeG1(bytes: Uint8Array, strict: boolean): P1 | undefined {
  const b = blst;
  if (!b || !isCompressedCandidate(bytes, 48)) return undefined;
  try {
    const point = new b.P1(bytes);
    if (point.is_inf() || (strict && !point.in_group()) || !equalBytes(point.compress(), bytes)) return undefined;
    return point;
  } catch {
    return undefined;
  }
}

// G2 keys are decoded once each, strictly: a relay or validator checks every σ against the same few.
const keys = new BoundedCache<P2Affine>(64);

function blstKey(bytes: Uint8Array): P2Affine | undefined {
  const b = blst;
  if (!b || !isCompressedCandidate(bytes, 96)) return undefined;
  const id = toHex(bytes);
  const known = keys.get(id);
  if (known) return known;
  try {
    const point = new b.P2(bytes);
    if (point.is_inf() || !point.in_group() || !equalBytes(point.compress(), bytes)) return undefined;
    const affine = point.to_affine();
    keys.set(id, affine);
    return affine;
  } catch {
    return undefined;
  }
}

const hashed = new BoundedCache<P1>(16);

/** H(m) with BEACON_DST (the newest 16 remembered). Callers never mutate it (mult/add work on dup()s). */
function blstHashToG1(message: Uint8Array): P1 {
  const id = toHex(message);
  const known = hashed.get(id);
  if (known) return known;
  const point = new blst!.P1();
  point.hash_to(message, BEACON_DST);
  hashed.set(id, point);
  return point;
}

/** A scalar as the binding takes it: 32 bytes, little-endian. */
function littleEndian(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let v = x;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function blstPairingCheck(signature: P1, hashedPoint: P1, keyBytes: Uint8Array): boolean {
  const b = blst!;
  const key = blstKey(keyBytes);
  if (!key || signature.is_inf()) return false;
  // e(σ, G2) == e(H(m), key): two Miller loops, one final exponentiation.
  return b.PT.finalverify(new b.PT(g2!, signature.to_affine()), new b.PT(key, hashedPoint.to_affine()));
}

function blstVerify(keyBytes: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    const sig = blstDecodeG1(signature, true);
    return sig !== undefined && blstPairingCheck(sig, blstHashToG1(message), keyBytes);
  } catch {
    return false;
  }
}

function times(point: P1, scalar: bigint): P1 {
  const out = point.dup();
  out.mult(littleEndian(scalar));
  return out;
}

function blstSum(points: P1[], scalars: bigint[]): P1 {
  if (points.length === 0) throw new RangeError("blstSum needs at least one point");
  const acc = times(points[0]!, scalars[0]!);
  for (let k = 1; k < points.length; k++) acc.add(times(points[k]!, scalars[k]!));
  return acc;
}

/** The operations above as the BLS layer's engine (crypto/bls/engine.ts). */
export const BLST_ENGINE: BlsEngine<P1> = {
  name: "blst",
  rank: 2,
  decodeG1: blstDecodeG1,
  hashToG1: blstHashToG1,
  sign: (secret, message) => new Uint8Array(times(blstHashToG1(message), secret).compress()),
  pairingCheck: blstPairingCheck,
  verify: blstVerify,
  sum: blstSum,
  inSubgroup: (point) => !point.is_inf() && point.in_group(),
  encode: (point) => new Uint8Array(point.compress()),
};

/** The fastest engine that loads in this thread (blst, else mcl, else noble stays): what the
 * validators and their beacon worker call at start. */
export async function enableFastBls(): Promise<"blst" | "mcl" | "noble"> {
  if (enableBlstEngine()) return "blst";
  return (await enableMclEngine()) ? "mcl" : "noble";
}
