// The mempool against the real wasm codec, real ed25519 (node:crypto) and, for ordering, a
// LocalChain that executes what take() returns.
import {
  Core,
  concatBytes,
  type EventView,
  fromHex,
  type Instruction,
  LocalChain,
  type Signer,
  signTxSync,
  toHex,
  verifyBatchSync,
  verifyTxSignature,
} from "@nullspace/core";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { fuzzRuns } from "../../core-as/test/support/fuzz.js";
import { MEMPOOL_ERRORS, MempoolConfigError, MempoolErrorCode } from "../src/mempool/errors.js";
import { type AddResult, Mempool, type MempoolOptions } from "../src/mempool/mempool.js";
import { WASM_BYTES as WASM } from "./support/wasm.js";

const CHAIN_ID = 1n;
const NONCE_MISMATCH = 301;

let core: Core;
const signers: Signer[] = Array.from({ length: 8 }, (_, i) => LocalChain.signer(i + 1));
const hexOf = (s: number): string => toHex(signers[s]!.publicKey);

beforeAll(async () => {
  core = await Core.load(WASM);
});

const signed = new Map<string, Uint8Array>();

/** A signed transaction of signer `s` (index) at `nonce`: Register at nonce 0, Faucet after, unless given. */
function tx(s: number, nonce: number | bigint, ins?: Instruction): Uint8Array {
  const n = BigInt(nonce);
  const instruction = ins ?? (n === 0n ? { op: "register", name: `player${s}` } : { op: "faucet" });
  const key = `${s}:${n}:${JSON.stringify(instruction)}`;
  let t = signed.get(key);
  if (t === undefined) {
    t = signTxSync({ codec: core.codec, signer: signers[s]!, chainId: CHAIN_ID, nonce: n, instruction });
    signed.set(key, t);
  }
  return t;
}

function pool(o: Partial<MempoolOptions> & { state?: Map<string, bigint> } = {}): Mempool {
  const state = o.state ?? new Map<string, bigint>();
  return new Mempool({ codec: core.codec, chainId: CHAIN_ID, getAccountNonce: (s) => state.get(s) ?? 0n, ...o });
}

const codes = (rs: AddResult[]): string[] => rs.map((r) => (r.ok ? "ok" : r.code));
const hashOf = (t: Uint8Array): string => core.codec.decodeTx(t).hash;
const decoded = (ts: Uint8Array[]) => ts.map((t) => core.codec.decodeTx(t));
const flip = (t: Uint8Array, i: number): Uint8Array => {
  const c = t.slice();
  c[i < 0 ? c.length + i : i]! ^= 0x01;
  return c;
};

/** Checks the shape of a take: per signer contiguous nonces from the pool's next nonce, rounds in order. */
function expectWellFormed(p: Mempool, taken: Uint8Array[]): Map<string, bigint[]> {
  const bySigner = new Map<string, bigint[]>();
  let lastRound = 0;
  for (const v of decoded(taken)) {
    const ns = bySigner.get(v.signer) ?? [];
    if (ns.length === 0) {
      expect(v.nonce).toBe(p.nextNonce(v.signer));
    } else {
      expect(v.nonce).toBe(ns[ns.length - 1]! + 1n);
    }
    ns.push(v.nonce);
    bySigner.set(v.signer, ns);
    // Round-robin: the i-th transaction of any account comes after every account's (i-1)-th.
    expect(ns.length).toBeGreaterThanOrEqual(lastRound);
    lastRound = ns.length;
  }
  return bySigner;
}

describe("add", () => {
  it("admits valid transactions and reports size, bytes, accounts and has()", async () => {
    const p = pool();
    const txs = [tx(0, 0), tx(0, 1), tx(1, 0)];
    const rs = await p.add(txs);
    expect(rs).toEqual(txs.map((t) => ({ ok: true, hash: hashOf(t) })));
    expect(p.size).toBe(3);
    expect(p.bytes).toBe(txs.reduce((n, t) => n + t.length, 0));
    expect(p.accounts).toBe(2);
    expect(p.has(hashOf(txs[1]!))).toBe(true);
    expect(p.has(hashOf(txs[1]!).toUpperCase())).toBe(true);
    expect(p.has(hashOf(tx(2, 0)))).toBe(false);
    expect(p.nextNonce(hexOf(0))).toBe(0n);
    expect(p.nextNonce(hexOf(2))).toBeUndefined();
  });

  it("drops duplicates, within one call and across calls", async () => {
    const p = pool();
    const t = tx(0, 0);
    expect(codes(await p.add([t, t.slice()]))).toEqual(["ok", "DUPLICATE"]);
    const again = await p.add([t]);
    expect(again).toEqual([{ ok: false, code: "DUPLICATE", hash: hashOf(t) }]);
    expect(p.size).toBe(1);
    expect(p.take()).toHaveLength(1);
  });

  it("refuses stale nonces and nonces past the window", async () => {
    const state = new Map([[hexOf(0), 3n]]);
    const p = pool({ state, nonceWindow: 8 });
    expect(codes(await p.add([tx(0, 2), tx(0, 0), tx(0, 11), tx(0, 12), tx(0, 3), tx(0, 10)]))).toEqual([
      "STALE_NONCE",
      "STALE_NONCE",
      "NONCE_TOO_FAR",
      "NONCE_TOO_FAR",
      "ok",
      "ok",
    ]);
    expect(p.nextNonce(hexOf(0))).toBe(3n);
    // The default window is 64 from the account's nonce.
    const q = pool({ state, maxPerAccount: 100 });
    expect(codes(await q.add([tx(0, 3 + 63), tx(0, 3 + 64)]))).toEqual(["ok", "NONCE_TOO_FAR"]);
  });

  it("refuses a different transaction for a (signer, nonce) it holds, and keeps the first", async () => {
    const p = pool();
    const first = tx(0, 1);
    const other = tx(0, 1, { op: "register", name: "late" });
    expect(codes(await p.add([first]))).toEqual(["ok"]);
    expect(codes(await p.add([other]))).toEqual(["NONCE_TAKEN"]);
    expect(p.has(hashOf(first))).toBe(true);
    expect(p.has(hashOf(other))).toBe(false);
    // Within one call the first valid one wins; a forged first copy does not block the real one.
    const q = pool();
    expect(codes(await q.add([flip(other, -1), first, other]))).toEqual(["BAD_SIGNATURE", "ok", "NONCE_TAKEN"]);
    expect(q.size).toBe(1);
  });

  it("refuses bad signatures (signature, body, signer, chain) and never takes them", async () => {
    const good = tx(0, 0, { op: "register", name: "abcdef" });
    const v = core.codec.decodeTx(good);
    const badSig = flip(good, -1);
    const badBody = flip(good, v.bodyLength - 1); // a letter of the name: still decodes
    const badSigner = flip(good, 5);
    expect(() => core.codec.decodeTx(badBody)).not.toThrow();
    expect(() => core.codec.decodeTx(badSigner)).not.toThrow();
    const p = pool();
    const rs = await p.add([badSig, badBody, badSigner, tx(1, 0)]);
    expect(codes(rs)).toEqual(["BAD_SIGNATURE", "BAD_SIGNATURE", "BAD_SIGNATURE", "ok"]);
    expect(rs[0]).toMatchObject({ hash: hashOf(badSig) });
    expect(p.size).toBe(1);
    expect(p.take().map(toHex)).toEqual([toHex(tx(1, 0))]);
    // A refused forgery leaves no trace: the real transaction is admitted afterwards.
    expect(codes(await p.add([good]))).toEqual(["ok"]);
    // Another chain's pool refuses it (the TX domain carries the chain id).
    const other = pool({ chainId: 2n });
    expect(codes(await other.add([good]))).toEqual(["BAD_SIGNATURE"]);
  });

  it("refuses malformed bytes with the codec's code, oversized bytes and non-bytes", async () => {
    const t = tx(0, 1);
    const badOp = t.slice();
    badOp[34] = 0x77;
    const p = pool();
    const rs = await p.add([
      new Uint8Array(0),
      t.subarray(0, 50),
      concatBytes(t, Uint8Array.of(0)),
      Uint8Array.from([2, ...t.subarray(1)]),
      badOp,
      new Uint8Array(4097),
      null as unknown as Uint8Array,
      "tx" as unknown as Uint8Array,
      [1, 2, 3] as unknown as Uint8Array,
      new Uint16Array(4) as unknown as Uint8Array,
      Buffer.from(t),
    ]);
    expect(rs.map((r) => (r.ok ? "ok" : `${r.code}${r.decodeCode ?? ""}`))).toEqual([
      "MALFORMED100",
      "MALFORMED100",
      "MALFORMED101",
      "MALFORMED106",
      "MALFORMED105",
      "TOO_LARGE",
      "NOT_BYTES",
      "NOT_BYTES",
      "NOT_BYTES",
      "NOT_BYTES",
      "ok",
    ]);
    expect(await p.add("nope" as unknown as Uint8Array[])).toEqual([]);
    expect(await p.add(undefined as unknown as Uint8Array[])).toEqual([]);
    expect(p.size).toBe(1);
    const small = pool({ maxTxBytes: 100 });
    expect(codes(await small.add([tx(0, 1), tx(0, 0)]))).toEqual(["ok", "TOO_LARGE"]);
  });

  it("never throws on arbitrary input", async () => {
    const p = pool();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), async (inputs) => {
        const rs = await p.add(inputs);
        expect(rs).toHaveLength(inputs.length);
        for (const r of rs) expect(r.ok ? true : r.code in MEMPOOL_ERRORS).toBe(true);
      }),
      { numRuns: fuzzRuns(100) },
    );
    expect(p.size).toBe(0);
  });

  it("bounds transactions per account", async () => {
    const p = pool({ maxPerAccount: 3 });
    expect(codes(await p.add([tx(0, 0), tx(0, 1), tx(0, 2), tx(0, 3), tx(1, 0)]))).toEqual(["ok", "ok", "ok", "ACCOUNT_FULL", "ok"]);
    expect(codes(await p.add([tx(0, 4)]))).toEqual(["ACCOUNT_FULL"]);
    p.prune([tx(0, 0)], new Map([[hexOf(0), 1n]]));
    expect(codes(await p.add([tx(0, 3)]))).toEqual(["ok"]);
  });

  it("bounds transactions and bytes in total, refusing new rather than evicting", async () => {
    const p = pool({ maxTotal: 5 });
    const txs = [0, 1, 2].flatMap((s) => [tx(s, 0), tx(s, 1), tx(s, 2)]);
    expect(codes(await p.add(txs))).toEqual(["ok", "ok", "ok", "ok", "ok", "POOL_FULL", "POOL_FULL", "POOL_FULL", "POOL_FULL"]);
    expect(codes(await p.add([tx(3, 0)]))).toEqual(["POOL_FULL"]);
    expect(p.size).toBe(5);
    p.prune(
      [tx(0, 0), tx(1, 0)],
      new Map([
        [hexOf(0), 1n],
        [hexOf(1), 1n],
      ]),
    );
    expect(p.size).toBe(3);
    expect(codes(await p.add([tx(3, 0), tx(1, 2), tx(2, 0)]))).toEqual(["ok", "ok", "POOL_FULL"]);

    const faucet = tx(0, 1).length;
    const state = new Map([0, 1, 2].map((s) => [hexOf(s), 1n]));
    const q = pool({ state, maxTotalBytes: 2 * faucet + 10 });
    expect(codes(await q.add([tx(0, 1), tx(1, 1), tx(2, 1)]))).toEqual(["ok", "ok", "POOL_FULL"]);
    expect(q.bytes).toBe(2 * faucet);
  });

  it("verifies large batches in chunks and keeps input order", async () => {
    const p = pool({ maxPerAccount: 64 });
    const txs = [0, 1, 2, 3, 4, 5].flatMap((s) => Array.from({ length: 60 }, (_, n) => tx(s, n)));
    const forged = new Set([7, 100, 299, 300]);
    const input = txs.map((t, i) => (forged.has(i) ? flip(t, -3) : t));
    const rs = await p.add(input);
    expect(codes(rs)).toEqual(input.map((_, i) => (forged.has(i) ? "BAD_SIGNATURE" : "ok")));
    expect(p.size).toBe(txs.length - forged.size);
  });

  it("does not verify again what a proposal verified (noteVerified), and only those very bytes", async () => {
    const checked: string[] = [];
    const p = pool({
      verifyBatch: async (items) => {
        for (const it of items) checked.push(toHex(it.signature));
        return verifyBatchSync(items);
      },
    });
    const [a, b, c] = [tx(0, 0), tx(1, 0), tx(2, 0)];
    const forged = flip(tx(3, 0), -3);
    expect(p.isVerified(hashOf(a))).toBe(false);
    p.noteVerified([hashOf(a), hashOf(b)]);
    expect([p.isVerified(hashOf(a)), p.isVerified(hashOf(c))]).toEqual([true, false]);
    // A forged transaction is never noted; noting its hash (a bug elsewhere) still cannot admit
    // other bytes: the memory is keyed by the hash of the whole transaction, signature included.
    p.noteVerified([hashOf(tx(3, 0))]);
    expect(codes(await p.add([a, b, c, forged]))).toEqual(["ok", "ok", "ok", "BAD_SIGNATURE"]);
    const sig = (t: Uint8Array) => toHex(t.subarray(t.length - 64));
    expect(checked.sort()).toEqual([sig(c), sig(forged)].sort());
    expect(p.isVerified(hashOf(c))).toBe(true); // held now
  });

  it("forgets the oldest noted hashes past its bound", () => {
    const p = pool();
    const hashes = Array.from({ length: 32_768 + 10 }, (_, i) => i.toString(16).padStart(64, "0"));
    p.noteVerified(hashes);
    expect(hashes.slice(0, 10).some((h) => p.isVerified(h))).toBe(false);
    expect(hashes.slice(10).every((h) => p.isVerified(h))).toBe(true);
  });

  it("runs at most one chunk's worth of transactions per event-loop iteration across concurrent adds", async () => {
    // A ticker counts loop iterations (an immediate queued from an immediate runs on the next
    // one); the verifier, called once per chunk, records the iteration it ran in.
    let iteration = 0;
    let ticking = true;
    const tick = () => {
      iteration++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    const seen: number[] = [];
    const perIteration = new Map<number, number>();
    const p = pool({
      verifyBatch: async (items) => {
        seen.push(iteration);
        perIteration.set(iteration, (perIteration.get(iteration) ?? 0) + items.length);
        return verifyBatchSync(items);
      },
    });
    const batch = (first: number) =>
      [first, first + 1].flatMap((s) => Array.from({ length: 64 }, (_, n) => tx(s, n))).concat([tx(first + 2, 0), tx(first + 2, 1)]);
    const [a, b] = await Promise.all([p.add(batch(0)), p.add(batch(3))]);
    expect(new Set([...codes(a), ...codes(b)])).toEqual(new Set(["ok"]));
    expect(seen).toHaveLength(6); // 130 transactions each: chunks of 64, 64 and 2
    // The four full chunks each had an iteration to themselves; the two 2-transaction tails shared one.
    expect(new Set(seen).size).toBe(5);
    expect(Math.max(...perIteration.values())).toBeLessThanOrEqual(64);
    // Many one-transaction adds (relays' small batches) share iterations, 64 at most per iteration.
    perIteration.clear();
    const before = iteration;
    const singles = await Promise.all(Array.from({ length: 100 }, (_, k) => p.add([tx(6 + (k % 2), Math.floor(k / 2))])));
    ticking = false;
    expect(singles.every((r) => r[0]?.ok)).toBe(true);
    expect(Math.max(...perIteration.values())).toBeLessThanOrEqual(64);
    expect(iteration - before).toBeLessThan(10); // was one iteration per add: 100
  });

  it("stays consistent under concurrent adds and a prune during verification", async () => {
    const p = pool();
    const txs = [0, 1].flatMap((s) => [0, 1, 2, 3, 4].map((n) => tx(s, n)));
    const [a, b] = await Promise.all([p.add(txs), p.add([...txs].reverse())]);
    const admitted = [...codes(a), ...codes(b)].filter((c) => c === "ok").length;
    expect(admitted).toBe(txs.length);
    expect([...codes(a), ...codes(b)].filter((c) => c === "DUPLICATE")).toHaveLength(txs.length);
    expect(p.size).toBe(txs.length);

    const q = pool({ maxTotal: 4 });
    const [c, d] = await Promise.all([q.add(txs.slice(0, 3)), q.add(txs.slice(5, 8))]);
    expect(q.size).toBe(4);
    expect([...codes(c), ...codes(d)].filter((x) => x === "POOL_FULL")).toHaveLength(2);

    // The pool's own nonce for an account it holds (from prune) decides, as does state for one it
    // no longer holds (the host updates state before it prunes).
    const state = new Map<string, bigint>();
    const r = pool({ state });
    await r.add([tx(0, 0), tx(0, 5), tx(1, 0)]);
    const pending = r.add([tx(0, 1), tx(0, 2), tx(0, 3), tx(0, 4), tx(1, 1), tx(1, 2)]); // verifying now
    state.set(hexOf(1), 2n);
    r.prune(
      [tx(0, 0), tx(1, 0)],
      new Map([
        [hexOf(0), 3n],
        [hexOf(1), 2n],
      ]),
    );
    expect(r.nextNonce(hexOf(1))).toBeUndefined();
    expect(codes(await pending)).toEqual(["STALE_NONCE", "STALE_NONCE", "ok", "ok", "STALE_NONCE", "ok"]);
    expect(r.take().map(hashOf)).toEqual([tx(0, 3), tx(1, 2), tx(0, 4), tx(0, 5)].map(hashOf));
  });

  it("asks state once per new signer, and again when a block executed while it verified", async () => {
    const state = new Map<string, bigint>();
    const asked: string[] = [];
    let release: (() => void) | undefined;
    let verifying: (() => void) | undefined;
    const p = pool({
      getAccountNonce: (s) => {
        asked.push(s);
        return state.get(s) ?? 0n;
      },
      verifyBatch: async (items) => {
        verifying?.();
        if (release === undefined) return verifyBatchSync(items);
        await new Promise<void>((r) => {
          release = r;
        });
        return verifyBatchSync(items);
      },
    });
    expect(codes(await p.add([tx(2, 0), tx(2, 1), tx(4, 0)]))).toEqual(["ok", "ok", "ok"]);
    expect(asked).toEqual([hexOf(2), hexOf(4)]); // not a second time when admitting

    // Signer 3's nonce is looked up (0), then, while its signatures verify, a block carrying its
    // nonce 0 from elsewhere executes: admission asks again and refuses the stale one.
    asked.length = 0;
    release = () => {};
    const looked = new Promise<void>((r) => {
      verifying = r;
    });
    const pending = p.add([tx(3, 0), tx(3, 1)]);
    await looked;
    state.set(hexOf(3), 1n);
    p.prune([]);
    release();
    expect(codes(await pending)).toEqual(["STALE_NONCE", "ok"]);
    expect(asked).toEqual([hexOf(3), hexOf(3), hexOf(3)]); // the lookup, then each admission anew
  });

  it("gives the summary it took on entry for the very bytes it holds, and nothing otherwise", async () => {
    const p = pool();
    await p.add([tx(0, 0), tx(1, 0)]);
    expect(p.heldSummary(tx(0, 0))).toEqual(core.codec.txSummary(tx(0, 0)));
    expect(p.heldSummary(tx(2, 0))).toBeUndefined();
    expect(p.heldSummary(flip(tx(1, 0), -1))).toBeUndefined();
    p.prune([tx(0, 0)]);
    expect(p.heldSummary(tx(0, 0))).toBeUndefined();
    expect(p.heldSummary(tx(1, 0))?.hash).toBe(hashOf(tx(1, 0)));
  });

  it("has a hint for every error code, and codes are their own names", () => {
    expect(Object.keys(MEMPOOL_ERRORS).sort()).toEqual(Object.values(MempoolErrorCode).sort());
    for (const [k, v] of Object.entries(MempoolErrorCode)) expect(k).toBe(v);
  });

  it("rejects nonsense options at construction", () => {
    expect(() => pool({ maxTotal: 0 })).toThrow(MempoolConfigError);
    expect(() => pool({ nonceWindow: 1.5 })).toThrow(MempoolConfigError);
    expect(() => pool({ chainId: 1 as unknown as bigint })).toThrow(MempoolConfigError);
    expect(() => new Mempool({} as MempoolOptions)).toThrow(MempoolConfigError);
  });
});

describe("take", () => {
  it("returns contiguous runs from each account's next nonce and stops at a gap", async () => {
    const state = new Map([[hexOf(1), 2n]]);
    const p = pool({ state });
    // Account 0: 0,1,2 then a gap at 3, then 4. Account 1 (nonce 2): 3 only, not ready. Account 2: 0.
    await p.add([tx(0, 4), tx(1, 3), tx(0, 2), tx(2, 0), tx(0, 0), tx(0, 1)]);
    const taken = p.take();
    expect(decoded(taken).map((v) => `${v.signer === hexOf(0) ? "a" : "c"}${v.nonce}`)).toEqual(["c0", "a0", "a1", "a2"]);
    expectWellFormed(p, taken);
    expect(p.size).toBe(6); // taking does not remove
    expect(p.take().map(toHex)).toEqual(taken.map(toHex));
  });

  it("interleaves accounts round-robin and serves the least recently served first", async () => {
    const p = pool();
    await p.add([tx(0, 0), tx(0, 1), tx(0, 2), tx(1, 0), tx(1, 1), tx(2, 0), tx(2, 1)]);
    const label = (ts: Uint8Array[]) => decoded(ts).map((v) => `${signers.findIndex((_, i) => hexOf(i) === v.signer)}:${v.nonce}`);
    expect(label(p.take())).toEqual(["0:0", "1:0", "2:0", "0:1", "1:1", "2:1", "0:2"]);
    const block = p.take({ maxTxs: 2 });
    expect(label(block)).toEqual(["0:0", "1:0"]);
    p.prune(
      block,
      new Map([
        [hexOf(0), 1n],
        [hexOf(1), 1n],
      ]),
    );
    // 0 and 1 were served: 2 goes first now.
    expect(label(p.take({ maxTxs: 4 }))).toEqual(["2:0", "0:1", "1:1", "2:1"]);
  });

  it("respects maxTxs and maxBytes", async () => {
    const p = pool();
    await p.add([tx(0, 0), tx(0, 1), tx(1, 0), tx(1, 1), tx(2, 1)]);
    expect(p.take({ maxTxs: 0 })).toEqual([]);
    expect(p.take({ maxTxs: 3 })).toHaveLength(3);
    const reg = tx(0, 0).length;
    const faucet = tx(0, 1).length;
    expect(reg).toBeGreaterThan(faucet);
    // Room for both registrations and one faucet claim: the first account's run continues.
    const taken = p.take({ maxBytes: 2 * reg + faucet });
    expect(taken.reduce((n, t) => n + t.length, 0)).toBeLessThanOrEqual(2 * reg + faucet);
    expect(taken.map(hashOf)).toEqual([tx(0, 0), tx(1, 0), tx(0, 1)].map(hashOf));
    expect(p.take({ maxBytes: reg - 1 })).toEqual([]);
  });

  it("returns copies: changing them does not change the pool", async () => {
    const p = pool();
    await p.add([tx(0, 0)]);
    const [t] = p.take();
    t!.fill(0);
    expect(p.take()[0]).toEqual(tx(0, 0));
  });

  it("orders random interleavings so that LocalChain executes them without NONCE_MISMATCH", async () => {
    const account = fc.record({
      count: fc.integer({ min: 1, max: 8 }),
      gap: fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(account, { minLength: 2, maxLength: 5 }),
        fc.integer({ min: 1, max: 12 }),
        fc.infiniteStream(fc.integer({ min: 1, max: 6 })),
        fc.infiniteStream(fc.nat()),
        async (accounts, maxTxs, chunkSizes, seeds) => {
          const chain = await LocalChain.create({ wasm: WASM, chainId: CHAIN_ID });
          const p = new Mempool({
            codec: core.codec,
            chainId: CHAIN_ID,
            getAccountNonce: (s) => chain.core.account(fromHex(s))?.nonce ?? 0n,
          });
          // Every account's transactions, one nonce missing where a gap is asked for, shuffled.
          const all: Uint8Array[] = [];
          accounts.forEach(({ count, gap }, s) => {
            for (let n = 0; n < count; n++) if (n !== gap) all.push(tx(s, n));
          });
          const seedIt = seeds[Symbol.iterator]();
          for (let i = all.length - 1; i > 0; i--) {
            const j = seedIt.next().value! % (i + 1);
            [all[i], all[j]] = [all[j]!, all[i]!];
          }
          const sizeIt = chunkSizes[Symbol.iterator]();
          for (let i = 0; i < all.length; ) {
            const k = sizeIt.next().value!;
            expect(codes(await p.add(all.slice(i, i + k))).every((c) => c === "ok")).toBe(true);
            i += k;
          }

          for (let rounds = 0; ; rounds++) {
            expect(rounds).toBeLessThan(50);
            const block = p.take({ maxTxs });
            if (block.length === 0) break;
            expect(block.length).toBeLessThanOrEqual(maxTxs);
            const runs = expectWellFormed(p, block);
            for (const t of block) chain.submitRaw(t);
            const r = chain.seal();
            const events = r.events.map((e) => chain.core.codec.decodeEvent(e)) as EventView[];
            expect(events.filter((e) => e.kind === "txError" && e.code === NONCE_MISMATCH)).toEqual([]);
            const newNonces = new Map([...runs.keys()].map((s) => [s, chain.core.account(fromHex(s))!.nonce]));
            for (const [s, ns] of runs) expect(newNonces.get(s)).toBe(ns[ns.length - 1]! + 1n);
            p.prune(block, newNonces);
          }
          // What is left is exactly what sits behind each gap; each account executed up to its gap.
          let left = 0;
          accounts.forEach(({ count, gap }, s) => {
            const stop = gap !== undefined && gap < count ? gap : count;
            expect(chain.core.account(signers[s]!.publicKey)?.nonce).toBe(BigInt(stop));
            left += count - Math.min(count, stop + 1);
            if (stop < count - 1) expect(p.nextNonce(hexOf(s))).toBe(BigInt(stop));
          });
          expect(p.size).toBe(left);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("prune", () => {
  it("removes finalized and stale transactions; take continues from the new nonces", async () => {
    const p = pool();
    await p.add([0, 1, 2, 3, 4].map((n) => tx(0, n)));
    await p.add([0, 1, 2].map((n) => tx(1, n)));
    await p.add([tx(2, 0)]);
    const before = p.bytes;
    // Block: 0:0, 0:1, 1:0 finalized. Account 0's nonce 2 was consumed by a transaction this pool
    // never saw (another validator's), so 0:2 is stale.
    p.prune(
      [tx(0, 0), tx(0, 1), tx(1, 0)],
      new Map([
        [hexOf(0), 3n],
        [hexOf(1), 1n],
      ]),
    );
    expect(p.size).toBe(5);
    expect(p.bytes).toBe(before - [tx(0, 0), tx(0, 1), tx(0, 2), tx(1, 0)].reduce((n, t) => n + t.length, 0));
    for (const t of [tx(0, 0), tx(0, 1), tx(0, 2), tx(1, 0)]) expect(p.has(hashOf(t))).toBe(false);
    for (const t of [tx(0, 3), tx(0, 4), tx(1, 1), tx(1, 2), tx(2, 0)]) expect(p.has(hashOf(t))).toBe(true);
    expect(p.nextNonce(hexOf(0))).toBe(3n);
    const taken = p.take();
    expectWellFormed(p, taken);
    expect(taken.map(hashOf)).toEqual([tx(2, 0), tx(0, 3), tx(1, 1), tx(0, 4), tx(1, 2)].map(hashOf));
    // Once stale, refused.
    expect(codes(await p.add([tx(0, 2), tx(1, 0)]))).toEqual(["STALE_NONCE", "STALE_NONCE"]);
  });

  it("drops an account once empty and asks state for signers missing from newNonces", async () => {
    const state = new Map<string, bigint>();
    const p = pool({ state });
    await p.add([tx(0, 0), tx(0, 1), tx(1, 0), tx(1, 1)]);
    state.set(hexOf(0), 2n);
    state.set(hexOf(1), 1n);
    p.prune([tx(0, 0), tx(0, 1), tx(1, 0)]);
    expect(p.size).toBe(1);
    expect(p.accounts).toBe(1);
    expect(p.nextNonce(hexOf(0))).toBeUndefined();
    expect(p.nextNonce(hexOf(1))).toBe(1n);
    expect(p.take().map(hashOf)).toEqual([hashOf(tx(1, 1))]);
    // A finalized transaction that did not consume its nonce leaves a hole: the account waits.
    const q = pool();
    await q.add([tx(0, 0), tx(0, 1)]);
    q.prune([tx(0, 0)], new Map([[hexOf(0), 0n]]));
    expect(q.take()).toEqual([]);
    expect(q.size).toBe(1);
    // Unknown transactions and signers are ignored; a prune far ahead clears the account.
    q.prune(
      [tx(5, 0), new Uint8Array(3)],
      new Map([
        [hexOf(5), 9n],
        [hexOf(0).toUpperCase(), 1_000_000n],
      ]),
    );
    expect(q.size).toBe(0);
    expect(q.accounts).toBe(0);
    expect(q.bytes).toBe(0);
  });
});

describe("expiry", () => {
  it("drops what has been held maxAgeMs, oldest first, on add and prune", async () => {
    let t = 0;
    const p = pool({ maxAgeMs: 10_000, now: () => t });
    await p.add([tx(0, 0), tx(1, 2)]); // 1:2 sits behind a gap that nobody fills
    t = 6_000;
    await p.add([tx(0, 1), tx(2, 0)]);
    expect(p.expire()).toBe(0);
    t = 10_000;
    // 0:0 and 1:2 go; 0:1 stays but is not executable without 0:0.
    expect(codes(await p.add([tx(3, 0)]))).toEqual(["ok"]);
    expect(p.size).toBe(3);
    expect(p.accounts).toBe(3);
    expect(p.has(hashOf(tx(1, 2)))).toBe(false);
    expect(p.take().map(hashOf)).toEqual([tx(2, 0), tx(3, 0)].map(hashOf));
    t = 16_000;
    p.prune([]);
    expect(p.size).toBe(1);
    expect(p.take().map(hashOf)).toEqual([hashOf(tx(3, 0))]);
    t = 1e9;
    expect(p.expire()).toBe(1);
    expect([p.size, p.bytes, p.accounts]).toEqual([0, 0, 0]);
  });
});

describe("invariants", () => {
  type Pick = { s: number; n: number; kind: "valid" | "alt" | "sig" | "body" | "cut" | "junk" };
  const pick = fc.record({
    s: fc.integer({ min: 0, max: 4 }),
    n: fc.integer({ min: 0, max: 9 }),
    kind: fc.constantFrom<Pick["kind"]>("valid", "valid", "valid", "alt", "sig", "body", "cut", "junk"),
  });
  const command = fc.oneof(
    fc.record({ op: fc.constant("add" as const), picks: fc.array(pick, { maxLength: 12 }) }),
    fc.record({ op: fc.constant("addTwice" as const), picks: fc.array(pick, { maxLength: 8 }), more: fc.array(pick, { maxLength: 8 }) }),
    fc.record({ op: fc.constant("take" as const), maxTxs: fc.integer({ min: 1, max: 30 }) }),
    fc.record({ op: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 400 }) }),
    fc.record({ op: fc.constant("finalize" as const), maxTxs: fc.integer({ min: 1, max: 10 }), executed: fc.integer({ min: 0, max: 10 }) }),
  );

  function bytesOf(p: Pick): Uint8Array {
    const base = p.kind === "alt" ? tx(p.s, p.n, { op: "register", name: `alt${p.s}` }) : tx(p.s, p.n);
    switch (p.kind) {
      case "sig":
        return flip(base, -7);
      case "body":
        return flip(tx(p.s, p.n, { op: "register", name: `body${p.s}` }), 40);
      case "cut":
        return base.subarray(0, base.length - 1);
      case "junk":
        return Uint8Array.from({ length: 20 + p.n }, (_, i) => (i * 31 + p.s) & 0xff);
      default:
        return base;
    }
  }

  it("never holds more than maxTotal, never returns an invalid signature, never repeats a (signer, nonce)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(command, { maxLength: 25 }),
        async (maxTotal, maxPerAccount, nonceWindow, commands) => {
          const state = new Map<string, bigint>();
          let now = 0;
          const p = pool({ state, maxTotal, maxPerAccount, nonceWindow, maxAgeMs: 1000, now: () => now });
          const check = (taken: Uint8Array[]) => {
            expect(p.size).toBeLessThanOrEqual(maxTotal);
            expect(p.accounts).toBeLessThanOrEqual(p.size);
            expect(p.bytes >= p.size * 99 && (p.size > 0 || p.bytes === 0)).toBe(true);
            const slots = new Set<string>();
            for (const t of taken) {
              expect(verifyTxSignature(core.codec, t, CHAIN_ID)).toBe(true);
              const v = core.codec.decodeTx(t);
              expect(slots.has(`${v.signer}:${v.nonce}`)).toBe(false);
              slots.add(`${v.signer}:${v.nonce}`);
            }
            expectWellFormed(p, taken);
          };
          for (const c of commands) {
            if (c.op === "add") {
              await p.add(c.picks.map(bytesOf));
            } else if (c.op === "addTwice") {
              await Promise.all([p.add(c.picks.map(bytesOf)), p.add(c.more.map(bytesOf))]);
            } else if (c.op === "take") {
              check(p.take({ maxTxs: c.maxTxs }));
            } else if (c.op === "tick") {
              now += c.ms;
            } else {
              // Finalize a prefix of a block: the executor consumed the nonces of what it ran.
              const block = p.take({ maxTxs: c.maxTxs });
              check(block);
              const ran = block.slice(0, c.executed);
              const newNonces = new Map<string, bigint>();
              for (const v of decoded(ran)) newNonces.set(v.signer, v.nonce + 1n);
              for (const [s, n] of newNonces) state.set(s, n);
              p.prune(ran, newNonces);
            }
            check(p.take());
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
