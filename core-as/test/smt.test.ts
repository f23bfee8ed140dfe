// The state tree (assembly/commit/smt.ts through abi/smt.ts) against its definition
// (docs/state-tree.md), the TypeScript reference root and the TypeScript proof verifier.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { concatBytes, equalBytes, sha256, toHex } from "../src/crypto/sha256.js";
import { CoreError } from "../src/errors.js";
import {
  decodeStateProof,
  EMPTY_ROOT,
  leafHash,
  type StateEntry,
  stateRootFromProof,
  stateRootOf,
  verifyStateProof,
  verifyStateProofHashed,
} from "../src/proof/state.js";
import type { WasmInstance } from "../src/wasm/instance.js";
import { fuzzRuns } from "./support/fuzz.js";
import { newWasm } from "./support/wasm.js";

const E_BAD_ARGUMENTS = 900;
const E_NOT_FOUND = 901;

/** One tree inside the wasm, through its handle. */
class Tree {
  private constructor(
    readonly w: WasmInstance,
    readonly handle: number,
  ) {}

  static create(w: WasmInstance): Tree {
    return new Tree(w, w.invoke("smt_new"));
  }

  set(entries: readonly StateEntry[]): void {
    const input = new Uint8Array(64 * entries.length);
    entries.forEach((e, i) => {
      input.set(e.keyHash, 64 * i);
      input.set(e.valueHash, 64 * i + 32);
    });
    this.w.invoke("smt_set", input, this.handle);
  }

  remove(keyHashes: readonly Uint8Array[]): boolean[] {
    return [...this.w.call("smt_remove", concatBytes(...keyHashes), this.handle)].map((b) => b === 1);
  }

  root(): Uint8Array {
    return this.w.call("smt_root", undefined, this.handle);
  }

  prove(keyHash: Uint8Array): Uint8Array {
    return this.w.call("smt_prove", keyHash, this.handle);
  }

  proveMany(keyHashes: readonly Uint8Array[]): Uint8Array[] {
    return splitVarintPrefixed(this.w.call("smt_prove_many", concatBytes(...keyHashes), this.handle));
  }

  stats(): { size: number; internal: number; hashes: bigint } {
    const b = this.w.call("smt_stats", undefined, this.handle);
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return { size: v.getUint32(0, true), internal: v.getUint32(4, true), hashes: v.getBigUint64(8, true) };
  }

  free(): void {
    this.w.invoke("smt_free", undefined, this.handle);
  }
}

function splitVarintPrefixed(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  while (o < bytes.length) {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[o++] as number;
      n |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    out.push(bytes.slice(o, o + n));
    o += n;
  }
  return out;
}

function expectCode(f: () => unknown, code: number): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CoreError);
    expect((e as CoreError).code).toBe(code);
    return;
  }
  throw new Error(`expected error ${code}`);
}

function bytes32(fill: (i: number) => number): Uint8Array {
  return Uint8Array.from({ length: 32 }, (_, i) => fill(i) & 0xff);
}

/** n deterministic pseudo-random entries. */
function randomEntries(n: number, seed: string): StateEntry[] {
  const tag = new TextEncoder().encode(seed);
  const out: StateEntry[] = [];
  for (let i = 0; i < n; i++) {
    const c = new Uint8Array(4);
    new DataView(c.buffer).setUint32(0, i);
    out.push({ keyHash: sha256(tag, c, Uint8Array.of(0)), valueHash: sha256(tag, c, Uint8Array.of(1)) });
  }
  return out;
}

// Keys that share long prefixes, so the tree gets long empty-sided stretches, splits at the last
// bit, and absence proofs that end below a shared prefix.
const BASE = sha256(new TextEncoder().encode("nullspace smt test prefix"));

function withSharedPrefix(rand: Uint8Array, bits: number): Uint8Array {
  const k = rand.slice();
  const full = bits >> 3;
  k.set(BASE.subarray(0, full));
  if (full < 32 && (bits & 7) !== 0) {
    const mask = 0xff << (8 - (bits & 7));
    k[full] = ((BASE[full] as number) & mask) | ((k[full] as number) & ~mask & 0xff);
  }
  return k;
}

const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const keyHashArb = fc
  .tuple(hash32, fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 256 }), fc.constantFrom(80, 81, 200, 254, 255, 256)))
  .map(([rand, bits]) => withSharedPrefix(rand, bits));
const entryArb = fc.record({ keyHash: keyHashArb, valueHash: hash32 });
const entriesArb = (maxLength: number) => fc.uniqueArray(entryArb, { selector: (e) => toHex(e.keyHash), maxLength });

type Op =
  | { op: "set"; keyHash: Uint8Array; valueHash: Uint8Array }
  | { op: "update"; pick: number; valueHash: Uint8Array }
  | { op: "remove"; pick: number }
  | { op: "removeAbsent"; keyHash: Uint8Array }
  | { op: "root" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("set" as const), keyHash: keyHashArb, valueHash: hash32 }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("update" as const), pick: fc.nat(), valueHash: hash32 }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("remove" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("removeAbsent" as const), keyHash: keyHashArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("root" as const) }) },
);

/** The model: key hash hex -> entry. */
type Model = Map<string, StateEntry>;

function modelRoot(m: Model): Uint8Array {
  return stateRootOf([...m.values()]);
}

function flipByte(b: Uint8Array, index: number, xor: number): Uint8Array {
  const c = b.slice();
  const i = index % c.length;
  c[i] = (c[i] as number) ^ xor;
  return c;
}

let w: WasmInstance;

beforeAll(async () => {
  w = await newWasm();
});

describe("state tree: known answers", () => {
  it("the empty tree has the zero root and an empty absence proof", () => {
    const t = Tree.create(w);
    expect(t.root()).toEqual(new Uint8Array(32));
    expect(stateRootOf([])).toEqual(new Uint8Array(32));
    const k = sha256(new TextEncoder().encode("anyone"));
    const proof = t.prove(k);
    expect([...proof]).toEqual([1, 0, 0]);
    expect(verifyStateProofHashed({ root: EMPTY_ROOT, keyHash: k, valueHash: null, proof })).toBe(true);
    t.free();
  });

  it("one leaf: the root is sha256(0x00 ‖ keyHash ‖ valueHash), whatever the key", () => {
    const t = Tree.create(w);
    const keyHash = sha256(new TextEncoder().encode("alice"));
    const valueHash = sha256(new TextEncoder().encode("100"));
    t.set([{ keyHash, valueHash }]);
    const expected = sha256(concatBytes(Uint8Array.of(0), keyHash, valueHash));
    expect(t.root()).toEqual(expected);
    expect(stateRootOf([{ keyHash, valueHash }])).toEqual(expected);
    const proof = t.prove(keyHash);
    expect([...proof]).toEqual([0, 0, 0]);
    expect(verifyStateProofHashed({ root: expected, keyHash, valueHash, proof })).toBe(true);
    t.free();
  });

  it("two leaves split at bit 0 hash as sha256(0x01 ‖ left leaf ‖ right leaf)", () => {
    const a = { keyHash: bytes32((i) => (i === 0 ? 0x00 : 7 * i)), valueHash: bytes32((i) => i) };
    const b = { keyHash: bytes32((i) => (i === 0 ? 0x80 : 5 * i)), valueHash: bytes32((i) => 2 * i) };
    const la = sha256(concatBytes(Uint8Array.of(0), a.keyHash, a.valueHash));
    const lb = sha256(concatBytes(Uint8Array.of(0), b.keyHash, b.valueHash));
    const expected = sha256(concatBytes(Uint8Array.of(1), la, lb));
    const t = Tree.create(w);
    t.set([b, a]);
    expect(t.root()).toEqual(expected);
    expect(stateRootOf([a, b])).toEqual(expected);
    t.free();
  });

  it("two leaves split at bit 2 are lifted through two empty-sided levels", () => {
    // 0x00… and 0x20… agree on bits 0 and 1 (both 0), differ at bit 2.
    const a = { keyHash: bytes32((i) => (i === 0 ? 0x00 : 3 * i)), valueHash: bytes32(() => 1) };
    const b = { keyHash: bytes32((i) => (i === 0 ? 0x20 : 3 * i)), valueHash: bytes32(() => 2) };
    const z = new Uint8Array(32);
    const one = Uint8Array.of(1);
    const la = sha256(concatBytes(Uint8Array.of(0), a.keyHash, a.valueHash));
    const lb = sha256(concatBytes(Uint8Array.of(0), b.keyHash, b.valueHash));
    const at2 = sha256(concatBytes(one, la, lb));
    const at1 = sha256(concatBytes(one, at2, z)); // bit 1 is 0: the pair is on the left
    const at0 = sha256(concatBytes(one, at1, z)); // bit 0 is 0: left again
    const t = Tree.create(w);
    t.set([a, b]);
    expect(t.root()).toEqual(at0);
    expect(stateRootOf([a, b])).toEqual(at0);
    // Inclusion of a: siblings at levels 0, 1 empty, at 2 the leaf b; depth 3.
    const proof = t.prove(a.keyHash);
    expect(toHex(proof.subarray(0, 4))).toBe("00030020");
    expect(proof.subarray(4)).toEqual(lb);
    // A key starting 0b1…: absent at an empty subtree of depth 1, sibling the lifted pair.
    const c = bytes32((i) => (i === 0 ? 0x80 : 0));
    const absent = t.prove(c);
    expect(toHex(absent.subarray(0, 4))).toBe("01010080");
    expect(absent.subarray(4)).toEqual(at1);
    expect(verifyStateProofHashed({ root: at0, keyHash: c, valueHash: null, proof: absent })).toBe(true);
    // A key starting 0b010…: leaves the pair's prefix at level 1, empty subtree at depth 2.
    const d = bytes32((i) => (i === 0 ? 0x40 : 0));
    const absent2 = t.prove(d);
    expect(toHex(absent2.subarray(0, 4))).toBe("01020040");
    expect(absent2.subarray(4)).toEqual(at2);
    expect(verifyStateProofHashed({ root: at0, keyHash: d, valueHash: null, proof: absent2 })).toBe(true);
    t.free();
  });

  it("absence next to a single foreign leaf carries that leaf", () => {
    const a = { keyHash: bytes32((i) => (i === 0 ? 0x00 : 1)), valueHash: bytes32(() => 9) };
    const b = { keyHash: bytes32((i) => (i === 0 ? 0x80 : 1)), valueHash: bytes32(() => 8) };
    const t = Tree.create(w);
    t.set([a, b]);
    const root = t.root();
    const k = bytes32((i) => (i === 0 ? 0x7f : 0)); // left half, where only a lives
    const proof = t.prove(k);
    const p = decodeStateProof(proof);
    expect(p.kind).toBe("absent-leaf");
    expect(p.depth).toBe(1);
    expect(p.leaf?.keyHash).toEqual(a.keyHash);
    expect(p.leaf?.valueHash).toEqual(a.valueHash);
    expect(verifyStateProofHashed({ root, keyHash: k, valueHash: null, proof })).toBe(true);
    // The same proof cannot show the foreign leaf's key as absent, nor k as present.
    expect(verifyStateProofHashed({ root, keyHash: a.keyHash, valueHash: null, proof })).toBe(false);
    expect(verifyStateProofHashed({ root, keyHash: k, valueHash: a.valueHash, proof })).toBe(false);
    t.free();
  });

  it("keys differing only in the last bit end at depth 256", () => {
    const a = { keyHash: bytes32((i) => (i === 31 ? 0xfe : 0x5a)), valueHash: bytes32(() => 1) };
    const b = { keyHash: bytes32((i) => (i === 31 ? 0xff : 0x5a)), valueHash: bytes32(() => 2) };
    const t = Tree.create(w);
    t.set([a, b]);
    const root = t.root();
    expect(root).toEqual(stateRootOf([a, b]));
    const proof = t.prove(b.keyHash);
    const p = decodeStateProof(proof);
    expect(p.depth).toBe(256);
    expect(p.siblings.filter((s) => s !== null)).toHaveLength(1);
    expect(verifyStateProofHashed({ root, keyHash: b.keyHash, valueHash: b.valueHash, proof })).toBe(true);
    expect(t.remove([a.keyHash])).toEqual([true]);
    expect(t.root()).toEqual(leafHash(b.keyHash, b.valueHash));
    t.free();
  });

  it("golden vector: alice, bob, carol", () => {
    const enc = new TextEncoder();
    const entries = [
      ["alice", "100"],
      ["bob", "250"],
      ["carol", "7"],
    ].map(([k, v]) => ({ keyHash: sha256(enc.encode(k)), valueHash: sha256(enc.encode(v)) }));
    const t = Tree.create(w);
    t.set(entries);
    const root = toHex(t.root());
    expect(root).toBe(toHex(stateRootOf(entries)));
    expect(root).toBe(GOLDEN_ROOT);
    const proof = t.prove(sha256(enc.encode("bob")));
    expect(toHex(proof)).toBe(GOLDEN_BOB_PROOF);
    expect(verifyStateProof({ root: t.root(), key: enc.encode("bob"), value: enc.encode("250"), proof })).toBe(true);
    expect(verifyStateProof({ root: t.root(), key: enc.encode("bob"), value: enc.encode("251"), proof })).toBe(false);
    const absent = t.prove(sha256(enc.encode("dave")));
    expect(toHex(absent)).toBe(GOLDEN_DAVE_PROOF);
    expect(verifyStateProof({ root: t.root(), key: enc.encode("dave"), value: null, proof: absent })).toBe(true);
    t.free();
  });
});

// Pinned in docs/state-tree.md as well, for client implementers.
const GOLDEN_ROOT = "973afc726375a2f326e36025b339ef8933b8bb43da8e2a46bd49dc8960ad8f4c";
const GOLDEN_BOB_PROOF = "00010080b7dd5e289559575b1e3bb9f3f2cc4042f1a4750be0d3242e1d223f78319efc28";
const GOLDEN_DAVE_PROOF =
  "020200c0" +
  "86a9d88f51490ff8bcff472ccd45652defed660ce4c69ee10b6f1bf8b055f15b" + // level 0: bob's leaf
  "e88595db6e2373140c77336108e543dd79e1c6420dff08568b120417c8af88b5" + // level 1: alice's leaf
  "4c26d9074c27d89ede59270c0ac14b71e071b15239519f75474b2f3ba63481f5" + // carol's keyHash
  "7902699be42c8a8e46fbbb4501726517e86b22c56a189f7625a6da49081b2451"; // carol's valueHash

describe("state tree: ABI input checks", () => {
  it("refuses bad handles and bad lengths with codes, never a trap", () => {
    const t = Tree.create(w);
    expectCode(() => w.invoke("smt_root", undefined, 0), E_NOT_FOUND);
    expectCode(() => w.invoke("smt_root", undefined, 987654), E_NOT_FOUND);
    expectCode(() => w.invoke("smt_set", new Uint8Array(63), t.handle), E_BAD_ARGUMENTS);
    expectCode(() => w.invoke("smt_remove", new Uint8Array(33), t.handle), E_BAD_ARGUMENTS);
    expectCode(() => w.invoke("smt_prove", new Uint8Array(31), t.handle), E_BAD_ARGUMENTS);
    expectCode(() => w.invoke("smt_prove", new Uint8Array(64), t.handle), E_BAD_ARGUMENTS);
    expectCode(() => w.invoke("smt_prove_many", new Uint8Array(40), t.handle), E_BAD_ARGUMENTS);
    expectCode(() => w.invoke("smt_root", new Uint8Array(1), t.handle), E_BAD_ARGUMENTS);
    expectCode(() => w.invoke("smt_new", new Uint8Array(1)), E_BAD_ARGUMENTS);
    // A length larger than the input buffer the host reserved.
    const f = w.fn("smt_set");
    w.exports.io_input(64);
    expect(f(1 << 20, t.handle)).toBe(-E_BAD_ARGUMENTS);
    // A failed call changed nothing.
    expect(t.root()).toEqual(new Uint8Array(32));
    t.free();
    expectCode(() => w.invoke("smt_root", undefined, t.handle), E_NOT_FOUND);
    expectCode(() => w.invoke("smt_free", undefined, t.handle), E_NOT_FOUND);
    // Handles are not reused.
    const u = Tree.create(w);
    expect(u.handle).toBeGreaterThan(t.handle);
    u.free();
  });

  it("empty batches are fine", () => {
    const t = Tree.create(w);
    t.set([]);
    expect(t.remove([])).toEqual([]);
    expect(t.proveMany([])).toEqual([]);
    expect(t.root()).toEqual(new Uint8Array(32));
    t.free();
  });
});

describe("state tree: properties", () => {
  it("random interleavings of set/update/remove match the reference root", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), (ops) => {
        const t = Tree.create(w);
        const model: Model = new Map();
        try {
          for (const o of ops) {
            const present = [...model.values()];
            if (o.op === "set") {
              t.set([o]);
              model.set(toHex(o.keyHash), { keyHash: o.keyHash, valueHash: o.valueHash });
            } else if (o.op === "update" && present.length > 0) {
              const e = present[o.pick % present.length] as StateEntry;
              t.set([{ keyHash: e.keyHash, valueHash: o.valueHash }]);
              model.set(toHex(e.keyHash), { keyHash: e.keyHash, valueHash: o.valueHash });
            } else if (o.op === "remove" && present.length > 0) {
              const e = present[o.pick % present.length] as StateEntry;
              expect(t.remove([e.keyHash])).toEqual([true]);
              model.delete(toHex(e.keyHash));
            } else if (o.op === "removeAbsent") {
              expect(t.remove([o.keyHash])).toEqual([model.delete(toHex(o.keyHash))]);
            } else if (o.op === "root") {
              expect(toHex(t.root())).toBe(toHex(modelRoot(model)));
            }
          }
          expect(toHex(t.root())).toBe(toHex(modelRoot(model)));
          const s = t.stats();
          expect(s.size).toBe(model.size);
          expect(s.internal).toBe(Math.max(0, model.size - 1));
        } finally {
          t.free();
        }
      }),
      { numRuns: 300 },
    );
  });

  it("the root depends only on the set of leaves; removing everything gives zeros", () => {
    const arb = entriesArb(80).chain((entries) =>
      fc.tuple(
        fc.constant(entries),
        fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }),
        fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }),
        hash32,
      ),
    );
    fc.assert(
      fc.property(arb, ([entries, order2, removalOrder, junk]) => {
        const a = Tree.create(w);
        const b = Tree.create(w);
        try {
          a.set(entries);
          // b: other order, one at a time with roots in between, and a detour through a wrong
          // value and a temporary extra key.
          b.set([{ keyHash: junk, valueHash: junk }]);
          for (const e of order2) {
            b.set([{ keyHash: e.keyHash, valueHash: junk }]);
            b.root();
            b.set([e]);
          }
          if (!entries.some((e) => equalBytes(e.keyHash, junk))) expect(b.remove([junk])).toEqual([true]);
          const expected = toHex(stateRootOf(entries));
          expect(toHex(a.root())).toBe(expected);
          expect(toHex(b.root())).toBe(expected);
          expect(a.remove(removalOrder.map((e) => e.keyHash)).every(Boolean)).toBe(true);
          expect(a.root()).toEqual(new Uint8Array(32));
          expect(a.stats()).toMatchObject({ size: 0, internal: 0 });
          // Refilling after emptying gives the same root again.
          a.set(order2);
          expect(toHex(a.root())).toBe(expected);
        } finally {
          a.free();
          b.free();
        }
      }),
      { numRuns: 150 },
    );
  });

  it("inclusion and absence proofs verify, and any change to them fails", () => {
    const arb = fc.record({
      entries: entriesArb(60),
      absent: fc.array(keyHashArb, { maxLength: 10 }),
      otherValue: hash32,
      flipAt: fc.nat(),
      flipXor: fc.integer({ min: 1, max: 255 }),
      cut: fc.nat(),
      extra: fc.uint8Array({ minLength: 1, maxLength: 40 }),
    });
    fc.assert(
      fc.property(arb, ({ entries, absent, otherValue, flipAt, flipXor, cut, extra }) => {
        const t = Tree.create(w);
        try {
          t.set(entries);
          const root = t.root();
          const present = new Set(entries.map((e) => toHex(e.keyHash)));
          const cases: { keyHash: Uint8Array; valueHash: Uint8Array | null }[] = [
            ...entries,
            ...absent.filter((k) => !present.has(toHex(k))).map((keyHash) => ({ keyHash, valueHash: null })),
          ];
          const proofs = t.proveMany(cases.map((c) => c.keyHash));
          expect(proofs).toHaveLength(cases.length);
          cases.forEach((c, i) => {
            const proof = proofs[i] as Uint8Array;
            expect(proof).toEqual(t.prove(c.keyHash));
            const ok = (over: Partial<{ root: Uint8Array; valueHash: Uint8Array | null; proof: Uint8Array }>) =>
              verifyStateProofHashed({ root, keyHash: c.keyHash, valueHash: c.valueHash, proof, ...over });
            expect(ok({})).toBe(true);
            // Wrong claim: another value, or present/absent swapped.
            if (c.valueHash !== null && !equalBytes(c.valueHash, otherValue)) expect(ok({ valueHash: otherValue })).toBe(false);
            expect(ok({ valueHash: c.valueHash === null ? otherValue : null })).toBe(false);
            // Tampering with proof or root.
            expect(ok({ proof: flipByte(proof, flipAt, flipXor) })).toBe(false);
            expect(ok({ root: flipByte(root, flipAt, flipXor) })).toBe(false);
            expect(ok({ proof: proof.subarray(0, cut % proof.length) })).toBe(false);
            expect(ok({ proof: concatBytes(proof, extra) })).toBe(false);
            // Another key cannot use this proof (unless it is a foreign-leaf absence proof
            // that happens to cover that key too, which is a valid proof for it).
            const other = flipByte(c.keyHash, flipAt, flipXor);
            if (!present.has(toHex(other))) {
              const reuse = verifyStateProofHashed({ root, keyHash: other, valueHash: c.valueHash, proof });
              if (reuse) expect(equalBytes(t.prove(other), proof)).toBe(true);
            }
          });
        } finally {
          t.free();
        }
      }),
      { numRuns: 150 },
    );
  });

  it("verifyStateProof hashes raw keys and values", () => {
    const arb = fc.uniqueArray(fc.record({ key: fc.uint8Array({ maxLength: 40 }), value: fc.uint8Array({ maxLength: 40 }) }), {
      selector: (e) => toHex(e.key),
      minLength: 1,
      maxLength: 30,
    });
    fc.assert(
      fc.property(arb, fc.uint8Array({ maxLength: 40 }), (kvs, probe) => {
        const t = Tree.create(w);
        try {
          t.set(kvs.map((e) => ({ keyHash: sha256(e.key), valueHash: sha256(e.value) })));
          const root = t.root();
          for (const { key, value } of kvs) {
            const proof = t.prove(sha256(key));
            expect(verifyStateProof({ root, key, value, proof })).toBe(true);
            expect(verifyStateProof({ root, key, value: concatBytes(value, Uint8Array.of(0)), proof })).toBe(false);
            expect(verifyStateProof({ root, key, value: null, proof })).toBe(false);
          }
          if (!kvs.some((e) => equalBytes(e.key, probe))) {
            const proof = t.prove(sha256(probe));
            expect(verifyStateProof({ root, key: probe, value: null, proof })).toBe(true);
            expect(verifyStateProof({ root, key: probe, value: new Uint8Array(0), proof })).toBe(false);
          }
        } finally {
          t.free();
        }
      }),
      { numRuns: 100 },
    );
  });

  it("every single-byte change of a proof is refused", () => {
    const t = Tree.create(w);
    const entries = randomEntries(300, "flip");
    entries.push({ keyHash: withSharedPrefix(sha256(Uint8Array.of(1)), 200), valueHash: sha256(Uint8Array.of(2)) });
    entries.push({ keyHash: withSharedPrefix(sha256(Uint8Array.of(3)), 200), valueHash: sha256(Uint8Array.of(4)) });
    t.set(entries);
    const root = t.root();
    const probes = [
      ...entries.slice(0, 3).map((e) => ({ keyHash: e.keyHash, valueHash: e.valueHash as Uint8Array | null })),
      ...entries.slice(-2).map((e) => ({ keyHash: e.keyHash, valueHash: e.valueHash as Uint8Array | null })),
      { keyHash: withSharedPrefix(sha256(Uint8Array.of(5)), 150), valueHash: null }, // empty, under a shared prefix
      ...randomEntries(20, "absent").map((e) => ({ keyHash: e.keyHash, valueHash: null })),
    ];
    const kinds = new Set<string>();
    for (const c of probes) {
      const proof = t.prove(c.keyHash);
      kinds.add(decodeStateProof(proof).kind);
      expect(verifyStateProofHashed({ root, ...c, proof })).toBe(true);
      for (let i = 0; i < proof.length; i++) {
        for (const x of [0x01, 0x80, 0xff]) {
          expect(verifyStateProofHashed({ root, ...c, proof: flipByte(proof, i, x) })).toBe(false);
        }
      }
      for (let n = 0; n < proof.length; n++) expect(verifyStateProofHashed({ root, ...c, proof: proof.subarray(0, n) })).toBe(false);
    }
    expect([...kinds].sort()).toEqual(["absent-empty", "absent-leaf", "inclusion"]);
    t.free();
  });

  it("malformed or non-canonical proof bytes give false, never an exception", () => {
    const k = sha256(Uint8Array.of(9));
    const root = sha256(Uint8Array.of(8));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (proof, asAbsence) => {
        expect(verifyStateProofHashed({ root, keyHash: k, valueHash: asAbsence ? null : root, proof })).toBe(false);
      }),
      { numRuns: fuzzRuns(2000) },
    );
    // A zero sibling spelled out instead of a clear bitmap bit is refused.
    expect(() => decodeStateProof(Uint8Array.from([1, 1, 0, 0x80, ...new Uint8Array(32)]))).toThrow(/zero-sibling/);
    // An empty deepest sibling is refused (the path would have ended one level higher).
    expect(() => decodeStateProof(Uint8Array.from([0, 2, 0, 0x80, ...new Uint8Array(32).fill(1)]))).toThrow(/non-canonical-depth/);
    // Padding bits of the bitmap must be zero.
    expect(() => decodeStateProof(Uint8Array.from([0, 1, 0, 0xc0, ...new Uint8Array(64).fill(1)]))).toThrow(/bitmap-padding/);
    expect(() => decodeStateProof(Uint8Array.from([3, 0, 0]))).toThrow(/unknown-kind/);
    expect(() => decodeStateProof(Uint8Array.from([1, 0, 1]))).toThrow(/depth-too-large/);
    expect(() => stateRootFromProof(k, null, Uint8Array.from([0, 0, 0]))).toThrow(/wrong-kind/);
    expect(verifyStateProofHashed({ root: root.subarray(1), keyHash: k, valueHash: null, proof: Uint8Array.of(1, 0, 0) })).toBe(false);
    expect(() => verifyStateProofHashed({ root, keyHash: k.subarray(1), valueHash: null, proof: Uint8Array.of(1, 0, 0) })).toThrow(
      TypeError,
    );
  });
});

describe("state tree: incremental cost", () => {
  it("one update of a 50k-key tree recomputes about depth nodes, not the tree", () => {
    const n = 50_000;
    const entries = randomEntries(n, "big");
    const t = Tree.create(w);
    t.set(entries);
    t.root();
    const built = t.stats();
    // Building hashes every leaf and every internal node at least once.
    expect(built.hashes).toBeGreaterThanOrEqual(BigInt(2 * n - 1));

    const [fresh] = randomEntries(1, "one more") as [StateEntry];
    t.set([fresh]);
    const root1 = t.root();
    const afterInsert = t.stats().hashes - built.hashes;
    // log2(50k) ≈ 16: the new leaf, the new split node and the ~17 nodes above it, plus the
    // odd empty-sided level. Nowhere near 100k.
    expect(afterInsert).toBeGreaterThan(1n);
    expect(afterInsert).toBeLessThanOrEqual(64n);

    const before = t.stats().hashes;
    t.set([{ keyHash: (entries[123] as StateEntry).keyHash, valueHash: fresh.valueHash }]);
    t.root();
    const afterUpdate = t.stats().hashes - before;
    expect(afterUpdate).toBeGreaterThan(1n);
    expect(afterUpdate).toBeLessThanOrEqual(64n);

    const before2 = t.stats().hashes;
    t.remove([(entries[77] as StateEntry).keyHash]);
    t.root();
    expect(t.stats().hashes - before2).toBeLessThanOrEqual(64n);

    // Asking again without changes costs nothing; writing an unchanged value costs nothing.
    const before3 = t.stats().hashes;
    t.root();
    t.set([entries[5] as StateEntry]);
    t.root();
    expect(t.stats().hashes).toBe(before3);

    // And the incremental root is still the right one.
    const model = new Map(entries.map((e) => [toHex(e.keyHash), e]));
    model.set(toHex(fresh.keyHash), fresh);
    const e123 = entries[123] as StateEntry;
    model.set(toHex(e123.keyHash), { keyHash: e123.keyHash, valueHash: fresh.valueHash });
    model.delete(toHex((entries[77] as StateEntry).keyHash));
    expect(toHex(t.root())).toBe(toHex(stateRootOf([...model.values()])));
    expect(toHex(root1)).not.toBe(toHex(t.root()));
    t.free();
  });
});
