// The /submit load generator, in its own process: signs register transactions for many fresh
// accounts before the clock starts (one transaction per account, so neither the nonce window nor
// the per-account rate limit is what is measured), then posts them at rising concurrency, each
// level for a fixed time, and reports accepted transactions per second and request latencies.
// Requests go through lean-http.ts, a keep-alive connection per request in flight: fetch cost this
// process ~1.2 ms of CPU an accepted transaction and node:http ~150 µs, taken from the relay and
// validators on the same 2 cores.
// Each level first opens its sockets (one GET /healthz on each, all at once) and reports how long
// that took, then starts the clock: a busy Node server accepts one connection an event-loop turn
// (libuv/libuv#3696), so 512 new sockets took it 8 s, and timing them would put that ramp, not
// /submit, in the p99 (docs/benchmarks.md, "Relay"). Players' keep-alive sockets, or a load
// balancer's to the relay, are open before they submit. A newcomer's new connection is timed
// beside them (newcomerP50Ms): that ramp, measured on its own.
// IPC in: {op: "run", url, wasmPath, chainId, levels, seconds, txs, seed, direct}; out: {op: "signed"}, {op: "levelStart"} then {op: "level" | "direct", …} for each level, {op: "done"}.
import { readFileSync } from "node:fs";
import { Core, sha256, signerFromSeedSync, signTxSync } from "@nullspace/core";
import { verdictOfAnswer } from "./background-load.js";
import { type Histogram, quantileOf, record } from "./histogram.js";
import { LeanHttpConnection } from "./lean-http.js";

interface Run {
  op: "run";
  url: string;
  wasmPath: string;
  chainId: string;
  levels: number[];
  seconds: number;
  txs: number;
  seed: string;
  /** A validator's API URL to post to directly after the levels, for comparison. */
  direct?: string;
  directConcurrency: number;
}

async function run(m: Run): Promise<void> {
  const core = await Core.load(readFileSync(m.wasmPath));
  const chainId = BigInt(m.chainId);
  const txs: Uint8Array[] = [];
  for (let a = 0; a < m.txs; a++) {
    const signer = signerFromSeedSync(sha256(new TextEncoder().encode(`${m.seed}-${a}`)));
    txs.push(signTxSync({ codec: core.codec, signer, chainId, nonce: 0n, instruction: { op: "register", name: `s${a}` } }));
  }
  process.send?.({ op: "signed", txs: txs.length });
  let next = 0;
  /** Posts transactions with `concurrency` requests in flight for `m.seconds`; reports what was accepted. */
  const level = async (url: string, concurrency: number) => {
    const hist: Histogram = new Map();
    const refused = new Map<string, number>();
    let accepted = 0;
    const connections = Array.from({ length: concurrency }, () => new LeanHttpConnection(url));
    const opening = performance.now();
    const opened = await Promise.allSettled(connections.map((c) => c.get("/healthz", 30_000)));
    const socketsOpenMs = performance.now() - opening;
    const socketsFailed = opened.filter((o) => o.status === "rejected" || o.value.status !== 200).length;
    process.send?.({ op: "levelStart" }); // the CPU accounting starts here, after the sockets are open
    const start = performance.now();
    const end = start + m.seconds * 1000;
    const worker = async (connection: LeanHttpConnection) => {
      while (performance.now() < end && next < txs.length) {
        const tx = txs[next++] as Uint8Array;
        const t0 = performance.now();
        let code = "REQUEST_FAILED";
        try {
          code = verdictOfAnswer((await connection.post("/submit", "application/vnd.nullspace.tx", tx, 30_000)).body);
        } catch {}
        record(hist, performance.now() - t0);
        if (code === "ok") accepted++;
        else refused.set(code, (refused.get(code) ?? 0) + 1);
      }
    };
    // Meanwhile a newcomer: a new connection every 250 ms, timed to its first answer (GET /healthz).
    const newcomers: number[] = [];
    const newcomer = async () => {
      while (performance.now() < end - 250) {
        await new Promise((r) => setTimeout(r, 250));
        const fresh = new LeanHttpConnection(url);
        const t0 = performance.now();
        await fresh.get("/healthz", 30_000).then(
          () => newcomers.push(performance.now() - t0),
          () => newcomers.push(Number.POSITIVE_INFINITY),
        );
        fresh.close();
      }
    };
    // The level's time ends with its workers: a newcomer still waiting then does not lengthen it.
    const workersDone = Promise.all(connections.map(worker)).then(() => performance.now());
    await Promise.all([newcomer(), workersDone]);
    for (const c of connections) c.close();
    newcomers.sort((a, b) => a - b);
    const seconds = ((await workersDone) - start) / 1000;
    return {
      concurrency,
      seconds,
      accepted,
      perSec: accepted / seconds,
      p50Ms: quantileOf(hist, 0.5),
      p99Ms: quantileOf(hist, 0.99),
      refused: Object.fromEntries(refused),
      socketsOpenMs,
      socketsFailed,
      newcomers: newcomers.length,
      newcomerP50Ms: newcomers[Math.floor(newcomers.length / 2)] ?? Number.NaN,
      newcomerMaxMs: newcomers.at(-1) ?? Number.NaN,
    };
  };
  const drain = () => new Promise((r) => setTimeout(r, 2000)); // let the validators drain between levels
  for (const concurrency of m.levels) {
    process.send?.({ op: "level", ...(await level(m.url, concurrency)) });
    if (next >= txs.length) break;
    await drain();
  }
  // For comparison: the same load straight to one validator, to tell the relay's cost from the chain's.
  if (m.direct && next < txs.length) {
    await drain();
    process.send?.({ op: "direct", ...(await level(m.direct, m.directConcurrency)) });
  }
  process.send?.({ op: "done" });
}

// Forked by the bench: gone with it, however it ended.
process.once("disconnect", () => process.exit(0));
process.on("message", (m: Run) => {
  if (m.op === "run") void run(m);
});
