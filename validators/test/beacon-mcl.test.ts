// The beacon's whole test file (beacon.test.ts: published vectors, our fixed-seed vector,
// recovery, the robust path, binding, malformed input) again with the mcl engine on, plus
// agreement with noble on random inputs: the engine may change speed, never a byte or a verdict.

import { bls12_381 } from "@noble/curves/bls12-381.js";
import { enableMclEngine, mclEngineOn } from "@nullspace/core/bls";
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BEACON_DST,
  deal,
  encodePublicKey,
  encodeSignature,
  partialSign,
  recover,
  recoverVerified,
  verifySignature,
} from "../src/beacon/index.js";

const engineOn = await enableMclEngine();

describe("the mcl engine", () => {
  it("loads, passes its self-check and is in use in this file", () => {
    expect(engineOn).toBe(true);
    expect(mclEngineOn()).toBe(true);
  });

  it("signs, recovers and verifies exactly as noble on random messages and dealings", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 100 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (message, seed) => {
        const dealing = deal({ n: 4, seed });
        const partials = dealing.shares.map((share) => ({ index: share.index, signature: partialSign(share, message) }));
        // noble, directly: s_i·H(m) with the ciphersuite's hash.
        const h = bls12_381.shortSignatures.hash(message, BEACON_DST);
        for (const [k, share] of dealing.shares.entries())
          expect(partials[k]!.signature).toEqual(encodeSignature(h.multiply(share.secret)));
        const sigma = recoverVerified({ commitments: dealing.commitments, message, partials: partials.slice(1) }).signature;
        // recover() interpolates with noble (it is not on the engine's path).
        expect(sigma).toEqual(recover(partials.slice(0, 3), 3));
        expect(bls12_381.shortSignatures.verify(sigma, h, dealing.groupKey)).toBe(true);
        const key = encodePublicKey(dealing.groupKey);
        expect(verifySignature(key, message, sigma)).toBe(true);
        const flipped = sigma.slice();
        flipped[1 + (message.length % 46)]! ^= 1;
        expect(verifySignature(key, message, flipped)).toBe(false);
      }),
      { numRuns: 12 },
    );
  });
});

// The same tests as beacon.test.ts, collected into this file, where the engine is on.
await import("./beacon.test.js");
