// The frontier form against the full form (the wasm's MmrLog) byte for byte, the TypeScript
// verifier, and logs the full form cannot hold.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { Core } from "../src/core.js";
import { sha256, toHex } from "../src/crypto/sha256.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { MmrFrontier, wasmMmrHasher } from "../src/mmr-frontier.js";
import { MmrLog } from "../src/mmr-log.js";
import { mmrPeakHeights, mmrRootFromPeaks, verifyMmrMulti } from "../src/proof/mmr.js";
import { newChain } from "./support/chain.js";
import { wasmBytes } from "./support/wasm.js";

const digest = (i: number) => sha256(new Uint8Array([i & 0xff, (i >> 8) & 0xff, (i >> 16) & 0xff, 7]));

describe("MmrFrontier", () => {
  const logs: MmrLog[] = [];
  afterAll(() => {
    for (const l of logs) l.free();
  });

  it("gives the full form's roots and proofs, byte for byte, for any batches and any leaves of the last one (both hashers)", async () => {
    const wasm = wasmBytes();
    const hasher = wasmMmrHasher((await Core.load(wasm)).wasm);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.array(fc.boolean(), { maxLength: 40 })), { minLength: 1, maxLength: 12 }),
        async (batches) => {
          const full = await MmrLog.create(wasm);
          logs.push(full);
          const frontier = MmrFrontier.empty();
          const batched = MmrFrontier.empty(hasher);
          let next = 0;
          for (const [size, picks] of batches) {
            const ds = Array.from({ length: size }, () => digest(next++));
            const start = frontier.leafCount;
            if (size > 0) full.append(ds);
            expect(frontier.append(ds)).toBe(full.leafCount);
            expect(batched.append(ds)).toBe(full.leafCount);
            expect(toHex(frontier.root())).toBe(toHex(full.root()));
            expect(toHex(batched.root())).toBe(toHex(full.root()));
            if (size === 0) continue;
            const chosen = ds.map((_, i) => i).filter((i) => picks[i % Math.max(picks.length, 1)] ?? true);
            const indices = chosen.map((i) => start + BigInt(i));
            const proof = frontier.prove(indices);
            expect(toHex(proof)).toBe(toHex(full.prove(indices)));
            expect(toHex(batched.prove(indices))).toBe(toHex(proof));
            expect(
              verifyMmrMulti(
                frontier.root(),
                frontier.leafCount,
                indices,
                chosen.map((i) => ds[i] as Uint8Array),
                proof,
              ),
            ).toBe(true);
          }
          full.free();
          logs.pop();
        },
      ),
      { numRuns: 150 },
    );
  });

  it("carries on from a log's peaks: the same roots and proofs as a log that saw every leaf", async () => {
    const full = await MmrLog.create(wasmBytes());
    logs.push(full);
    const first = Array.from({ length: 1000 }, (_, i) => digest(i));
    full.append(first);
    const peaks = peaksOf(first);
    const frontier = MmrFrontier.fromPeaks(1000n, peaks);
    expect(toHex(frontier.root())).toBe(toHex(full.root()));
    const more = Array.from({ length: 77 }, (_, i) => digest(1000 + i));
    full.append(more);
    frontier.append(more);
    const indices = [1000n, 1001n, 1040n, 1076n];
    expect(toHex(frontier.prove(indices))).toBe(toHex(full.prove(indices)));
    expect(frontier.peaks().map(toHex)).toEqual(peaksOf([...first, ...more]).map(toHex));
  });

  it("goes on from a state machine's event log peaks (Core.logPeaks), before and after a snapshot is restored", async () => {
    const chain = await newChain();
    for (let i = 0; i < 5; i++) chain.submit(LocalChain.signer(i), { op: "register", name: `p${i}` });
    const first = chain.seal();
    const events = chain.core.logPeaks("events");
    const txs = chain.core.logPeaks("tx");
    expect(toHex(mmrRootFromPeaks(events.leafCount, events.peaks))).toBe(first.progressView?.eventsRoot);
    expect(toHex(mmrRootFromPeaks(txs.leafCount, txs.peaks))).toBe(first.progressView?.txLogRoot);
    expect(events.leafCount).toBe(first.progressView?.eventEnd);
    const frontier = MmrFrontier.fromPeaks(events.leafCount, events.peaks);
    chain.core.restore(chain.core.snapshot());
    expect(chain.core.logPeaks("events").peaks.map(toHex)).toEqual(events.peaks.map(toHex));
    for (let i = 5; i < 12; i++) chain.submit(LocalChain.signer(i), { op: "register", name: `p${i}` });
    const second = chain.seal();
    const digests = second.events.map((e) => sha256(e));
    frontier.append(digests);
    expect(toHex(frontier.root())).toBe(second.progressView?.eventsRoot);
    const start = second.progressView?.eventStart as bigint;
    const indices = [start, start + 2n, start + BigInt(digests.length - 1)];
    const picked = [digests[0], digests[2], digests[digests.length - 1]] as Uint8Array[];
    expect(verifyMmrMulti(frontier.root(), frontier.leafCount, indices, picked, frontier.prove(indices))).toBe(true);
  });

  it("proves leaves past 2^25, where the full form refuses to append", () => {
    // A log of 2^25 + 5 leaves known only by its peaks (made-up digests: any peaks are some log's).
    const n = (1n << 25n) + 5n;
    const peaks = mmrPeakHeights(n).map((_, i) => digest(9000 + i));
    const frontier = MmrFrontier.fromPeaks(n, peaks);
    const ds = Array.from({ length: 300 }, (_, i) => digest(i));
    frontier.append(ds);
    const indices = [n, n + 3n, n + 299n];
    const proof = frontier.prove(indices);
    const picked = [ds[0], ds[3], ds[299]] as Uint8Array[];
    expect(verifyMmrMulti(frontier.root(), frontier.leafCount, indices, picked, proof)).toBe(true);
    expect(verifyMmrMulti(frontier.root(), frontier.leafCount, indices, [picked[1], picked[0], picked[2]] as Uint8Array[], proof)).toBe(
      false,
    );
  });

  it("refuses leaves it cannot prove and malformed peaks", () => {
    const frontier = MmrFrontier.empty();
    frontier.append([digest(0), digest(1), digest(2)]);
    frontier.append([digest(3)]);
    expect(() => frontier.prove([2n])).toThrow(RangeError); // an earlier append's
    expect(() => frontier.prove([4n])).toThrow(RangeError); // not appended
    expect(() => frontier.prove([3n, 3n])).toThrow(/strictly increasing/);
    expect(frontier.prove([])).toEqual(frontier.prove([]));
    expect(() => frontier.append([new Uint8Array(31)])).toThrow(TypeError);
    expect(frontier.leafCount).toBe(4n);
    expect(() => MmrFrontier.fromPeaks(3n, [digest(0)])).toThrow(/2 peaks/);
    expect(() => MmrFrontier.fromPeaks(-1n, [])).toThrow(RangeError);
    expect(() => MmrFrontier.fromPeaks(1n, [new Uint8Array(5)])).toThrow(TypeError);
  });
});

/** The peaks of a log of `ds` by the definition (docs/mmr.md), leftmost first. */
function peaksOf(ds: Uint8Array[]): Uint8Array[] {
  const f = MmrFrontier.empty();
  f.append(ds);
  const peaks = f.peaks();
  expect(toHex(mmrRootFromPeaks(ds.length, peaks))).toBe(toHex(f.root()));
  return peaks;
}
