// The beacon message m_h that validators sign for height h (docs/beacon.md):
//
//   m_h = domainPrefix(BEACON, chainId) ‖ u64be(height) ‖ blockDigest
//         18 bytes                        8 bytes         32 bytes      = 58 bytes
//
// domainPrefix is "NULLSPACE" ‖ u8(6) ‖ u64be(chainId) (docs/signatures.md), so a beacon value of
// one chain is never a beacon value of another, and no other signed payload of ours can collide
// with it. The block digest binds σ_h to the block that was finalized at h: σ_h cannot be
// computed before that block exists, and a fork (which finality rules out) would get another σ.
// Every field has a fixed width, so the encoding is injective.

import { DOMAIN_PREFIX_LENGTH, domainPrefix, SignatureKind } from "../domain.js";
import { isBytes } from "./curve.js";
import { BeaconError } from "./errors.js";

export const BLOCK_DIGEST_LENGTH = 32;
export const BEACON_MESSAGE_LENGTH = DOMAIN_PREFIX_LENGTH + 8 + BLOCK_DIGEST_LENGTH;

const U64_MAX = (1n << 64n) - 1n;

export interface BeaconMessageFields {
  /** u64, as in every domain prefix. */
  readonly chainId: bigint;
  /** u64, the finalized height the beacon value is for. */
  readonly height: bigint;
  /** The 32-byte digest of the block finalized at `height`. */
  readonly blockDigest: Uint8Array;
}

function assertU64(x: unknown, what: string): asserts x is bigint {
  if (typeof x !== "bigint" || x < 0n || x > U64_MAX) {
    throw new BeaconError("BAD_MESSAGE", `${what} must be a bigint in [0, 2^64), got ${String(x)}`);
  }
}

/** The 58 bytes every validator partially signs for height `height`. */
export function beaconMessage(fields: BeaconMessageFields): Uint8Array {
  if (typeof fields !== "object" || fields === null) throw new BeaconError("BAD_MESSAGE", "beacon message fields must be an object");
  const { chainId, height, blockDigest } = fields;
  assertU64(chainId, "chainId");
  assertU64(height, "height");
  if (!isBytes(blockDigest) || blockDigest.length !== BLOCK_DIGEST_LENGTH) {
    throw new BeaconError("BAD_MESSAGE", `blockDigest must be ${BLOCK_DIGEST_LENGTH} bytes`);
  }
  const out = new Uint8Array(BEACON_MESSAGE_LENGTH);
  out.set(domainPrefix(SignatureKind.BEACON, chainId), 0);
  new DataView(out.buffer).setBigUint64(DOMAIN_PREFIX_LENGTH, height, false);
  out.set(blockDigest, DOMAIN_PREFIX_LENGTH + 8);
  return out;
}
