// Group keys given as bytes are decoded once (bounded cache in crypto/bls/verify.ts): equal bytes
// give the same point, a malformed key is refused every time and never cached, and a σ check
// through bytes agrees with the check through the decoded point, also for a damaged σ.
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { describe, expect, it } from "vitest";
import { BEACON_DST, publicKeyPoint, verifySignature } from "../src/crypto/bls/index.js";

const sk = bls12_381.utils.randomSecretKey(new Uint8Array(48).fill(9));
const key = bls12_381.shortSignatures.getPublicKey(sk).toBytes(true);
const message = new TextEncoder().encode("nullspace key cache test");
const sigma = bls12_381.shortSignatures.sign(bls12_381.shortSignatures.hash(message, BEACON_DST), sk).toBytes(true);

describe("BLS group keys as bytes", () => {
  it("decode once per distinct key: equal bytes, the same point", () => {
    const a = publicKeyPoint(key);
    expect(a).toBeDefined();
    expect(publicKeyPoint(key.slice())).toBe(a);
    expect(publicKeyPoint(a as NonNullable<typeof a>)).toBe(a);
  });

  it("refuse a malformed key every time, and cache nothing for it", () => {
    const bad = key.slice();
    bad[5] = (bad[5] as number) ^ 0xff;
    expect(publicKeyPoint(bad)).toBeUndefined();
    expect(publicKeyPoint(bad)).toBeUndefined();
    expect(verifySignature(bad, message, sigma)).toBe(false);
    expect(publicKeyPoint(key)).toBeDefined();
  });

  it("give the same verdict through bytes as through the point", () => {
    const point = publicKeyPoint(key) as NonNullable<ReturnType<typeof publicKeyPoint>>;
    const damaged = sigma.slice();
    damaged[10] = (damaged[10] as number) ^ 1;
    for (const s of [sigma, damaged]) expect(verifySignature(key, message, s)).toBe(verifySignature(point, message, s));
    expect(verifySignature(key, message, sigma)).toBe(true);
    expect(verifySignature(key, message, damaged)).toBe(false);
  });
});
