// Domain separation for every Null/Space signature. A signature is made over
//   "NULLSPACE" (9 ASCII bytes) ‖ kind (u8) ‖ chainId (u64 big-endian) ‖ body
// so a vote can never be replayed as a transaction, a notarize vote as a finalize vote, or anything
// from one chain (devnet, testnet) on another. The prefix has a fixed length (18 bytes), so no two
// (kind, chainId, body) triples give the same payload. Kind numbers are stable wire values: never
// renumber, only append (docs/signatures.md).

import { SignatureError, type Signer, verify, verifyAsync } from "./ed25519.js";

export const SignatureKind = {
  TX: 1,
  NOTARIZE: 2,
  NULLIFY: 3,
  FINALIZE: 4,
  PROGRESS: 5,
  BEACON: 6,
  PEER: 7,
  /** A player's join of its account room on a relay (client/room-join.ts). */
  ROOM_JOIN: 8,
} as const;
export type SignatureKind = (typeof SignatureKind)[keyof typeof SignatureKind];

export const DOMAIN_TAG = new TextEncoder().encode("NULLSPACE");
export const DOMAIN_PREFIX_LENGTH = DOMAIN_TAG.length + 1 + 8;

const KINDS: ReadonlySet<number> = new Set(Object.values(SignatureKind));
const U64_MAX = (1n << 64n) - 1n;

function assertKind(kind: unknown): asserts kind is SignatureKind {
  if (typeof kind !== "number" || !KINDS.has(kind)) {
    throw new SignatureError("BAD_KIND", `unknown signature kind ${String(kind)}`, "use a value of SignatureKind");
  }
}

function assertChainId(chainId: unknown): asserts chainId is bigint {
  if (typeof chainId !== "bigint" || chainId < 0n || chainId > U64_MAX) {
    throw new SignatureError("BAD_CHAIN_ID", `chain id must be a bigint in [0, 2^64), got ${String(chainId)}`);
  }
}

function isBytes(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array || (ArrayBuffer.isView(x) && x.constructor?.name === "Uint8Array");
}

function writePrefix(out: Uint8Array, kind: SignatureKind, chainId: bigint): void {
  out.set(DOMAIN_TAG, 0);
  out[DOMAIN_TAG.length] = kind;
  new DataView(out.buffer, out.byteOffset, out.length).setBigUint64(DOMAIN_TAG.length + 1, chainId, false);
}

/** The 18-byte prefix for `kind` on chain `chainId`. */
export function domainPrefix(kind: SignatureKind, chainId: bigint): Uint8Array {
  assertKind(kind);
  assertChainId(chainId);
  const out = new Uint8Array(DOMAIN_PREFIX_LENGTH);
  writePrefix(out, kind, chainId);
  return out;
}

/** The bytes actually signed: domainPrefix(kind, chainId) ‖ body. */
export function signingPayload(kind: SignatureKind, chainId: bigint, body: Uint8Array): Uint8Array {
  assertKind(kind);
  assertChainId(chainId);
  if (!isBytes(body)) throw new SignatureError("BAD_MESSAGE", `body must be a Uint8Array, got ${typeof body}`);
  const out = new Uint8Array(DOMAIN_PREFIX_LENGTH + body.length);
  writePrefix(out, kind, chainId);
  out.set(body, DOMAIN_PREFIX_LENGTH);
  return out;
}

/** Signs domainPrefix(kind, chainId) ‖ body. Bad arguments reject with a SignatureError. */
export async function signDomain(signer: Signer, kind: SignatureKind, chainId: bigint, body: Uint8Array): Promise<Uint8Array> {
  return signer.sign(signingPayload(kind, chainId, body));
}

/** For validators signing votes at a high rate: throws SYNC_UNAVAILABLE for WebCrypto signers. */
export function signDomainSync(signer: Signer, kind: SignatureKind, chainId: bigint, body: Uint8Array): Uint8Array {
  if (!signer.signSync) throw new SignatureError("SYNC_UNAVAILABLE", "this signer signs asynchronously only", "use signDomain");
  return signer.signSync(signingPayload(kind, chainId, body));
}

/** Strict verification of a domain-separated signature. A malformed key, body or signature gives
 * false; an unknown kind or out-of-range chain id is a caller bug and throws. */
export function verifyDomain(
  publicKey: Uint8Array,
  kind: SignatureKind,
  chainId: bigint,
  body: Uint8Array,
  signature: Uint8Array,
): boolean {
  assertKind(kind);
  assertChainId(chainId);
  if (!isBytes(body)) return false;
  return verify(publicKey, signingPayload(kind, chainId, body), signature);
}

/** As verifyDomain, through WebCrypto where the runtime has it. */
export async function verifyDomainAsync(
  publicKey: Uint8Array,
  kind: SignatureKind,
  chainId: bigint,
  body: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  assertKind(kind);
  assertChainId(chainId);
  if (!isBytes(body)) return false;
  return verifyAsync(publicKey, signingPayload(kind, chainId, body), signature);
}
