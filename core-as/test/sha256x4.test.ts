// 4-lane SHA-256 (assembly/crypto/sha256x4.ts through the test exports of abi/hash4.ts) against
// node:crypto, which shares no code with it. Batches of every size 0..13 cover each remainder
// (n % 4 goes to the scalar code) and lengths around every padding boundary; scattered-pointer
// exports are fed unaligned, shuffled and aliasing offsets.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { WasmInstance } from "../src/wasm/instance.js";
import { codeOf } from "./support/errors.js";
import { newWasm } from "./support/wasm.js";

const sha = (...parts: Uint8Array[]): Buffer => createHash("sha256").update(Buffer.concat(parts)).digest();
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** Deterministic pseudo-random bytes (sha256 in counter mode), so a failure replays. */
function bytes(len: number, seed: string): Buffer {
  const out = Buffer.alloc(len);
  for (let i = 0, ctr = 0; i < len; i += 32, ctr++) sha(Buffer.from(`${seed}/${ctr}`)).copy(out, i);
  return out;
}

const slices = (b: Uint8Array, size: number, n: number): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => b.subarray(i * size, (i + 1) * size));

const refNodes = (prefix: number, pairs: Uint8Array, n: number): Buffer =>
  Buffer.concat(slices(pairs, 64, n).map((p) => sha(Uint8Array.of(prefix), p)));
const refPrefixed = (prefix: number, items: Uint8Array, n: number): Buffer =>
  Buffer.concat(slices(items, 32, n).map((p) => sha(Uint8Array.of(prefix), p)));
const refMany = (msgs: Uint8Array, len: number, n: number): Buffer => Buffer.concat(slices(msgs, len, n).map((m) => sha(m)));

const u32le = (xs: number[]): Buffer => {
  const b = Buffer.alloc(4 * xs.length);
  for (const [i, x] of xs.entries()) b.writeUInt32LE(x, 4 * i);
  return b;
};

const LENGTHS = [0, 1, 31, 32, 33, 55, 56, 63, 64, 65, 100, 119, 120, 128, 1000];
const SIZES = Array.from({ length: 14 }, (_, n) => n);

let wasm: WasmInstance;
beforeAll(async () => {
  wasm = await newWasm();
});

describe("known answers (FIPS 180-4 examples)", () => {
  const ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  const MSG448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  const D448 = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";

  it("'abc' in every lane and in the scalar remainder", () => {
    for (const n of [1, 4, 5, 8]) {
      const out = wasm.call("hash4_sha256_many", Buffer.from("abc".repeat(n)), 3, n);
      expect(slices(out, 32, n).map(hex)).toEqual(Array(n).fill(ABC));
    }
  });

  it("'abc' in one lane among other messages", () => {
    for (let k = 0; k < 4; k++) {
      const msgs = ["xyz", "xyz", "xyz", "xyz"];
      msgs[k] = "abc";
      const out = wasm.call("hash4_sha256_many", Buffer.from(msgs.join("")), 3, 4);
      expect(hex(out.subarray(32 * k, 32 * k + 32))).toBe(ABC);
      expect(hex(out)).toBe(hex(refMany(Buffer.from(msgs.join("")), 3, 4)));
    }
  });

  it("the 448-bit message (two blocks: its padding does not fit the first)", () => {
    const out = wasm.call("hash4_sha256_many", Buffer.from(MSG448.repeat(4)), 56, 4);
    expect(slices(out, 32, 4).map(hex)).toEqual(Array(4).fill(D448));
  });
});

describe("batches equal node:crypto for n = 0..13", () => {
  it("hash4_node_many: sha256(prefix ‖ a ‖ b)", () => {
    for (const prefix of [0x00, 0x01, 0xff]) {
      for (const n of SIZES) {
        const pairs = bytes(64 * n, `node/${prefix}/${n}`);
        expect(hex(wasm.call("hash4_node_many", pairs, prefix)), `prefix ${prefix} n ${n}`).toBe(hex(refNodes(prefix, pairs, n)));
      }
    }
  });

  it("hash4_node_many: every value of b[31] (the tabled second block)", () => {
    for (const prefix of [0x00, 0x01]) {
      const pairs = bytes(64 * 256, `tail/${prefix}`);
      for (let v = 0; v < 256; v++) pairs[64 * v + 63] = v;
      expect(hex(wasm.call("hash4_node_many", pairs, prefix))).toBe(hex(refNodes(prefix, pairs, 256)));
    }
  });

  it("hash4_prefixed33_many: sha256(prefix ‖ item)", () => {
    for (const prefix of [0x00, 0x01, 0x80]) {
      for (const n of SIZES) {
        const items = bytes(32 * n, `leaf/${prefix}/${n}`);
        expect(hex(wasm.call("hash4_prefixed33_many", items, prefix)), `prefix ${prefix} n ${n}`).toBe(hex(refPrefixed(prefix, items, n)));
      }
    }
  });

  it("hash4_sha256_many: equal-length messages around every padding boundary", () => {
    for (const len of LENGTHS) {
      for (const n of SIZES) {
        const msgs = bytes(len * n, `many/${len}/${n}`);
        expect(hex(wasm.call("hash4_sha256_many", msgs, len, n)), `len ${len} n ${n}`).toBe(hex(refMany(msgs, len, n)));
      }
    }
  });

  it("in place: out = input (a tree level reduced over itself)", () => {
    for (const n of SIZES) {
      const pairs = bytes(64 * n, `inplace/${n}`);
      expect(hex(wasm.call("hash4_node_many_in_place", pairs, 1)), `n ${n}`).toBe(hex(refNodes(1, pairs, n)));
      const items = bytes(32 * n, `inplace33/${n}`);
      expect(hex(wasm.call("hash4_prefixed33_many_in_place", items, 0)), `n ${n}`).toBe(hex(refPrefixed(0, items, n)));
    }
  });

  it("random batches (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 300 }),
        fc.nat(),
        (prefix, n, len, seed) => {
          const pairs = bytes(64 * n, `fc/node/${seed}`);
          expect(hex(wasm.call("hash4_node_many", pairs, prefix))).toBe(hex(refNodes(prefix, pairs, n)));
          const items = bytes(32 * n, `fc/leaf/${seed}`);
          expect(hex(wasm.call("hash4_prefixed33_many", items, prefix))).toBe(hex(refPrefixed(prefix, items, n)));
          const msgs = bytes(len * n, `fc/many/${seed}`);
          expect(hex(wasm.call("hash4_sha256_many", msgs, len, n))).toBe(hex(refMany(msgs, len, n)));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("scattered pointers", () => {
  const DATA = 600;

  /** Four disjoint 32-byte output ranges at random gaps, listed in a random order. */
  const outputs = fc
    .tuple(
      fc.array(fc.integer({ min: 0, max: 80 }), { minLength: 4, maxLength: 4 }),
      fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }),
    )
    .map(([gaps, order]) => {
      const starts: number[] = [];
      let at = 0;
      for (const g of gaps) {
        at += g;
        starts.push(at);
        at += 32;
      }
      return order.map((i) => starts[i] as number);
    });
  const offset = fc.integer({ min: 0, max: DATA - 32 });

  it("hash4_node4 equals four node hashes, at any (unaligned, aliasing) offsets", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.array(offset, { minLength: 8, maxLength: 8 }),
        outputs,
        fc.nat(),
        (prefix, ins, outs, seed) => {
          const data = bytes(DATA, `node4/${seed}`);
          const got = wasm.call("hash4_node4", Buffer.concat([u32le([...ins, ...outs]), data]), prefix);
          const at = (o: number): Uint8Array => data.subarray(o, o + 32);
          const want = [0, 1, 2, 3].map((k) => sha(Uint8Array.of(prefix), at(ins[2 * k] as number), at(ins[2 * k + 1] as number)));
          expect(hex(got)).toBe(hex(Buffer.concat(want)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("hash4_node4 with each output over its own left or right input (in-place tree update)", () => {
    const data = bytes(DATA, "node4/alias");
    const ins = [0, 32, 100, 164, 250, 301, 400, 433];
    for (const outs of [
      [0, 100, 250, 400],
      [32, 164, 301, 433],
    ]) {
      const got = wasm.call("hash4_node4", Buffer.concat([u32le([...ins, ...outs]), data]), 1);
      const at = (o: number): Uint8Array => data.subarray(o, o + 32);
      const want = [0, 1, 2, 3].map((k) => sha(Uint8Array.of(1), at(ins[2 * k] as number), at(ins[2 * k + 1] as number)));
      expect(hex(got)).toBe(hex(Buffer.concat(want)));
    }
  });

  it("hash4_prefixed33x4 equals four prefixed hashes, at any offsets", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.array(offset, { minLength: 4, maxLength: 4 }),
        outputs,
        fc.nat(),
        (prefix, ins, outs, seed) => {
          const data = bytes(DATA, `p33x4/${seed}`);
          const got = wasm.call("hash4_prefixed33x4", Buffer.concat([u32le([...ins, ...outs]), data]), prefix);
          const want = ins.map((o) => sha(Uint8Array.of(prefix), data.subarray(o, o + 32)));
          expect(hex(got)).toBe(hex(Buffer.concat(want)));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("bad arguments are refused, never trapped on", () => {
  const BAD = 900;

  it("shapes, prefixes and counts", () => {
    expect(codeOf(() => wasm.call("hash4_node_many", Buffer.alloc(65), 1))).toBe(BAD);
    expect(codeOf(() => wasm.call("hash4_node_many", Buffer.alloc(64), 256))).toBe(BAD);
    expect(codeOf(() => wasm.call("hash4_node_many_repeat", Buffer.alloc(64), 1, 0))).toBe(BAD);
    expect(codeOf(() => wasm.call("hash4_node_many_in_place", Buffer.alloc(63), 1))).toBe(BAD);
    expect(codeOf(() => wasm.call("hash4_prefixed33_many", Buffer.alloc(33), 0))).toBe(BAD);
    expect(codeOf(() => wasm.call("hash4_prefixed33_many_in_place", Buffer.alloc(32), 300))).toBe(BAD);
    expect(codeOf(() => wasm.call("hash4_sha256_many", Buffer.alloc(10), 3, 3))).toBe(BAD);
    expect(codeOf(() => wasm.call("hash4_sha256_many", Buffer.alloc(0), 0x10000, 0x10000))).toBe(BAD);
    expect(codeOf(() => wasm.call("hash4_sha256_many", Buffer.alloc(0), 0, 0x8000000))).toBe(BAD);
  });

  it("a length beyond the input buffer", () => {
    const f = wasm.fn("hash4_node_many");
    wasm.exports.io_input(64);
    expect(f(1 << 20, 1)).toBe(-BAD);
  });

  it("scattered offsets out of range or a short header", () => {
    const data = Buffer.alloc(100);
    const ok = [0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 64, 68];
    expect(wasm.call("hash4_node4", Buffer.concat([u32le(ok), data]), 1).length).toBe(128);
    for (let i = 0; i < 12; i++) {
      const bad = [...ok];
      bad[i] = 69;
      expect(codeOf(() => wasm.call("hash4_node4", Buffer.concat([u32le(bad), data]), 1))).toBe(BAD);
      bad[i] = 0xffffffff;
      expect(codeOf(() => wasm.call("hash4_node4", Buffer.concat([u32le(bad), data]), 1))).toBe(BAD);
    }
    expect(codeOf(() => wasm.call("hash4_node4", Buffer.alloc(47), 1))).toBe(BAD);
    expect(codeOf(() => wasm.call("hash4_node4", Buffer.alloc(48 + 31), 1))).toBe(BAD);
    expect(codeOf(() => wasm.call("hash4_prefixed33x4", Buffer.concat([u32le([0, 0, 0, 69, 0, 0, 0, 0]), data]), 1))).toBe(BAD);
    expect(codeOf(() => wasm.call("hash4_prefixed33x4", Buffer.alloc(31), 1))).toBe(BAD);
  });
});

describe("repeat exports give the same digests as one pass", () => {
  it("simd and scalar baselines agree", () => {
    const pairs = bytes(64 * 9, "rep/node");
    const want = hex(refNodes(1, pairs, 9));
    expect(hex(wasm.call("hash4_node_many_repeat", pairs, 1, 3))).toBe(want);
    expect(hex(wasm.call("hash4_node_scalar_repeat", pairs, 1, 3))).toBe(want);
    const items = bytes(32 * 7, "rep/leaf");
    expect(hex(wasm.call("hash4_prefixed33_many_repeat", items, 0, 2))).toBe(hex(refPrefixed(0, items, 7)));
    expect(hex(wasm.call("hash4_prefixed33_scalar_repeat", items, 0, 2))).toBe(hex(refPrefixed(0, items, 7)));
    const msgs = bytes(100 * 6, "rep/many");
    expect(hex(wasm.call("hash4_sha256_many_repeat", msgs, 100, 6, 2))).toBe(hex(refMany(msgs, 100, 6)));
    expect(hex(wasm.call("hash4_sha256_scalar_repeat", msgs, 100, 6, 2))).toBe(hex(refMany(msgs, 100, 6)));
  });
});
