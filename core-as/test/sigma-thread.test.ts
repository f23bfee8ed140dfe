// SigmaThread (src/node/sigma-thread.ts): σ checks on a worker thread give exactly the verdicts of
// verifySignature on the calling thread — a good σ, a damaged σ, another message, a malformed key —
// and still answer (inline) once the thread is closed.
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { afterAll, describe, expect, it } from "vitest";
import { BEACON_DST, verifySignature } from "../src/crypto/bls/index.js";
import { SigmaThread } from "../src/node/index.js";

const sk = bls12_381.utils.randomSecretKey(new Uint8Array(48).fill(3));
const key = bls12_381.shortSignatures.getPublicKey(sk).toBytes(true);
const message = new TextEncoder().encode("nullspace sigma thread test");
const sigma = bls12_381.shortSignatures.sign(bls12_381.shortSignatures.hash(message, BEACON_DST), sk).toBytes(true);
const thread = new SigmaThread();

afterAll(async () => {
  await thread.close();
});

describe("SigmaThread", () => {
  it("agrees with verifySignature on good and bad inputs", async () => {
    const damaged = sigma.slice();
    damaged[7] = (damaged[7] as number) ^ 1;
    const badKey = key.slice();
    badKey[3] = (badKey[3] as number) ^ 0xff;
    const cases: [Uint8Array, Uint8Array, Uint8Array][] = [
      [key, message, sigma],
      [key, message, damaged],
      [key, new TextEncoder().encode("another message"), sigma],
      [badKey, message, sigma],
      [key, message, new Uint8Array(3)],
    ];
    const verdicts = await Promise.all(cases.map(([k, m, s]) => thread.verify(k, m, s)));
    expect(verdicts).toEqual(cases.map(([k, m, s]) => verifySignature(k, m, s)));
    expect(verdicts).toEqual([true, false, false, false, false]);
    expect(thread.answered).toEqual({ thread: 5, inline: 0 });
  });

  it("answers inline once closed", async () => {
    const closed = new SigmaThread();
    await closed.close();
    expect(await closed.verify(key, message, sigma)).toBe(true);
    expect(closed.answered).toEqual({ thread: 0, inline: 1 });
  });
});
