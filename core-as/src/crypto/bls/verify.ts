// Verifying σ_h against the group key: the check every client runs (docs/beacon.md).
//
//   e(σ, G2) == e(H(m), groupKey), with σ a canonical G1 point of the prime-order subgroup.
//
// This is the IETF BLS "Verify" of the MinSig basic scheme with BEACON_DST, so any BLS12-381
// library configured for that ciphersuite (blst, noble's shortSignatures, drand clients) accepts
// exactly the same σ.

import { BoundedCache } from "../bounded-cache.js";
import { toHex } from "../sha256.js";
import { decodePublicKey, decodeSignature, encodePublicKey, type G2Point, hashToG1, isBytes, isG2Point, pairingCheck } from "./curve.js";
import { blsEngine } from "./engine.js";

/** A public key given as a point (decoded once by the caller) or as its 96 bytes. */
export type PublicKeyInput = G2Point | Uint8Array;

// Keys given as bytes are decoded once: decompressing a G2 point and checking its subgroup costs
// ~5 ms, and its pairing lines (cached per point object) ~2 ms more, against a ~30 ms check; a
// relay or browser verifies every σ with the same group key.
const decodedKeys = new BoundedCache<G2Point>(16);

/** The point of a key input, or undefined for anything malformed. */
export function publicKeyPoint(key: PublicKeyInput): G2Point | undefined {
  if (isBytes(key)) {
    const id = toHex(key);
    const known = decodedKeys.get(id);
    if (known) return known;
    try {
      const point = decodePublicKey(key);
      decodedKeys.set(id, point);
      return point;
    } catch {
      return undefined;
    }
  }
  return isG2Point(key) ? key : undefined;
}

// A key given as a point goes to an engine as its encoding, computed once per point object.
const encodedKeys = new WeakMap<G2Point, Uint8Array>();

/** encodePublicKey, remembered per point object (keys are long-lived: the group key, share keys). */
export function encodedPublicKey(key: G2Point): Uint8Array {
  let bytes = encodedKeys.get(key);
  if (!bytes) {
    bytes = encodePublicKey(key);
    encodedKeys.set(key, bytes);
  }
  return bytes;
}

/** The pairing check behind verifySignature and verifyPartial; false for any malformed input. */
export function verifyWithKey(publicKey: G2Point | undefined, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey === undefined || !isBytes(message)) return false;
  try {
    const engine = blsEngine();
    if (engine) return isBytes(signature) && engine.verify(encodedPublicKey(publicKey), message, signature);
    const sig = decodeSignature(signature);
    return pairingCheck(sig, hashToG1(message), publicKey);
  } catch {
    return false;
  }
}

/** Is `sigma` the beacon value for `message` under `groupKey`? Never throws. */
export function verifySignature(groupKey: PublicKeyInput, message: Uint8Array, sigma: Uint8Array): boolean {
  // Key bytes go to an engine as they are: it decodes them as strictly as publicKeyPoint does.
  const engine = blsEngine();
  if (engine && isBytes(groupKey)) return isBytes(message) && isBytes(sigma) && engine.verify(groupKey, message, sigma);
  return verifyWithKey(publicKeyPoint(groupKey), message, sigma);
}
