// RecentBundles, the recent heights /log answers from memory: a contiguous window bounded by
// heights and bytes, answers cut as /log cuts them, nothing served it does not hold whole.
import { describe, expect, it } from "vitest";
import { RecentBundles } from "../src/api/recent-bundles.js";

const bundle = (height: number, length = 4) => Uint8Array.from({ length }, (_, i) => (height * 16 + i) & 0xff);
const hexOf = (b: Uint8Array) => `"${Buffer.from(b).toString("hex")}"`;

describe("RecentBundles", () => {
  it("holds the newest heights as JSON strings of hex, at most maxHeights", () => {
    const r = new RecentBundles({ maxHeights: 3 });
    for (let h = 1; h <= 5; h++) r.add(BigInt(h), bundle(h));
    expect(r.window).toEqual({ from: 3n, to: 5n });
    expect(r.range(3n, 5n, 1 << 20)).toEqual({ json: [3, 4, 5].map((h) => hexOf(bundle(h))), to: 5n });
    expect(r.range(2n, 5n, 1 << 20)).toBeUndefined(); // 2 is gone
    // 6 is not held yet (applied, still being stored): cut at 5, as the store cuts at its newest row.
    expect(r.range(4n, 6n, 1 << 20)).toEqual({ json: [4, 5].map((h) => hexOf(bundle(h))), to: 5n });
    expect(r.range(6n, 7n, 1 << 20)).toBeUndefined();
    expect(r.range(5n, 4n, 1 << 20)).toBeUndefined();
  });

  it("keeps its bundle bytes within maxBytes, and holds nothing bigger than that", () => {
    const r = new RecentBundles({ maxHeights: 100, maxBytes: 10 });
    for (let h = 1; h <= 4; h++) r.add(BigInt(h), bundle(h, 4));
    expect(r.window).toEqual({ from: 3n, to: 4n }); // 8 bytes; a third would make 12
    r.add(5n, bundle(5, 11));
    expect(r.window).toBeUndefined();
    r.add(6n, bundle(6, 2));
    expect(r.window).toEqual({ from: 6n, to: 6n });
  });

  it("cuts an answer as /log does: the first bundle always, then none past the bytes", () => {
    const r = new RecentBundles();
    for (let h = 1; h <= 4; h++) r.add(BigInt(h), bundle(h, 10));
    expect(r.range(1n, 4n, 25)).toEqual({ json: [1, 2].map((h) => hexOf(bundle(h, 10))), to: 2n });
    expect(r.range(1n, 4n, 5)).toEqual({ json: [hexOf(bundle(1, 10))], to: 1n });
  });

  it("starts again at a height that does not follow its newest (a rebuild), and holds none with maxHeights 0", () => {
    const r = new RecentBundles();
    for (let h = 10; h <= 12; h++) r.add(BigInt(h), bundle(h));
    r.add(1n, bundle(1));
    expect(r.window).toEqual({ from: 1n, to: 1n });
    expect(r.range(10n, 12n, 1 << 20)).toBeUndefined();
    const off = new RecentBundles({ maxHeights: 0 });
    off.add(1n, bundle(1));
    expect(off.window).toBeUndefined();
    expect(off.wouldHold(1n, 1n)).toBe(false);
    expect(new RecentBundles({ maxHeights: 4 }).wouldHold(5n, 10n)).toBe(false);
    expect(new RecentBundles({ maxHeights: 4 }).wouldHold(7n, 10n)).toBe(true);
  });

  it("copies what it holds: a bundle's buffer reused afterwards changes nothing", () => {
    const r = new RecentBundles();
    const b = bundle(1);
    r.add(1n, b);
    b.fill(0);
    expect(r.range(1n, 1n, 1 << 20)?.json).toEqual([hexOf(bundle(1))]);
  });
});
