// The forwarder's batching and fall-through, against stand-in validator APIs on loopback that
// answer as the real /submit does (a batch in, one verdict per transaction out): transactions of
// one event-loop turn travel together, a validator that refuses requests or is down passes the
// whole batch on, and only the transactions it refused for a reason of its own (BUSY) go on; an
// answer that is not the documented shape counts as none; a validator that gave no verdicts is
// passed over for a while (virtual clock), so a hung one does not cost every fourth batch a timeout.
// (End to end against real validators: relay.test.ts.)
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeTxBatch } from "@nullspace/core";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { fuzzRuns } from "../../core-as/test/support/fuzz.js";
import { Forwarder, type MempoolVerdict, verdictOf } from "../src/api/forward.js";

const servers: Server[] = [];

/** A stand-in /submit: `answer` decides each transaction's verdict, or the status of the whole request. */
async function standIn(
  answer: (tx: Uint8Array) => unknown,
  delayMs = 0,
  hangs: () => boolean = () => false,
): Promise<{ url: string; got: number[][]; asked: () => number }> {
  const got: number[][] = [];
  let asked = 0;
  const server = createServer((req, res) => {
    asked++;
    if (hangs()) return; // reads nothing, answers nothing (a frozen process)
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const txs = decodeTxBatch(new Uint8Array(Buffer.concat(chunks)), 1024);
      got.push(txs.map((t) => t[0] as number));
      const verdicts = txs.map(answer);
      const status = verdicts.find((v) => typeof v === "number");
      res.writeHead(typeof status === "number" ? status : 200, { "content-type": "application/json" });
      res.end(JSON.stringify(typeof status === "number" ? { error: { code: "API_RATE_LIMITED" } } : { results: verdicts }));
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got, asked: () => asked };
}

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections(); // a hung stand-in's requests too
    await new Promise((r) => s.close(r));
  }
});

const tx = (i: number) => Uint8Array.of(i, 1, 2, 3);
/** A transaction hash's form (64 lowercase hex) that reads back as `label`. */
const hashOf = (label: string | number) => Buffer.from(String(label).padEnd(32, ".")).toString("hex");

describe("forwarder", () => {
  it("sends one turn's transactions as one batch, and splits past maxBatch", async () => {
    const v = await standIn((t) => ({ ok: true, hash: hashOf(t[0] as number) }));
    const f = new Forwarder({ validators: [v.url], timeoutMs: 2000, maxBatch: 8 });
    const verdicts = await Promise.all(Array.from({ length: 20 }, (_, i) => f.forward(tx(i))));
    expect(verdicts.map((x) => x.hash)).toEqual(Array.from({ length: 20 }, (_, i) => hashOf(i)));
    expect(v.got.map((b) => b.length)).toEqual([8, 8, 4]);
    expect(v.got.flat()).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // A byte bound too: transactions of 4 bytes, at most 10 bytes a batch, so two a batch.
    const small = await standIn((t) => ({ ok: true, hash: hashOf(t[0] as number) }));
    const byBytes = new Forwarder({ validators: [small.url], timeoutMs: 2000, maxBatchBytes: 10 });
    await Promise.all(Array.from({ length: 5 }, (_, i) => byBytes.forward(tx(i))));
    expect(small.got).toEqual([[0, 1], [2, 3], [4]]);
  });

  it("passes a whole batch on past a validator that refuses the request, and only BUSY ones past a busy one", async () => {
    const limited = await standIn(() => 429);
    const busy = await standIn((t) =>
      (t[0] as number) % 2 === 1 ? { ok: false, code: "BUSY", retryable: true } : { ok: true, hash: hashOf("busy") },
    );
    const fine = await standIn((t) => ((t[0] as number) === 5 ? { ok: false, code: "BAD_NONCE" } : { ok: true, hash: hashOf("fine") }));
    const f = new Forwarder({ validators: [limited.url, busy.url, fine.url], timeoutMs: 2000 });
    const verdicts = await Promise.all([0, 1, 2, 3, 5].map((i) => f.forward(tx(i))));
    expect(verdicts.map((x) => x.hash ?? x.code)).toEqual([hashOf("busy"), hashOf("fine"), hashOf("busy"), hashOf("fine"), "BAD_NONCE"]);
    expect(limited.got).toEqual([[0, 1, 2, 3, 5]]);
    expect(busy.got).toEqual([[0, 1, 2, 3, 5]]);
    expect(fine.got).toEqual([[1, 3, 5]]);
  });

  it("passes a whole batch on past a validator whose verdicts are not verdicts, and never throws on them", async () => {
    const hash = "ab".repeat(32);
    const shapes: unknown[] = [null, true, "ok", [], { ok: "yes" }, { ok: false }, { ok: false, code: 5 }, { ok: true, hash: "zz" }];
    let k = 0;
    const faulty = await standIn((t) => ((t[0] as number) === 3 ? shapes[k++ % shapes.length] : { ok: true, hash }));
    const fine = await standIn(() => ({ ok: true, hash: "cd".repeat(32) }));
    for (let i = 0; i < shapes.length; i++) {
      // A new forwarder each time: one passes a validator that answered garbage over for a while.
      const f = new Forwarder({ validators: [faulty.url, fine.url], timeoutMs: 2000 });
      const verdicts = await Promise.all([1, 3].map((t) => f.forward(tx(t))));
      expect(verdicts.map((v) => v.hash)).toEqual(["cd".repeat(32), "cd".repeat(32)]);
    }
    expect(fine.got).toEqual(shapes.map(() => [1, 3]));
    expect(faulty.got).toHaveLength(shapes.length);
  });

  it("passes over a validator that gave no verdicts, for a pause that doubles while it fails, and takes it back once it answers", async () => {
    let hanging = true;
    const hung = await standIn(
      (t) => ({ ok: true, hash: hashOf(`h${t[0]}`) }),
      0,
      () => hanging,
    );
    const fine = await standIn((t) => ({ ok: true, hash: hashOf(t[0] as number) }));
    let now = 0;
    const f = new Forwarder({ validators: [hung.url, fine.url], timeoutMs: 200, now: () => now });
    /** `n` transactions, each in a turn of its own, each answered before the next. */
    const oneByOne = async (n: number) => {
      for (let i = 0; i < n; i++) expect((await f.forward(tx(i))).ok).toBe(true);
    };
    await oneByOne(6); // the first waits out the timeout on `hung`, then goes to `fine`
    expect(hung.asked()).toBe(1);
    expect(fine.got).toHaveLength(6);
    now = 999;
    await oneByOne(4);
    expect(hung.asked()).toBe(1); // passed over for 1 s
    now = 1000;
    await oneByOne(4);
    expect(hung.asked()).toBe(2); // tried again, still hung: 2 s now
    now = 2999;
    await oneByOne(4);
    expect(hung.asked()).toBe(2);
    hanging = false;
    now = 3000;
    await oneByOne(4);
    const answered = hung.got.length;
    expect(answered).toBeGreaterThanOrEqual(1);
    await oneByOne(4);
    expect(hung.got.length - answered).toBe(2); // it answered, so it is back in turn: every other batch
    // With every validator passed over, batches still go out (the original turn).
    const alone = new Forwarder({ validators: ["http://127.0.0.1:9"], timeoutMs: 200, now: () => now });
    await expect(alone.forward(tx(1))).rejects.toMatchObject({ code: "RELAY_UPSTREAM_UNAVAILABLE" });
    await expect(alone.forward(tx(2))).rejects.toMatchObject({ code: "RELAY_UPSTREAM_UNAVAILABLE" });
  });

  it("takes exactly the documented verdicts from any JSON (fast-check)", () => {
    expect(verdictOf({ ok: true, hash: "0f".repeat(32) })).toEqual({ ok: true, hash: "0f".repeat(32) });
    const refusal = { ok: false, code: "BAD_NONCE", hash: "0f".repeat(32), retryable: false, hint: "fetch the nonce" };
    expect(verdictOf({ ...refusal, decodeCode: 3 })).toEqual(refusal);
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const got = verdictOf(v);
        if (got === undefined) return;
        expect(typeof got.ok).toBe("boolean");
        if (got.hash !== undefined) expect(got.hash).toMatch(/^[0-9a-f]{64}$/);
        if (!got.ok) expect(got.code).toMatch(/^[A-Z][A-Z0-9_]{0,63}$/);
        else expect(got.code).toBeUndefined();
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });

  it("answers the first validator's own refusal when no other accepts, and UPSTREAM_UNAVAILABLE when none answers", async () => {
    const busy = await standIn(() => ({ ok: false, code: "BUSY", retryable: true }));
    const full = await standIn(() => ({ ok: false, code: "POOL_FULL", retryable: true }));
    const f = new Forwarder({ validators: [busy.url, full.url], timeoutMs: 2000 });
    expect(await f.forward(tx(1))).toMatchObject({ ok: false, code: "BUSY" });
    const down = new Forwarder({ validators: ["http://127.0.0.1:9"], timeoutMs: 2000 });
    await expect(down.forward(tx(1))).rejects.toMatchObject({ code: "RELAY_UPSTREAM_UNAVAILABLE" });
  });

  it("keeps at most maxInflight batches out per validator; what waits goes in one batch when a slot frees", async () => {
    const slow = await standIn((t) => ({ ok: true, hash: hashOf(t[0] as number) }), 150);
    const f = new Forwarder({ validators: [slow.url], timeoutMs: 2000, maxInflight: 1 });
    const first = f.forward(tx(0));
    // Five more, each in a turn of its own while the first batch is out.
    const rest: Promise<MempoolVerdict>[] = [];
    for (let i = 1; i <= 5; i++) {
      await new Promise((r) => setImmediate(r));
      rest.push(f.forward(tx(i)));
    }
    expect((await Promise.all([first, ...rest])).map((v) => v.hash)).toEqual([0, 1, 2, 3, 4, 5].map(hashOf));
    expect(slow.got).toEqual([[0], [1, 2, 3, 4, 5]]);
  });
});
