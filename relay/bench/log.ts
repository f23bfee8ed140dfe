// npm run bench:log -w relay [-- --heights 100 --concurrency 16 --seconds 5 --rounds 2 --tx-rate 20]
// GET /log for a crowd catching up: after a relay restart or a failover, every player asks for the
// heights it missed, the same few recent ones. A real 4-validator devnet at 10 heights/s with
// --tx-rate registrations a second; two relays (relay-process.ts) following it, one answering
// /log from its recent heights in memory (the default) and one from its store (--recent-heights 0).
// Once both hold --heights + 10 heights, each in turn (--rounds times, alternating) takes
// --concurrency requests in flight for the newest --heights heights for --seconds, from this
// process over keep-alive sockets (answers read, not parsed). Prints each run, and as its last
// line {heights, concurrency, kibPerAnswer, storePerSec, memoryPerSec, ratio, storeP99Ms,
// memoryP99Ms} (medians over rounds; ratio = memory / store answers a second).
import { type ChildProcess, spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import http from "node:http";
import { join } from "node:path";
import { encodeTxBatch, sha256, signerFromSeedSync, signTxSync, TX_BATCH_MEDIA_TYPE } from "@nullspace/core";
import { HttpPoster } from "@nullspace/core/node";
import { median, numberArg, round } from "../../validators/bench/stats.js";
import { startBenchDevnet } from "./bench-devnet.js";
import { relayProcessArgv } from "./relay-under-test.js";

const HEIGHTS = numberArg("heights", 100);
const CONCURRENCY = numberArg("concurrency", 16);
const SECONDS = numberArg("seconds", 5);
const ROUNDS = numberArg("rounds", 2);
const TX_RATE = numberArg("tx-rate", 20);
const say = (line: string) => console.log(`[log] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const { core, dir, devnet, chainId } = await startBenchDevnet({ name: "nullspace-log-bench-", say, minIntervalMs: 100 });
const validators = Array.from({ length: devnet.n }, (_, v) => devnet.apiUrl(v));

// Registrations a second, in batches every 100 ms, so heights carry transactions and events.
let sending = true;
const poster = new HttpPoster();
const background = (async () => {
  const perTick = Math.max(1, Math.round(TX_RATE / 10));
  for (let tick = 0, n = 0; sending; tick++) {
    const batch = Array.from({ length: perTick }, () => {
      const signer = signerFromSeedSync(sha256(new TextEncoder().encode(`log-bench-${n}`)));
      return signTxSync({ codec: core.codec, signer, chainId, nonce: 0n, instruction: { op: "register", name: `log${n++}` } });
    });
    await poster.post(`${validators[tick % devnet.n]}/submit`, TX_BATCH_MEDIA_TYPE, encodeTxBatch(batch), 10_000).catch(() => undefined);
    await sleep(100);
  }
})();

interface Relay {
  name: "memory" | "store";
  url: string;
  proc: ChildProcess;
}
const relays: Relay[] = (["memory", "store"] as const).map((name, i) => {
  const port = 7790 + i;
  const argv = relayProcessArgv(
    { port, genesisPath: join(dir, "genesis.json"), validators, dataDir: join(dir, `relay-${name}`) },
    { flags: name === "store" ? ["--recent-heights", "0"] : [] },
  );
  const proc = spawn(process.execPath, argv, { stdio: ["ignore", "ignore", "inherit"] });
  return { name, url: `http://127.0.0.1:${port}`, proc };
});

const heightOf = async (url: string): Promise<number> => {
  try {
    return Number(((await (await fetch(`${url}/healthz`)).json()) as { height: string }).height);
  } catch {
    return 0; // not listening yet
  }
};
say(`two relays following the devnet (memory and store); waiting for ${HEIGHTS + 10} heights`);
for (let last = 0; ; ) {
  const hs = await Promise.all(relays.map((r) => heightOf(r.url)));
  const low = Math.min(...hs);
  if (low >= HEIGHTS + 10) break;
  if (low >= last + 20) say(`  relays at ${hs.join(", ")}`);
  last = Math.max(last, low - (low % 20));
  await sleep(500);
}

/** GETs the newest HEIGHTS heights from `url` with CONCURRENCY in flight for SECONDS. */
async function crowd(url: string): Promise<{ perSec: number; p50Ms: number; p99Ms: number; kib: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY, maxFreeSockets: CONCURRENCY });
  const tip = await heightOf(url);
  const path = `/log?from=${tip - HEIGHTS + 1}&to=${tip}`;
  const get = () =>
    new Promise<number>((resolve, reject) => {
      http
        .get(`${url}${path}`, { agent }, (res) => {
          let bytes = 0;
          res.on("data", (c: Buffer) => {
            bytes += c.length;
          });
          res.on("end", () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`status ${res.statusCode}`))));
          res.on("error", reject);
        })
        .on("error", reject);
    });
  await Promise.all(Array.from({ length: CONCURRENCY }, get)); // the sockets open before the clock
  const latencies: number[] = [];
  let bytes = 0;
  const start = performance.now();
  const end = start + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const n = await get(); // not `bytes += await get()`: that reads bytes before the await
        bytes += n;
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    perSec: latencies.length / seconds,
    p50Ms: latencies[Math.floor(latencies.length / 2)] ?? Number.NaN,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? Number.NaN,
    kib: bytes / latencies.length / 1024,
  };
}

const runs: Record<Relay["name"], Awaited<ReturnType<typeof crowd>>[]> = { memory: [], store: [] };
for (let round_ = 1; round_ <= ROUNDS; round_++) {
  const order = round_ % 2 === 1 ? relays : [...relays].reverse();
  for (const r of order) {
    const m = await crowd(r.url);
    runs[r.name].push(m);
    say(
      `  round ${round_}, ${r.name}: ${Math.round(m.perSec)} answers/s of ${HEIGHTS} heights (${Math.round(m.kib)} KiB), p50 ${round(m.p50Ms, 1)} ms, p99 ${round(m.p99Ms, 1)} ms`,
    );
    await sleep(1000);
  }
}

sending = false;
await background;
poster.close();
for (const r of relays) r.proc.kill("SIGTERM");
await Promise.all(relays.map((r) => new Promise((done) => r.proc.once("exit", done))));
await devnet.stop();
await rm(dir, { recursive: true, force: true });

const med = (name: Relay["name"], key: "perSec" | "p99Ms" | "kib") => median(runs[name].map((m) => m[key]));
console.log(
  JSON.stringify({
    heights: HEIGHTS,
    concurrency: CONCURRENCY,
    kibPerAnswer: Math.round(med("memory", "kib")),
    storePerSec: Math.round(med("store", "perSec")),
    memoryPerSec: Math.round(med("memory", "perSec")),
    ratio: round(med("memory", "perSec") / med("store", "perSec"), 2),
    storeP99Ms: round(med("store", "p99Ms"), 1),
    memoryP99Ms: round(med("memory", "p99Ms"), 1),
  }),
);
process.exit(0);
