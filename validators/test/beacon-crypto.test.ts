// The beacon's BLS work off the consensus thread (src/beacon/worker-crypto.ts): the worker thread
// gives exactly what the inline implementation gives (partials, recovered σ, verdicts), refuses a
// forged σ, recovers around a bad partial, and fails pending and later calls once closed.

import { afterAll, describe, expect, it } from "vitest";
import { type BeaconCrypto, inlineBeaconCrypto } from "../src/beacon/crypto.js";
import { beaconMessage, deal, encodePublicKey } from "../src/beacon/index.js";
import { WorkerBeaconCrypto } from "../src/beacon/worker-crypto.js";

const dealing = deal({ n: 4, seed: new Uint8Array(32).fill(9) });
const keysOf = (i: number) => ({
  share: dealing.shares[i - 1]!,
  commitments: dealing.commitments,
  groupKey: encodePublicKey(dealing.groupKey),
});
const message = beaconMessage({ chainId: 3n, height: 17n, blockDigest: new Uint8Array(32).fill(4) });
const workers: WorkerBeaconCrypto[] = [1, 2, 3, 4].map((i) => new WorkerBeaconCrypto(keysOf(i)));
const inline: BeaconCrypto[] = [1, 2, 3, 4].map((i) => inlineBeaconCrypto(keysOf(i)));

afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
});

describe("WorkerBeaconCrypto", () => {
  it("signs, recovers and verifies exactly as the inline implementation", async () => {
    const fromWorkers = await Promise.all(workers.map((w) => w.partialSign(message)));
    const fromInline = await Promise.all(inline.map((c) => c.partialSign(message)));
    expect(fromWorkers).toEqual(fromInline);
    const partials = fromWorkers.map((signature, k) => ({ index: k + 1, signature }));
    const sigma = await workers[0]!.recover(message, partials.slice(1));
    expect(sigma).toBeInstanceOf(Uint8Array);
    expect(sigma).toEqual(await inline[0]!.recover(message, partials.slice(0, 3)));
    expect(await workers[1]!.verify(message, sigma!)).toBe(true);
    const forged = sigma!.slice();
    forged[10]! ^= 1;
    expect(await workers[1]!.verify(message, forged)).toBe(false);
    expect(await workers[1]!.verify(beaconMessage({ chainId: 3n, height: 18n, blockDigest: new Uint8Array(32) }), sigma!)).toBe(false);
  });

  it("answers undefined with too few valid partials and recovers around a bad one", async () => {
    const partials = await Promise.all(workers.map(async (w, k) => ({ index: k + 1, signature: await w.partialSign(message) })));
    const bad = { index: 2, signature: partials[0]!.signature }; // validator 1's partial under index 2
    expect(await workers[0]!.recover(message, partials.slice(0, 2))).toBeUndefined();
    expect(await workers[0]!.recover(message, [partials[0]!, bad, partials[2]!])).toBeUndefined();
    const sigma = await workers[0]!.recover(message, [partials[0]!, bad, partials[2]!, partials[3]!]);
    expect(sigma).toEqual(await inline[0]!.recover(message, partials.slice(0, 3)));
  });

  it("fails pending and later calls once closed", async () => {
    const w = new WorkerBeaconCrypto(keysOf(1));
    const pending = expect(w.partialSign(message)).rejects.toThrow(/closed/);
    await w.close();
    await pending;
    await expect(w.verify(message, new Uint8Array(48))).rejects.toThrow(/closed/);
  });
});
