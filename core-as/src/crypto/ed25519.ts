// Ed25519 keys, signing and strict verification for every TypeScript host of the core.
//
// Three backends, chosen at runtime:
//   node      node:crypto (OpenSSL), reached through process.getBuiltinModule so browser bundles
//             never import a node module. Validators live here: fastest, and it signs synchronously.
//   webcrypto crypto.subtle Ed25519 in browsers, private keys non-extractable. Sync calls that
//             WebCrypto cannot serve (verify, publicKeyFromSeed) go to noble.
//   noble     @noble/ed25519 primitives, anywhere.
//
// Consensus needs every honest node to accept exactly the same signatures, so verification is one
// rule (docs/signatures.md), enforced by `hasStrictEncoding` before any backend runs, plus the
// cofactorless equation that OpenSSL and BoringSSL implement. noble's own `verify` is cofactored
// (it accepts signatures whose R carries a small-order component, which OpenSSL rejects), so the
// noble backend checks the cofactorless equation itself with noble's point arithmetic.

import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import { BoundedCache } from "./bounded-cache.js";
import { concatBytes, equalBytes, fromHex, toHex } from "./sha256.js";

export type Ed25519Backend = "node" | "webcrypto" | "noble";

export const PUBLIC_KEY_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;
export const SEED_LENGTH = 32;

export type SignatureErrorCode =
  | "BAD_SEED"
  | "BAD_MESSAGE"
  | "BAD_BATCH"
  | "BAD_KIND"
  | "BAD_CHAIN_ID"
  | "SYNC_UNAVAILABLE"
  | "BACKEND_UNAVAILABLE";

/** Signing or key derivation was called wrongly, or the runtime cannot do what was asked. */
export class SignatureError extends Error {
  override readonly name = "SignatureError";
  constructor(
    readonly code: SignatureErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export interface Signer {
  readonly publicKey: Uint8Array;
  sign(message: Uint8Array): Promise<Uint8Array>;
  /** Present where signing can be synchronous (node:crypto and noble, never WebCrypto). */
  signSync?: (message: Uint8Array) => Uint8Array;
}

export interface VerifyItem {
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

export interface Ed25519 {
  /** The backend this instance was built for. */
  readonly backend: Ed25519Backend;
  /** The backend doing the work once probed: "webcrypto" degrades to "noble" when the browser's
   * WebCrypto lacks Ed25519 or fails the strictness probe. */
  resolveBackend(): Promise<Ed25519Backend>;
  generateSigner(): Promise<Signer>;
  signerFromSeed(seed: Uint8Array): Promise<Signer>;
  signerFromSeedSync(seed: Uint8Array): Signer;
  publicKeyFromSeed(seed: Uint8Array): Uint8Array;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  verifyAsync(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
  /** `offMainThread`: in Node, every item goes to the libuv pool, even a batch too small to gain
   * throughput from it, so the calling thread (a validator's consensus loop) stays free. */
  verifyBatch(items: readonly VerifyItem[], options?: { offMainThread?: boolean }): Promise<boolean[]>;
  verifyBatchSync(items: readonly VerifyItem[]): boolean[];
}

// ---------------------------------------------------------------------------------------------
// Input validation (noble-style: check at the boundary, before any backend sees the bytes).

/** Uint8Array (Buffer included), also from another realm (iframes, workers). */
function isBytes(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array || (ArrayBuffer.isView(x) && x.constructor?.name === "Uint8Array");
}

function assertSeed(seed: unknown): asserts seed is Uint8Array {
  if (!isBytes(seed) || seed.length !== SEED_LENGTH) {
    const got = isBytes(seed) ? `${seed.length} bytes` : typeof seed;
    throw new SignatureError(
      "BAD_SEED",
      `seed must be ${SEED_LENGTH} bytes, got ${got}`,
      "pass the 32-byte RFC 8032 secret seed, not a 64-byte expanded key",
    );
  }
}

function assertMessage(message: unknown): asserts message is Uint8Array {
  if (!isBytes(message)) throw new SignatureError("BAD_MESSAGE", `message must be a Uint8Array, got ${typeof message}`);
}

function hasWellFormedArgs(publicKey: unknown, message: unknown, signature: unknown): boolean {
  return (
    isBytes(publicKey) &&
    publicKey.length === PUBLIC_KEY_LENGTH &&
    isBytes(message) &&
    isBytes(signature) &&
    signature.length === SIGNATURE_LENGTH
  );
}

// ---------------------------------------------------------------------------------------------
// Strictness rules, identical for every backend (docs/signatures.md, "Strictness").

// Little-endian bytes of the group order L = 2^252 + 27742317777372353535851937790883648493.
const L_LE = fromHex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
// Little-endian bytes of the field prime p = 2^255 - 19.
const P_LE = fromHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
// y coordinates (sign bit cleared) of the 8 points of small order: y=1 (identity), y=-1 (order 2),
// y=0 (the two points of order 4), and ±y8 (the four points of order 8). With y < p enforced
// separately, matching these five values catches every encoding of a small-order point.
const SMALL_ORDER_Y = [
  "0000000000000000000000000000000000000000000000000000000000000000",
  "0100000000000000000000000000000000000000000000000000000000000000",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
  "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
].map(fromHex);

/** bytes[offset..offset+32) read as a little-endian integer (optionally without bit 255) < bound. */
function isBelowLE(bytes: Uint8Array, offset: number, bound: Uint8Array, clearTopBit: boolean): boolean {
  for (let i = 31; i >= 0; i--) {
    let b = bytes[offset + i] as number;
    if (i === 31 && clearTopBit) b &= 0x7f;
    const c = bound[i] as number;
    if (b !== c) return b < c;
  }
  return false;
}

function hasYEqualTo(bytes: Uint8Array, offset: number, y: Uint8Array): boolean {
  for (let i = 0; i < 31; i++) if (bytes[offset + i] !== y[i]) return false;
  return ((bytes[offset + 31] as number) & 0x7f) === y[31];
}

/** RFC 8032 canonical point encoding: y < p, and no sign bit on x = 0 (y = ±1). Curve membership
 * is left to decoding. */
function isCanonicalPointEncoding(bytes: Uint8Array, offset: number): boolean {
  if (!isBelowLE(bytes, offset, P_LE, true)) return false;
  const hasSignBit = ((bytes[offset + 31] as number) & 0x80) !== 0;
  if (
    hasSignBit &&
    (hasYEqualTo(bytes, offset, SMALL_ORDER_Y[1] as Uint8Array) || hasYEqualTo(bytes, offset, SMALL_ORDER_Y[2] as Uint8Array))
  )
    return false;
  return true;
}

/** Whether a 32-byte encoding names one of the 8 small-order points (any encoding of it). */
export function isSmallOrderEncoding(point: Uint8Array): boolean {
  for (const y of SMALL_ORDER_Y) if (hasYEqualTo(point, 0, y)) return true;
  return false;
}

/**
 * The encoding rules every backend applies before its curve arithmetic: S < L, R and A canonical
 * encodings, A not of small order. Lengths are checked by the callers.
 */
export function hasStrictEncoding(publicKey: Uint8Array, signature: Uint8Array): boolean {
  return (
    isBelowLE(signature, 32, L_LE, false) &&
    isCanonicalPointEncoding(signature, 0) &&
    isCanonicalPointEncoding(publicKey, 0) &&
    !isSmallOrderEncoding(publicKey)
  );
}

function passesPrechecks(publicKey: unknown, message: unknown, signature: unknown): boolean {
  return hasWellFormedArgs(publicKey, message, signature) && hasStrictEncoding(publicKey as Uint8Array, signature as Uint8Array);
}

// ---------------------------------------------------------------------------------------------
// noble: RFC 8032 sign, cofactorless verify.

if (!ed.hashes.sha512) ed.hashes.sha512 = sha512;

const Point = ed.Point;
const G = Point.BASE;
const L = Point.CURVE().n;

function numberFromLE(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i] as number);
  return n;
}

function le32(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

function modL(hash: Uint8Array): bigint {
  return numberFromLE(hash) % L;
}

/** Cofactorless check [S]B - [k]A == R, compared as encodings (what OpenSSL and BoringSSL do).
 * Arguments have passed `passesPrechecks`. */
function verifyNobleChecked(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    const A = Point.fromBytes(publicKey, false); // throws on a y with no x (not on the curve)
    const r = signature.subarray(0, 32);
    const s = numberFromLE(signature.subarray(32, 64));
    const k = modL(sha512(concatBytes(r, publicKey, message)));
    const check = G.multiply(s, false).subtract(A.multiply(k, false));
    return equalBytes(check.toBytes(), r);
  } catch {
    return false;
  }
}

function verifyNoble(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (!passesPrechecks(publicKey, message, signature)) return false;
  return verifyNobleChecked(publicKey, message, signature);
}

function publicKeyFromSeedNoble(seed: Uint8Array): Uint8Array {
  assertSeed(seed);
  return ed.getPublicKey(seed);
}

function nobleSignerFromSeed(seed: Uint8Array): Signer {
  assertSeed(seed);
  // The expanded key is derived once; RFC 8032 5.1.6 signing then costs one base multiplication.
  const { prefix, scalar, pointBytes } = ed.utils.getExtendedPublicKey(seed);
  const publicKey = pointBytes.slice();
  const signSync = (message: Uint8Array): Uint8Array => {
    assertMessage(message);
    const r = modL(sha512(concatBytes(prefix, message)));
    const R = G.multiply(r).toBytes();
    const k = modL(sha512(concatBytes(R, pointBytes, message)));
    return concatBytes(R, le32((r + k * scalar) % L));
  };
  return { publicKey, signSync, sign: async (message) => signSync(message) };
}

function randomSeed(): Uint8Array {
  return ed.utils.randomSecretKey();
}

// ---------------------------------------------------------------------------------------------
// Shared plumbing.

const PKCS8_PREFIX = fromHex("302e020100300506032b657004220420");
/** 32 zero bytes in base64url: the `x` a seed's JWK import is given (never a derived public key: that is a point of prime order, and zero bytes encode one of order 4). */
const PLACEHOLDER_X = "A".repeat(43);

/** Imported public keys cached per instance; creating a KeyObject costs about as much as a verify. */
export const KEY_CACHE_CAPACITY = 4096;

function assertBatch(items: unknown): asserts items is readonly VerifyItem[] {
  if (!Array.isArray(items)) throw new SignatureError("BAD_BATCH", "verifyBatch takes an array of {publicKey, message, signature}");
}

function isItem(it: unknown): it is VerifyItem {
  return it != null && typeof it === "object";
}

/** Batches at least this long go to the libuv pool in Node (measured: 1 item is faster inline). */
const POOL_BATCH_MIN = 4;

function verifyEach(items: readonly VerifyItem[], verify: (pk: Uint8Array, m: Uint8Array, s: Uint8Array) => boolean): boolean[] {
  assertBatch(items);
  const out = new Array<boolean>(items.length);
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    out[i] = isItem(it) ? verify(it.publicKey, it.message, it.signature) : false;
  }
  return out;
}

/** WebCrypto takes ArrayBuffer-backed views only (TS 5.7+ types say so too). */
function toBufferSource(b: Uint8Array): Uint8Array<ArrayBuffer> {
  return (b.buffer instanceof ArrayBuffer ? b : b.slice()) as Uint8Array<ArrayBuffer>;
}

// ---------------------------------------------------------------------------------------------
// node:crypto

type NodeCrypto = typeof import("node:crypto");
type KeyObject = import("node:crypto").KeyObject;

function findNodeCrypto(): NodeCrypto | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.("node:crypto") as NodeCrypto | undefined;
}

function createNodeEd25519(nc: NodeCrypto): Ed25519 {
  const keys = new BoundedCache<KeyObject>(KEY_CACHE_CAPACITY);

  const publicKeyObject = (publicKey: Uint8Array): KeyObject | undefined => {
    const id = toHex(publicKey);
    let key = keys.get(id);
    if (key === undefined) {
      try {
        // JWK, not DER: OpenSSL 3 imports the same raw key ~7x faster this way (measured 44 vs
        // 324 µs here; docs/signatures.md), and a cache miss is every new account's first transaction.
        key = nc.createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(publicKey).toString("base64url") }, format: "jwk" });
      } catch {
        return undefined;
      }
      keys.set(id, key);
    }
    return key;
  };

  const verify = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean => {
    if (!passesPrechecks(publicKey, message, signature)) return false;
    const key = publicKeyObject(publicKey);
    if (key === undefined) return false;
    try {
      return nc.verify(null, message, key, signature);
    } catch {
      return false;
    }
  };

  // node:crypto's callback form runs OpenSSL on the libuv pool (4 threads by default), so a batch
  // uses every core: about 1.8x the single-thread rate on 2 cores from 4 items up (docs/signatures.md).
  // The pool is shared with fs and dns; a node busy with disk I/O gains less.
  const verifyOnPool = (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> | boolean => {
    if (!passesPrechecks(publicKey, message, signature)) return false;
    const key = publicKeyObject(publicKey);
    if (key === undefined) return false;
    return new Promise((resolve) => {
      try {
        nc.verify(null, message, key, signature, (err, ok) => resolve(!err && ok));
      } catch {
        resolve(false);
      }
    });
  };

  const rawPublicKey = (privateKey: KeyObject): Uint8Array => {
    const der = nc.createPublicKey(privateKey).export({ format: "der", type: "spki" });
    return new Uint8Array(der.subarray(der.length - PUBLIC_KEY_LENGTH));
  };

  const signerFromKey = (privateKey: KeyObject, publicKey: Uint8Array): Signer => {
    const signSync = (message: Uint8Array): Uint8Array => {
      assertMessage(message);
      const sig = nc.sign(null, message, privateKey);
      return new Uint8Array(sig.buffer, sig.byteOffset, sig.length);
    };
    return { publicKey, signSync, sign: async (message) => signSync(message) };
  };

  // A seed's key pair through JWK, as public keys are imported above: OpenSSL 3's PKCS#8 decoder
  // took 365 µs a key here and the public key's DER export 75 more, against ~40 µs for the JWK
  // import (docs/signatures.md). JWK wants `x` beside `d`; node:crypto derives the public key from
  // `d` and ignores it. That is checked on every key: a placeholder goes in, and the derived key must
  // come out. A runtime that kept the placeholder or refused it gets the PKCS#8 path.
  const keyPairFromSeed = (seed: Uint8Array): { privateKey: KeyObject; publicKey: Uint8Array } => {
    assertSeed(seed);
    try {
      const d = Buffer.from(seed.buffer, seed.byteOffset, seed.length).toString("base64url");
      const privateKey = nc.createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", d, x: PLACEHOLDER_X }, format: "jwk" });
      const { x } = privateKey.export({ format: "jwk" });
      if (typeof x === "string" && x !== PLACEHOLDER_X) {
        const publicKey = Buffer.from(x, "base64url");
        if (publicKey.length === PUBLIC_KEY_LENGTH) return { privateKey, publicKey: new Uint8Array(publicKey) };
      }
    } catch {}
    const privateKey = nc.createPrivateKey({ key: Buffer.from(concatBytes(PKCS8_PREFIX, seed)), format: "der", type: "pkcs8" });
    return { privateKey, publicKey: rawPublicKey(privateKey) };
  };

  const signerFromSeedSync = (seed: Uint8Array): Signer => {
    const { privateKey, publicKey } = keyPairFromSeed(seed);
    return signerFromKey(privateKey, publicKey);
  };

  return {
    backend: "node",
    resolveBackend: async () => "node",
    generateSigner: async () => {
      const { privateKey, publicKey } = nc.generateKeyPairSync("ed25519");
      const der = publicKey.export({ format: "der", type: "spki" });
      return signerFromKey(privateKey, new Uint8Array(der.subarray(der.length - PUBLIC_KEY_LENGTH)));
    },
    signerFromSeed: async (seed) => signerFromSeedSync(seed),
    signerFromSeedSync,
    publicKeyFromSeed: (seed) => keyPairFromSeed(seed).publicKey,
    verify,
    // One signature: the hop to the libuv pool costs more than it saves (measured), so verify here.
    verifyAsync: async (publicKey, message, signature) => verify(publicKey, message, signature),
    verifyBatch: async (items, options) => {
      assertBatch(items);
      if (items.length < POOL_BATCH_MIN && options?.offMainThread !== true) return verifyEach(items, verify);
      return Promise.all(items.map((it) => (isItem(it) ? verifyOnPool(it.publicKey, it.message, it.signature) : false)));
    },
    verifyBatchSync: (items) => verifyEach(items, verify),
  };
}

// ---------------------------------------------------------------------------------------------
// WebCrypto

// A signature that only a cofactored verifier accepts: TEST 1's key signing "nullspace cofactor
// probe" with R = rB + T, T a point of order 8, S computed for that R. OpenSSL, BoringSSL and
// noble-cofactorless reject it; noble's own `verify` (cofactored) accepts it. A WebCrypto that
// accepts it would disagree with the other backends, so we do not use it.
const PROBE_PUBLIC_KEY = fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
const PROBE_GOOD_MESSAGE = new Uint8Array(0);
const PROBE_GOOD_SIGNATURE = fromHex(
  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
);
export const COFACTOR_PROBE = {
  publicKey: PROBE_PUBLIC_KEY,
  message: new TextEncoder().encode("nullspace cofactor probe"),
  signature: fromHex(
    "f77ea0a808ebfd0ff43fc9409d68a7786c45d3682ae625b5909bebaeddef786479049da88e571984bf9923536fd79040bd276f83ba3318eeaa58471967f20f0a",
  ),
} as const;

function createWebCryptoEd25519(subtle: SubtleCrypto): Ed25519 {
  const ALG = { name: "Ed25519" } as const;
  const keys = new BoundedCache<Promise<CryptoKey>>(KEY_CACHE_CAPACITY);

  const importPublicKey = (publicKey: Uint8Array): Promise<CryptoKey> => {
    const id = toHex(publicKey);
    let key = keys.get(id);
    if (key === undefined) {
      key = subtle.importKey("raw", toBufferSource(publicKey.slice()), ALG, true, ["verify"]);
      key.catch(() => keys.delete(id));
      keys.set(id, key);
    }
    return key;
  };

  const verifyChecked = async (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> => {
    try {
      const key = await importPublicKey(publicKey);
      return await subtle.verify(ALG, key, toBufferSource(signature), toBufferSource(message));
    } catch {
      return false;
    }
  };

  // Whether this engine has Ed25519 and verifies by our rule; decided once, before first use.
  let usable: Promise<boolean> | undefined;
  const isUsable = (): Promise<boolean> => {
    usable ??= (async () => {
      try {
        const good = await verifyChecked(PROBE_PUBLIC_KEY, PROBE_GOOD_MESSAGE, PROBE_GOOD_SIGNATURE);
        const torsion = await verifyChecked(COFACTOR_PROBE.publicKey, COFACTOR_PROBE.message, COFACTOR_PROBE.signature);
        return good && !torsion;
      } catch {
        return false;
      }
    })();
    return usable;
  };

  const verifyAsync = async (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> => {
    if (!passesPrechecks(publicKey, message, signature)) return false;
    if (!(await isUsable())) return verifyNobleChecked(publicKey, message, signature);
    return verifyChecked(publicKey, message, signature);
  };

  const signerFromKey = (privateKey: CryptoKey, publicKey: Uint8Array): Signer => ({
    publicKey,
    sign: async (message) => {
      assertMessage(message);
      return new Uint8Array(await subtle.sign(ALG, privateKey, toBufferSource(message)));
    },
  });

  return {
    backend: "webcrypto",
    resolveBackend: async () => ((await isUsable()) ? "webcrypto" : "noble"),
    generateSigner: async () => {
      if (!(await isUsable())) return nobleSignerFromSeed(randomSeed());
      const pair = (await subtle.generateKey(ALG, false, ["sign", "verify"])) as CryptoKeyPair;
      return signerFromKey(pair.privateKey, new Uint8Array(await subtle.exportKey("raw", pair.publicKey)));
    },
    signerFromSeed: async (seed) => {
      assertSeed(seed);
      if (!(await isUsable())) return nobleSignerFromSeed(seed);
      const pkcs8 = concatBytes(PKCS8_PREFIX, seed);
      try {
        const privateKey = await subtle.importKey("pkcs8", toBufferSource(pkcs8), ALG, false, ["sign"]);
        return signerFromKey(privateKey, publicKeyFromSeedNoble(seed));
      } finally {
        pkcs8.fill(0);
      }
    },
    signerFromSeedSync: () => {
      throw new SignatureError(
        "SYNC_UNAVAILABLE",
        "WebCrypto signs asynchronously only",
        'use signerFromSeed (async), or createEd25519("noble") where a synchronous signer is required',
      );
    },
    publicKeyFromSeed: publicKeyFromSeedNoble,
    verify: verifyNoble,
    verifyAsync,
    verifyBatch: async (items) => {
      assertBatch(items);
      return Promise.all(items.map((it) => (isItem(it) ? verifyAsync(it.publicKey, it.message, it.signature) : false)));
    },
    verifyBatchSync: (items) => verifyEach(items, verifyNoble),
  };
}

// ---------------------------------------------------------------------------------------------
// noble

function createNobleEd25519(): Ed25519 {
  return {
    backend: "noble",
    resolveBackend: async () => "noble",
    generateSigner: async () => nobleSignerFromSeed(randomSeed()),
    signerFromSeed: async (seed) => nobleSignerFromSeed(seed),
    signerFromSeedSync: nobleSignerFromSeed,
    publicKeyFromSeed: publicKeyFromSeedNoble,
    verify: verifyNoble,
    verifyAsync: async (publicKey, message, signature) => verifyNoble(publicKey, message, signature),
    verifyBatch: async (items) => verifyEach(items, verifyNoble),
    verifyBatchSync: (items) => verifyEach(items, verifyNoble),
  };
}

// ---------------------------------------------------------------------------------------------
// Selection

const nodeCrypto = findNodeCrypto();

function findSubtle(): SubtleCrypto | undefined {
  return (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
}

/** Which backends this runtime offers at all ("webcrypto" still needs its probe to pass). */
export function availableBackends(): Ed25519Backend[] {
  const out: Ed25519Backend[] = [];
  if (nodeCrypto) out.push("node");
  if (findSubtle()) out.push("webcrypto");
  out.push("noble");
  return out;
}

/** node:crypto where present, else WebCrypto, else noble. */
export function detectEd25519Backend(): Ed25519Backend {
  return availableBackends()[0] as Ed25519Backend;
}

/** An Ed25519 implementation on one backend (tests pick each; the exports below use detection). */
export function createEd25519(backend: Ed25519Backend): Ed25519 {
  switch (backend) {
    case "node":
      if (!nodeCrypto) throw new SignatureError("BACKEND_UNAVAILABLE", "node:crypto is not available in this runtime");
      return createNodeEd25519(nodeCrypto);
    case "webcrypto": {
      const subtle = findSubtle();
      if (!subtle)
        throw new SignatureError(
          "BACKEND_UNAVAILABLE",
          "crypto.subtle is not available in this runtime",
          "WebCrypto needs a secure context (https or localhost)",
        );
      return createWebCryptoEd25519(subtle);
    }
    case "noble":
      return createNobleEd25519();
    default:
      throw new SignatureError("BACKEND_UNAVAILABLE", `unknown backend ${String(backend)}`);
  }
}

/** The instance the rest of the core uses. */
export const ed25519: Ed25519 = createEd25519(detectEd25519Backend());
/** The backend selected at load; `ed25519.resolveBackend()` reports a WebCrypto fallback. */
export const ed25519Backend: Ed25519Backend = ed25519.backend;

export const generateSigner = ed25519.generateSigner;
export const signerFromSeed = ed25519.signerFromSeed;
export const signerFromSeedSync = ed25519.signerFromSeedSync;
export const publicKeyFromSeed = ed25519.publicKeyFromSeed;
export const verify = ed25519.verify;
export const verifyAsync = ed25519.verifyAsync;
export const verifyBatch = ed25519.verifyBatch;
export const verifyBatchSync = ed25519.verifyBatchSync;
