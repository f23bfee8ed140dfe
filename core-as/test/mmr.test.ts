// MMR: wasm (assembly/commit/mmr.ts via abi/mmr.ts) against the TypeScript verifier
// (src/proof/mmr.ts) and against a reference written here straight from docs/mmr.md with
// node:crypto, which shares no code with either.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  decodeMmrPeaks,
  decodeMmrProof,
  encodeMmrIndices,
  encodeMmrProof,
  mmrPeakHeights,
  mmrRoot,
  mmrRootFromPeaks,
  verifyMmrInclusion,
  verifyMmrMulti,
  verifyMmrRange,
} from "../src/proof/mmr.js";
import type { WasmInstance } from "../src/wasm/instance.js";
import { codeOf } from "./support/errors.js";
import { fuzzRuns } from "./support/fuzz.js";
import { newWasm } from "./support/wasm.js";

// ---- reference, from the definitions ----

const H = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(createHash("sha256").update(Buffer.concat(parts)).digest());
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const le64 = (n: number | bigint): Uint8Array => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};

/** The test items: d_i = sha256(u64le(i)). */
const item = (i: number): Uint8Array => H(le64(i));
const items = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => item(i));

/** Node at `level` with index `a` (leaves a·2^level … (a+1)·2^level − 1), recursively. */
function refNode(ds: Uint8Array[], level: number, a: number): Uint8Array {
  if (level === 0) return H(Uint8Array.of(0), ds[a] as Uint8Array);
  return H(Uint8Array.of(1), refNode(ds, level - 1, 2 * a), refNode(ds, level - 1, 2 * a + 1));
}

/** Mountains [height, first leaf], left to right, from the binary expansion of n. */
function refMountains(n: number): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let h = 31; h >= 0; h--) {
    if (n & (2 ** h)) {
      out.push([h, start]);
      start += 2 ** h;
    }
  }
  return out;
}

function refRoot(ds: Uint8Array[]): Uint8Array {
  const peaks = refMountains(ds.length).map(([h, s]) => refNode(ds, h, s / 2 ** h));
  return H(Uint8Array.of(2), le64(ds.length), ...peaks);
}

/**
 * The proof from its set definition: per mountain, its peak if no proven leaf is in it, else
 * {siblings of proven nodes} \ {proven nodes} below the peak, where the proven nodes are the
 * proven leaves and all their ancestors, ordered by level, then left to right.
 */
function refProof(ds: Uint8Array[], indices: number[]): Uint8Array {
  const digests: Uint8Array[] = [];
  for (const [h, s] of refMountains(ds.length)) {
    const mine = indices.filter((i) => i >= s && i < s + 2 ** h);
    if (mine.length === 0) {
      digests.push(refNode(ds, h, s / 2 ** h));
      continue;
    }
    const proven = new Set<string>();
    for (const i of mine) for (let l = 0; l <= h; l++) proven.add(`${l}:${Math.floor(i / 2 ** l)}`);
    const needed: [number, number][] = [];
    for (const key of proven) {
      const [l, a] = key.split(":").map(Number) as [number, number];
      if (l < h && !proven.has(`${l}:${a ^ 1}`)) needed.push([l, a ^ 1]);
    }
    needed.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    for (const [l, a] of needed) digests.push(refNode(ds, l, a));
  }
  return encodeMmrProof({ leafCount: BigInt(ds.length), digests });
}

// ---- wasm access ----

let w: WasmInstance;
beforeAll(async () => {
  w = await newWasm();
});

const concat = (ds: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(32 * ds.length);
  ds.forEach((d, i) => {
    out.set(d, 32 * i);
  });
  return out;
};
const u64 = (b: Uint8Array): bigint => new DataView(b.buffer, b.byteOffset).getBigUint64(0, true);

/** An Mmr handle holding `ds`, appended in the given batch sizes (the rest in one batch). */
function wasmMmr(ds: Uint8Array[], batches: number[] = []): number {
  const h = w.invoke("mmr_new");
  let at = 0;
  for (const size of [...batches, ds.length]) {
    const part = ds.slice(at, at + size);
    at += part.length;
    expect(u64(w.call("mmr_append", concat(part), h))).toBe(BigInt(at));
    if (at === ds.length) break;
  }
  return h;
}

const prove = (h: number, indices: number[]): Uint8Array => w.call("mmr_prove", encodeMmrIndices(indices), h);

/** A sorted unique subset of 0..n-1 (as a fast-check arbitrary of [n, subset]). */
const mmrWithSubset = (maxN: number) =>
  fc
    .integer({ min: 0, max: maxN })
    .chain((n) =>
      fc.tuple(
        fc.constant(n),
        n === 0
          ? fc.constant<number[]>([])
          : fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: Math.min(n, 40) }).map((a) => a.sort((x, y) => x - y)),
      ),
    );

// Digests of the test items, cached: the properties reuse prefixes of one long list.
const ITEMS = items(1500);

// ---- tests ----

describe("MMR known answers", () => {
  // Roots over d_i = sha256(u64le(i)); also listed in docs/mmr.md for other implementations.
  const ROOTS: Record<number, string> = {
    0: "4322fd2bc0a137d1375b37b3b2e2b4715b3d3dd7ca9682438d4fea0f8437fad3",
    1: "9fb4e4d49abd9fbc9da96e52e341d515e5357df827576ec686be4156841659cf",
    2: "eb5aa0c2ffb36e09403ca1d9487c5ab5555db2cc3f495193b0ad82819eb241bd",
    3: "c7069b6ff1c9eadc080c759a4c3c31d1df09be158108f83e1da37f2722c27cb7",
    4: "1d9c6caa4e99e579ad23c64b795bd90a2a99752a91348ce6bc2dae0f2e76f0c8",
    5: "ec1bbdc8e2b50a08ec8f57408b4a6490d08987790b1c0531ba4095e4740a7bb8",
    7: "4a0921cdd15b62587140e5e66306748617e24079c7ebd7bc4dc9c7e11551347d",
    8: "0afab8ccc5437e08302a8cd848362b7b3084d03d6963aa966ff7cbcd8f11c660",
    1000: "a4b8c0b6a6ced98999df9f98608b6137c9307787586c0b3255c4cfddbdf062a2",
  };

  for (const [count, expected] of Object.entries(ROOTS)) {
    const n = Number(count);
    it(`root of ${n} items: reference, TS, Mmr, MmrPeaks and mmr_root_of agree`, () => {
      const ds = items(n);
      expect(hex(refRoot(ds))).toBe(expected);
      expect(hex(mmrRoot(ds))).toBe(expected);
      const h = wasmMmr(ds);
      expect(hex(w.call("mmr_root", undefined, h))).toBe(expected);
      expect(u64(w.call("mmr_leaf_count", undefined, h))).toBe(BigInt(n));
      const fromMmr = w.invoke("mmr_peaks_of", undefined, h);
      expect(hex(w.call("mmr_peaks_root", undefined, fromMmr))).toBe(expected);
      const p = w.invoke("mmr_peaks_new");
      w.call("mmr_peaks_append", concat(ds), p);
      expect(hex(w.call("mmr_peaks_root", undefined, p))).toBe(expected);
      expect(hex(w.call("mmr_root_of", concat(ds)))).toBe(expected);
      for (const handle of [fromMmr, p]) w.invoke("mmr_peaks_free", undefined, handle);
      w.invoke("mmr_free", undefined, h);
    });
  }

  it("empty MMR root is sha256(0x02 ‖ 8 zero bytes) and its proof is 00 00", () => {
    const expected = H(Uint8Array.of(2), new Uint8Array(8));
    expect(hex(mmrRoot([]))).toBe(hex(expected));
    const h = w.invoke("mmr_new");
    expect(hex(prove(h, []))).toBe("0000");
    expect(verifyMmrMulti(expected, 0, [], [], Uint8Array.of(0, 0))).toBe(true);
    expect(verifyMmrRange(expected, 0, [], Uint8Array.of(0, 0))).toBe(true);
    w.invoke("mmr_free", undefined, h);
  });

  it("leaf and inner hashes are the prefixed sha256 of the definitions", () => {
    const [d0, d1] = [item(0), item(1)];
    const leaf0 = H(Uint8Array.of(0), d0);
    expect(hex(leaf0)).toBe("aea833068048b82f42271c18e0076a5230cbc7d711c99de16a5917db14a3b044");
    const inner = H(Uint8Array.of(1), leaf0, H(Uint8Array.of(0), d1));
    expect(hex(mmrRoot([d0, d1]))).toBe(hex(H(Uint8Array.of(2), le64(2), inner)));
  });

  it("a pinned multi-proof: 7 items, leaves 2 and 5", () => {
    const ds = items(7);
    const h = wasmMmr(ds);
    const proof = prove(h, [2, 5]);
    // 07 (leafCount) 04 (digests): the 4-mountain's siblings level by level [leaf 3, node(1, 0)],
    // then the 2-mountain's [leaf 4], then the uncovered peak, leaf 6.
    expect(hex(proof)).toBe(hex(refProof(ds, [2, 5])));
    expect(hex(proof)).toBe(
      "0704" +
        "2b13458d2cd97e6ea625f75bb41d4b672a24a2b5805c91b48b97fcfd4da4749f" +
        "eef1b9248be39f5f163068a40bec9d0c11835ec8dd5f59398b95147c22e8f74b" +
        "298fe535266cf8991e3d5172a3ec7128f2d3dd29e3f5a127895df6b104cc2148" +
        "696da1d213f6f9af9a5ea8613b7dc09ab45f7a795c9b9eef7e03e0198b2fae36",
    );
    const node = (l: number, a: number) => hex(refNode(ds, l, a));
    expect(decodeMmrProof(proof)?.digests.map(hex)).toEqual([node(0, 3), node(1, 0), node(0, 4), node(0, 6)]);
    expect(hex(w.call("mmr_prove_range", undefined, h, 2, 6))).toBe(hex(refProof(ds, [2, 3, 4, 5])));
    w.invoke("mmr_free", undefined, h);
  });
});

describe("MMR proofs", () => {
  it("wasm proofs are the reference proofs and verify in TS; all roots agree", () => {
    fc.assert(
      fc.property(mmrWithSubset(1500), fc.array(fc.integer({ min: 0, max: 600 }), { maxLength: 3 }), ([n, indices], batches) => {
        const ds = ITEMS.slice(0, n);
        const h = wasmMmr(ds, batches);
        const root = w.call("mmr_root", undefined, h);
        expect(hex(root)).toBe(hex(mmrRoot(ds)));
        const p = w.invoke("mmr_peaks_of", undefined, h);
        expect(hex(w.call("mmr_peaks_root", undefined, p))).toBe(hex(root));
        expect(hex(w.call("mmr_root_of", concat(ds)))).toBe(hex(root));
        const proof = prove(h, indices);
        expect(hex(proof)).toBe(hex(refProof(ds, indices)));
        const chosen = indices.map((i) => ds[i] as Uint8Array);
        expect(verifyMmrMulti(root, n, indices, chosen, proof)).toBe(true);
        expect(verifyMmrMulti(root, BigInt(n), indices.map(BigInt), chosen, proof)).toBe(true);
        w.invoke("mmr_peaks_free", undefined, p);
        w.invoke("mmr_free", undefined, h);
      }),
      { numRuns: 200 },
    );
  });

  it("every change to the proof, a digest, the root, an index or the leaf count fails", () => {
    fc.assert(
      fc.property(
        mmrWithSubset(1500).filter(([, s]) => s.length > 0),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        ([n, indices], pick, mask) => {
          const ds = ITEMS.slice(0, n);
          const h = wasmMmr(ds);
          const root = w.call("mmr_root", undefined, h);
          const proof = prove(h, indices);
          w.invoke("mmr_free", undefined, h);
          const chosen = indices.map((i) => ds[i] as Uint8Array);
          const verify = (r = root, c: number | bigint = n, idx = indices, d = chosen, p = proof) => verifyMmrMulti(r, c, idx, d, p);
          expect(verify()).toBe(true);

          const flip = (b: Uint8Array, at: number) => {
            const c = b.slice();
            c[at % c.length] = (c[at % c.length] as number) ^ mask;
            return c;
          };
          expect(verify(root, n, indices, chosen, flip(proof, pick))).toBe(false);
          expect(verify(flip(root, pick))).toBe(false);
          const k = pick % chosen.length;
          expect(
            verify(
              root,
              n,
              indices,
              chosen.map((d, i) => (i === k ? flip(d, pick >> 8) : d)),
            ),
          ).toBe(false);
          // Another index in place of one of them (kept sorted and unique), or one dropped.
          const other = indices.map((i, j) => (j === k ? (i + 1 + (pick % Math.max(1, n - 1))) % n : i));
          const sortedOther = [...other].sort((a, b) => a - b);
          if (n > 1 && new Set(other).size === other.length)
            expect(
              verify(
                root,
                n,
                sortedOther,
                sortedOther.map((i) => chosen[other.indexOf(i)] as Uint8Array),
              ),
            ).toBe(false);
          expect(
            verify(
              root,
              n,
              indices.filter((_, j) => j !== k),
              chosen.filter((_, j) => j !== k),
            ),
          ).toBe(false);
          expect(verify(root, n + 1)).toBe(false);
          if (n > 1) expect(verify(root, n - 1)).toBe(false);
          // Truncated, extended, one more digest.
          expect(verify(root, n, indices, chosen, proof.subarray(0, pick % proof.length))).toBe(false);
          expect(verify(root, n, indices, chosen, Uint8Array.of(...proof, mask))).toBe(false);
          const p = decodeMmrProof(proof);
          expect(p).not.toBeNull();
          if (p)
            expect(verify(root, n, indices, chosen, encodeMmrProof({ leafCount: p.leafCount, digests: [...p.digests, root] }))).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("flipping any single bit of a proof fails", () => {
    const ds = items(11);
    const h = wasmMmr(ds);
    const root = w.call("mmr_root", undefined, h);
    const indices = [2, 7, 10];
    const proof = prove(h, indices);
    w.invoke("mmr_free", undefined, h);
    const chosen = indices.map((i) => ds[i] as Uint8Array);
    expect(verifyMmrMulti(root, 11, indices, chosen, proof)).toBe(true);
    for (let at = 0; at < proof.length; at++) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = proof.slice();
        bad[at] = (bad[at] as number) ^ (1 << bit);
        expect(verifyMmrMulti(root, 11, indices, chosen, bad)).toBe(false);
      }
    }
  });

  it("range proofs verify from the start index alone and fail for any other start", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1500 }), fc.nat(), fc.nat(), (n, a, b) => {
        const ds = ITEMS.slice(0, n);
        const start = a % n;
        const end = start + 1 + (b % (b % 2 === 0 ? n - start : Math.min(n - start, 64)));
        const h = wasmMmr(ds);
        const root = w.call("mmr_root", undefined, h);
        const proof = w.call("mmr_prove_range", undefined, h, start, end);
        const indices = Array.from({ length: end - start }, (_, i) => start + i);
        expect(hex(proof)).toBe(hex(prove(h, indices)));
        w.invoke("mmr_free", undefined, h);
        const range = ds.slice(start, end);
        expect(verifyMmrRange(root, start, range, proof)).toBe(true);
        expect(verifyMmrRange(root, BigInt(start), range, proof)).toBe(true);
        expect(verifyMmrRange(root, start + 1, range, proof)).toBe(false);
        if (start > 0) expect(verifyMmrRange(root, start - 1, range, proof)).toBe(false);
        expect(verifyMmrRange(root, start, range.slice(1), proof)).toBe(false);
        expect(verifyMmrRange(root, start, [...range].reverse(), proof)).toBe(range.length === 1);
      }),
      { numRuns: 200 },
    );
  });

  it("single-leaf inclusion for every leaf of small MMRs", () => {
    for (let n = 1; n <= 33; n++) {
      const ds = items(n);
      const h = wasmMmr(ds);
      const root = w.call("mmr_root", undefined, h);
      for (let i = 0; i < n; i++) {
        const proof = prove(h, [i]);
        // One sibling per level of its mountain, plus every other peak.
        const height = refMountains(n).find(([ht, s]) => i >= s && i < s + 2 ** ht)?.[0] ?? -1;
        expect(decodeMmrProof(proof)?.digests.length).toBe(height + mmrPeakHeights(n).length - 1);
        expect(verifyMmrInclusion(root, n, i, ds[i] as Uint8Array, proof)).toBe(true);
        expect(verifyMmrInclusion(root, n, (i + 1) % n, ds[i] as Uint8Array, proof)).toBe(n === 1);
      }
      w.invoke("mmr_free", undefined, h);
    }
  });

  it("the TS verifier returns false, never throws, on hostile input", () => {
    const ds = items(10);
    const root = mmrRoot(ds);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { maxLength: 4 }), (bytes, idx) => {
        const sorted = idx.sort((a, b) => a - b);
        const chosen = sorted.map((i) => ds[i % 10] as Uint8Array);
        expect(verifyMmrMulti(root, 10, sorted, chosen, bytes)).toBe(false);
        expect(verifyMmrRange(root, sorted[0] ?? 0, chosen, bytes)).toBe(false);
      }),
      { numRuns: fuzzRuns(300) },
    );
    const good = refProof(ds, [3]);
    const d3 = ds[3] as Uint8Array;
    expect(verifyMmrInclusion(root, 10, 3, d3, good)).toBe(true);
    const bad: unknown[][] = [
      [root.subarray(1), 10, [3], [d3], good],
      [root, 10, [3], [d3.subarray(1)], good],
      [root, 10, [3], [d3, d3], good],
      [root, 10, [3, 3], [d3, d3], good],
      [root, 10, [-1], [d3], good],
      [root, 10, [3.5], [d3], good],
      [root, 10, [3], [d3], null],
      [root, -1, [3], [d3], good],
      [root, 2 ** 60, [3], [d3], good],
      ["root", 10, [3], [d3], good],
      [root, 10, "3", [d3], good],
      [root, 10, [3], ["d3"], good],
    ];
    for (const args of bad) expect((verifyMmrMulti as (...a: unknown[]) => boolean)(...args)).toBe(false);
    expect((verifyMmrRange as (...a: unknown[]) => boolean)(root, "x", [d3], good)).toBe(false);
    expect((verifyMmrRange as (...a: unknown[]) => boolean)(root, 3, null, good)).toBe(false);
    // Non-minimal varints and counts beyond 2^53 are refused.
    expect(verifyMmrInclusion(root, 10, 3, d3, Uint8Array.of(0x8a, 0x00, ...good.subarray(1)))).toBe(false);
    const huge = encodeMmrProof({ leafCount: 2n ** 60n, digests: decodeMmrProof(good)?.digests ?? [] });
    expect(verifyMmrRange(root, 3, [d3], huge)).toBe(false);
    expect(decodeMmrProof(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02, 0))).toBeNull();
  });
});

describe("MmrPeaks", () => {
  it("encode/decode round-trips; the encoding is the proof of no leaves", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1500 }), fc.integer({ min: 0, max: 40 }), (n, more) => {
        const ds = ITEMS.slice(0, n);
        const h = wasmMmr(ds);
        const p = w.invoke("mmr_peaks_of", undefined, h);
        const enc = w.call("mmr_peaks_encode", undefined, p);
        expect(hex(enc)).toBe(hex(prove(h, [])));
        const decoded = decodeMmrPeaks(enc);
        expect(decoded?.leafCount).toBe(BigInt(n));
        expect(hex(mmrRootFromPeaks(n, decoded?.peaks ?? []))).toBe(hex(mmrRoot(ds)));
        const q = w.invoke("mmr_peaks_decode", enc);
        expect(hex(w.call("mmr_peaks_encode", undefined, q))).toBe(hex(enc));
        // A decoded (or cloned) MmrPeaks keeps growing like the full form, independently.
        const c = w.invoke("mmr_peaks_clone", undefined, q);
        const extra = ITEMS.slice(n, n + more);
        w.call("mmr_peaks_append", concat(extra), q);
        w.call("mmr_append", concat(extra), h);
        expect(hex(w.call("mmr_peaks_root", undefined, q))).toBe(hex(w.call("mmr_root", undefined, h)));
        expect(hex(w.call("mmr_peaks_encode", undefined, c))).toBe(hex(enc));
        for (const x of [p, q, c]) w.invoke("mmr_peaks_free", undefined, x);
        w.invoke("mmr_free", undefined, h);
      }),
      { numRuns: 100 },
    );
  });

  it("refuses non-canonical encodings with the reader's error", () => {
    const p = w.invoke("mmr_peaks_new");
    w.call("mmr_peaks_append", concat(items(5)), p);
    const enc = w.call("mmr_peaks_encode", undefined, p); // 05 02 ‖ 2 peaks
    w.invoke("mmr_peaks_free", undefined, p);
    expect(hex(enc.subarray(0, 2))).toBe("0502");
    const decode = (b: Uint8Array) => codeOf(() => w.invoke("mmr_peaks_decode", b));
    const peaks = enc.subarray(2);
    expect(decode(Uint8Array.of(5, 3, ...peaks, ...peaks.subarray(0, 32)))).toBe(108); // INVALID_VALUE
    expect(decode(Uint8Array.of(5, 1, ...peaks.subarray(0, 32)))).toBe(108);
    expect(decode(Uint8Array.of(4, 2, ...peaks))).toBe(108);
    expect(decode(Uint8Array.of(0x85, 0x00, 2, ...peaks))).toBe(102); // NON_CANONICAL_INT
    expect(decode(enc.subarray(0, enc.length - 1))).toBe(100); // TRUNCATED
    expect(decode(Uint8Array.of(...enc, 0))).toBe(101); // TRAILING_BYTES
    expect(decode(new Uint8Array(0))).toBe(100);
    expect(decodeMmrPeaks(Uint8Array.of(5, 1, ...peaks.subarray(0, 32)))).toBeNull();
    expect(decodeMmrPeaks(Uint8Array.of(...enc, 0))).toBeNull();
  });

  it("stops at the u64 leaf count instead of wrapping", () => {
    // 2^64 − 1 leaves: 64 peaks, the widest root message.
    const peaks = Array.from({ length: 64 }, (_, i) => item(1000 + i));
    const enc = encodeMmrProof({ leafCount: 2n ** 64n - 1n, digests: peaks });
    const p = w.invoke("mmr_peaks_decode", enc);
    expect(hex(w.call("mmr_peaks_root", undefined, p))).toBe(hex(mmrRootFromPeaks(2n ** 64n - 1n, peaks)));
    expect(hex(w.call("mmr_peaks_root", undefined, p))).toBe(hex(H(Uint8Array.of(2), le64(2n ** 64n - 1n), ...peaks)));
    expect(codeOf(() => w.invoke("mmr_peaks_append", item(0), p))).toBe(109); // TOO_MANY_ITEMS
    expect(hex(w.call("mmr_peaks_encode", undefined, p))).toBe(hex(enc));
    w.invoke("mmr_peaks_free", undefined, p);
  });
});

describe("MMR ABI errors", () => {
  it("bad handles give BAD_ARGUMENTS, never a trap", () => {
    const h = w.invoke("mmr_new");
    w.invoke("mmr_free", undefined, h);
    const p = w.invoke("mmr_peaks_new");
    w.invoke("mmr_peaks_free", undefined, p);
    for (const bad of [0, -1, h, 9999, 2 ** 31]) {
      expect(codeOf(() => w.invoke("mmr_free", undefined, bad))).toBe(900);
      expect(codeOf(() => w.invoke("mmr_append", item(0), bad))).toBe(900);
      expect(codeOf(() => w.invoke("mmr_root", undefined, bad))).toBe(900);
      expect(codeOf(() => w.invoke("mmr_leaf_count", undefined, bad))).toBe(900);
      expect(codeOf(() => w.invoke("mmr_prove", encodeMmrIndices([]), bad))).toBe(900);
      expect(codeOf(() => w.invoke("mmr_prove_range", undefined, bad, 0, 0))).toBe(900);
      expect(codeOf(() => w.invoke("mmr_peaks_of", undefined, bad))).toBe(900);
    }
    for (const bad of [0, -1, p, 9999]) {
      expect(codeOf(() => w.invoke("mmr_peaks_free", undefined, bad))).toBe(900);
      expect(codeOf(() => w.invoke("mmr_peaks_append", item(0), bad))).toBe(900);
      expect(codeOf(() => w.invoke("mmr_peaks_root", undefined, bad))).toBe(900);
      expect(codeOf(() => w.invoke("mmr_peaks_encode", undefined, bad))).toBe(900);
      expect(codeOf(() => w.invoke("mmr_peaks_clone", undefined, bad))).toBe(900);
    }
  });

  it("bad inputs give error codes and change nothing", () => {
    const ds = items(20);
    const h = wasmMmr(ds);
    const root = hex(w.call("mmr_root", undefined, h));
    const code = (indices: Uint8Array) => codeOf(() => w.invoke("mmr_prove", indices, h));
    expect(code(encodeMmrIndices([3, 2]))).toBe(900); // unsorted
    expect(code(encodeMmrIndices([2, 2]))).toBe(900); // repeated
    expect(code(encodeMmrIndices([20]))).toBe(900); // out of range
    expect(code(encodeMmrIndices([2 ** 64 - 1].map(() => 2n ** 64n - 1n)))).toBe(900);
    expect(code(Uint8Array.of(3, 1, 2))).toBe(100); // fewer indices than announced
    expect(code(Uint8Array.of(0xff, 0xff, 0xff, 0x0f, 1))).toBe(100); // a count no input can hold
    expect(code(Uint8Array.of(1, 1, 7))).toBe(101); // trailing bytes
    expect(code(Uint8Array.of(1, 0x81, 0x00))).toBe(102); // non-minimal varint
    expect(code(new Uint8Array(0))).toBe(100);
    expect(codeOf(() => w.invoke("mmr_prove_range", undefined, h, 5, 4))).toBe(900);
    expect(codeOf(() => w.invoke("mmr_prove_range", undefined, h, 0, 21))).toBe(900);
    expect(codeOf(() => w.invoke("mmr_prove_range", undefined, h, -1, 3))).toBe(900);
    expect(codeOf(() => w.invoke("mmr_append", new Uint8Array(33), h))).toBe(900);
    expect(codeOf(() => w.invoke("mmr_root_of", new Uint8Array(31)))).toBe(900);
    expect(codeOf(() => w.invoke("mmr_peaks_append", new Uint8Array(1), w.invoke("mmr_peaks_new")))).toBe(900);
    expect(hex(w.call("mmr_root", undefined, h))).toBe(root);
    expect(hex(w.call("mmr_prove_range", undefined, h, 20, 20))).toBe(hex(prove(h, [])));
    w.invoke("mmr_free", undefined, h);
  });

  it("freed handles are reused and start empty", () => {
    const a = w.invoke("mmr_new");
    w.call("mmr_append", concat(items(3)), a);
    w.invoke("mmr_free", undefined, a);
    const b = w.invoke("mmr_new");
    expect(b).toBe(a);
    expect(hex(w.call("mmr_root", undefined, b))).toBe(hex(mmrRoot([])));
    w.invoke("mmr_free", undefined, b);
  });
});
