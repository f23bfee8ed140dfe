// Raw memory (store entries, tree nodes) is outside the GC: replacing a state must free the old
// one, and a refused snapshot must free what it had built. Wasm memory only grows, so a leak shows
// as growth across repeated restores.
import { describe, expect, it } from "vitest";
import { Core } from "../src/core.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { CoreError } from "../src/errors.js";
import { newChain } from "./support/chain.js";
import { wasmBytes } from "./support/wasm.js";

describe("raw memory", () => {
  it("does not grow over repeated restores, accepted or refused", async () => {
    const chain = await newChain();
    for (let b = 0; b < 2; b++) {
      for (let i = 0; i < 1000; i++) chain.submit(LocalChain.signer(b * 1000 + i), { op: "register", name: `p${i}` });
      chain.seal();
    }
    const snapshot = chain.core.snapshot();
    const corrupt = snapshot.slice();
    corrupt[corrupt.length - 1] = (corrupt[corrupt.length - 1] as number) ^ 1; // last value: root mismatch, found last
    const target = await Core.load(wasmBytes());
    const pages = () => target.wasm.exports.memory.buffer.byteLength;
    const cycle = () => {
      target.restore(snapshot);
      expect(() => target.restore(corrupt)).toThrow(CoreError);
    };
    for (let i = 0; i < 10; i++) cycle();
    const settled = pages();
    for (let i = 0; i < 30; i++) cycle();
    expect(pages()).toBe(settled);
    expect(target.stateRoot()).toEqual(chain.core.stateRoot());
  });
});
