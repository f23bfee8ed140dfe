// The forwarder's batching and fall-through, against stand-in validator APIs on loopback that
// answer as the real /submit does (a batch in, one verdict per transaction out): transactions of
// one event-loop turn travel together, a validator that refuses requests or is down passes the
// whole batch on, and only the transactions it refused for a reason of its own (BUSY) go on.
// (End to end against real validators: relay.test.ts.)
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeTxBatch } from "@nullspace/core";
import { afterAll, describe, expect, it } from "vitest";
import { Forwarder, type MempoolVerdict } from "../src/api/forward.js";

const servers: Server[] = [];

/** A stand-in /submit: `answer` decides each transaction's verdict, or the status of the whole request. */
async function standIn(answer: (tx: Uint8Array) => MempoolVerdict | number, delayMs = 0): Promise<{ url: string; got: number[][] }> {
  const got: number[][] = [];
  const server = createServer((req, res) => {
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
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, got };
}

afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
});

const tx = (i: number) => Uint8Array.of(i, 1, 2, 3);

describe("forwarder", () => {
  it("sends one turn's transactions as one batch, and splits past maxBatch", async () => {
    const v = await standIn((t) => ({ ok: true, hash: String(t[0]) }));
    const f = new Forwarder({ validators: [v.url], timeoutMs: 2000, maxBatch: 8 });
    const verdicts = await Promise.all(Array.from({ length: 20 }, (_, i) => f.forward(tx(i))));
    expect(verdicts.map((x) => x.hash)).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(v.got.map((b) => b.length)).toEqual([8, 8, 4]);
    expect(v.got.flat()).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // A byte bound too: transactions of 4 bytes, at most 10 bytes a batch, so two a batch.
    const small = await standIn((t) => ({ ok: true, hash: String(t[0]) }));
    const byBytes = new Forwarder({ validators: [small.url], timeoutMs: 2000, maxBatchBytes: 10 });
    await Promise.all(Array.from({ length: 5 }, (_, i) => byBytes.forward(tx(i))));
    expect(small.got).toEqual([[0, 1], [2, 3], [4]]);
  });

  it("passes a whole batch on past a validator that refuses the request, and only BUSY ones past a busy one", async () => {
    const limited = await standIn(() => 429);
    const busy = await standIn((t) =>
      (t[0] as number) % 2 === 1 ? { ok: false, code: "BUSY", retryable: true } : { ok: true, hash: "busy" },
    );
    const fine = await standIn((t) => ((t[0] as number) === 5 ? { ok: false, code: "BAD_NONCE" } : { ok: true, hash: "fine" }));
    const f = new Forwarder({ validators: [limited.url, busy.url, fine.url], timeoutMs: 2000 });
    const verdicts = await Promise.all([0, 1, 2, 3, 5].map((i) => f.forward(tx(i))));
    expect(verdicts.map((x) => x.hash ?? x.code)).toEqual(["busy", "fine", "busy", "fine", "BAD_NONCE"]);
    expect(limited.got).toEqual([[0, 1, 2, 3, 5]]);
    expect(busy.got).toEqual([[0, 1, 2, 3, 5]]);
    expect(fine.got).toEqual([[1, 3, 5]]);
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
    const slow = await standIn((t) => ({ ok: true, hash: String(t[0]) }), 150);
    const f = new Forwarder({ validators: [slow.url], timeoutMs: 2000, maxInflight: 1 });
    const first = f.forward(tx(0));
    // Five more, each in a turn of its own while the first batch is out.
    const rest: Promise<MempoolVerdict>[] = [];
    for (let i = 1; i <= 5; i++) {
      await new Promise((r) => setImmediate(r));
      rest.push(f.forward(tx(i)));
    }
    expect((await Promise.all([first, ...rest])).map((v) => v.hash)).toEqual(["0", "1", "2", "3", "4", "5"]);
    expect(slow.got).toEqual([[0], [1, 2, 3, 4, 5]]);
  });
});
