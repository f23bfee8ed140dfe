// What every BLS engine's test file checks before it runs the beacon's whole test file
// (beacon.test.ts) with that engine on: it loaded and is in use, it signs, recovers and verifies
// exactly as noble on random messages and dealings, and it decodes G1 exactly as noble's decoders
// (the same encodings accepted, strictly and on the curve only). An engine may change speed, never
// a byte or a verdict.

import { bls12_381 } from "@noble/curves/bls12-381.js";
import { numberToBytesBE } from "@noble/curves/utils.js";
import { blsEngine, decodeSignatureOnCurve } from "@nullspace/core/bls";
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BEACON_DST,
  deal,
  decodeSignature,
  encodePublicKey,
  encodeSignature,
  partialSign,
  recover,
  recoverVerified,
  verifySignature,
} from "../../src/beacon/index.js";

export function describeEngine(
  name: "mcl" | "blst",
  enabled: boolean,
  decodeG1: (bytes: Uint8Array, strict: boolean) => Uint8Array | undefined,
): void {
  describe(`the ${name} engine`, () => {
    it("loads, passes its self-check and is in use in this file", () => {
      expect(enabled).toBe(true);
      expect(blsEngine()?.name).toBe(name);
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

    it("decodes G1 exactly as noble's decoders: the same encodings accepted, strictly and on the curve only", () => {
      const noble = (bytes: Uint8Array, strict: boolean) => {
        try {
          return encodeSignature(strict ? decodeSignature(bytes) : decodeSignatureOnCurve(bytes));
        } catch {
          return undefined;
        }
      };
      const agree = (bytes: Uint8Array) => {
        for (const strict of [true, false]) {
          expect(decodeG1(bytes, strict)).toEqual(noble(bytes, strict));
        }
      };
      // A valid σ and its variants: every flag combination, x ≥ p, the identity, a point outside
      // the subgroup (on the curve: accepted only without the subgroup check).
      const dealing = deal({ n: 4, seed: new Uint8Array(32).fill(3) });
      const sigma = partialSign(dealing.shares[0]!, new Uint8Array([1, 2, 3]));
      agree(sigma);
      for (let flags = 0; flags < 8; flags++) {
        const v = sigma.slice();
        v[0] = (v[0]! & 0x1f) | (flags << 5);
        agree(v);
      }
      const big = numberToBytesBE(bls12_381.fields.Fp.ORDER, 48);
      big[0]! |= 0x80;
      agree(big);
      agree(Uint8Array.of(0xc0, ...new Array<number>(47).fill(0)));
      let outside: Uint8Array | undefined;
      for (let x = 1; outside === undefined; x++) {
        const bytes = new Uint8Array(48);
        bytes[0] = 0x80;
        bytes[47] = x;
        const onCurve = noble(bytes, false);
        if (onCurve && !noble(bytes, true)) outside = bytes;
      }
      expect(decodeG1(outside, false)).toBeDefined();
      expect(decodeG1(outside, true)).toBeUndefined();
      // Random bytes with the compressed flag (about half are x-coordinates on the curve).
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 48, maxLength: 48 }), (bytes) => {
          bytes[0] = (bytes[0]! & 0x1f) | 0x80;
          agree(bytes);
        }),
        { numRuns: 40 },
      );
    });
  });
}
