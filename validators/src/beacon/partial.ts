// Partial signatures: validator i's share of σ_h is σ_i = s_i·H(m_h), a BLS signature under its
// public share key p(i)·G2. Partials travel as 48-byte compressed G1 points; the index travels
// beside them in the engine's message (or is the sender's validator index).

import { blsEngine, encodeSignature, hashToG1, isBytes, type PublicKeyInput, publicKeyPoint, verifyWithKey } from "@nullspace/core/bls";
import { assertShare, type Commitments, publicShareKey, type Share } from "./keys.js";

/** Whose partial: a public share key (point or 96 bytes), or the commitments and the index from
 * which that key is derived (and cached per commitments object). */
export type PartialKey = PublicKeyInput | { readonly commitments: Commitments; readonly index: number };

/** σ_i = s_i·H(message), 48 bytes. Release it only once the height is final (consensus.md). */
export function partialSign(share: Share, message: Uint8Array): Uint8Array {
  assertShare(share);
  const engine = blsEngine();
  if (engine && isBytes(message)) return engine.sign(share.secret, message);
  return encodeSignature(hashToG1(message).multiply(share.secret));
}

function partialKeyPoint(key: PartialKey) {
  if (typeof key === "object" && key !== null && "commitments" in key) {
    try {
      return publicShareKey(key.commitments, key.index);
    } catch {
      return undefined;
    }
  }
  return publicKeyPoint(key);
}

/** Is `partial` a valid partial signature on `message` by the share behind `key`? Never throws. */
export function verifyPartial(key: PartialKey, message: Uint8Array, partial: Uint8Array): boolean {
  return verifyWithKey(partialKeyPoint(key), message, partial);
}
