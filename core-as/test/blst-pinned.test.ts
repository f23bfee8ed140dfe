// The blst binding stays loaded once a thread loaded it (src/node/blst-engine.ts, decisions/021):
// Node closes a worker's addons when the worker ends, and a garbage collection of the ending
// worker could then call the binding's weak callbacks in unmapped code (a relay test process died
// so). Here the σ thread is the only one to load the binding; after it has exited, the binding
// must still be mapped in this process (Linux: /proc/self/maps).
import { readFileSync } from "node:fs";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { describe, expect, it } from "vitest";
import { BEACON_DST } from "../src/crypto/bls/index.js";
import { SigmaThread } from "../src/node/index.js";

const BINDING = `${process.platform}-${process.arch}-${process.versions.modules}-binding.node`;
const isMapped = () => readFileSync("/proc/self/maps", "utf8").includes(BINDING);

describe("the blst binding", () => {
  it("stays mapped after the only thread that loaded it has exited", async () => {
    expect(isMapped()).toBe(false); // this test file's process has not loaded it yet
    const sk = bls12_381.utils.randomSecretKey(new Uint8Array(48).fill(5));
    const key = bls12_381.shortSignatures.getPublicKey(sk).toBytes(true);
    const message = new TextEncoder().encode("nullspace blst pinned test");
    const sigma = bls12_381.shortSignatures.sign(bls12_381.shortSignatures.hash(message, BEACON_DST), sk).toBytes(true);
    const thread = new SigmaThread();
    // Enough checks that the thread holds (and drops) many of the binding's objects.
    const verdicts = await Promise.all(Array.from({ length: 50 }, (_, i) => thread.verify(key, i % 2 ? message : sigma, sigma)));
    expect(verdicts).toEqual(Array.from({ length: 50 }, (_, i) => i % 2 === 1));
    expect(thread.answered.thread).toBe(50);
    expect(isMapped()).toBe(true); // the thread runs σ checks on blst
    await thread.close();
    expect(isMapped()).toBe(true);
  });
});
