// Threshold BLS12-381 (MinSig) randomness beacon: dealer ceremony, partial signatures, recovery
// and verification of σ_h. docs/beacon.md describes the scheme and every byte format.

export {
  BEACON_DST,
  BEACON_MESSAGE_LENGTH,
  BeaconError,
  type BeaconErrorCode,
  type BeaconMessageFields,
  BLOCK_DIGEST_LENGTH,
  beaconMessage,
  decodePublicKey,
  decodeScalar,
  decodeSignature,
  encodePublicKey,
  encodeScalar,
  encodeSignature,
  type G1Point,
  type G2Point,
  GROUP_ORDER,
  hashToG1,
  PUBLIC_KEY_LENGTH,
  type PublicKeyInput,
  SCALAR_LENGTH,
  SIGNATURE_LENGTH,
  verifySignature,
} from "@nullspace/core/bls";
export {
  type Commitments,
  type Dealing,
  type DealOptions,
  deal,
  decodeCommitments,
  decodeShare,
  encodeCommitments,
  encodeShare,
  groupKeyOf,
  MAX_SHARES,
  publicShareKey,
  quorumThreshold,
  SEED_LENGTH,
  SHARE_LENGTH,
  type Share,
  verifyShare,
} from "./keys.js";
export { type PartialKey, partialSign, verifyPartial } from "./partial.js";
export { type PartialSignature, type RecoveredSignature, type RecoverVerifiedInput, recover, recoverVerified } from "./recover.js";
