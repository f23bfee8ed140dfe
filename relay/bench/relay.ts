// npm run bench:relay [-- --connections 15000 --seconds 30 --procs 3 --tx-rate 20 --submit-seconds 5 --submit-levels 8,32,128,512 --keep]
// Issue 4's relay benchmark. A real 4-validator devnet; the relay under test in its own process
// (relay-process.ts) following it; the load generator in --procs child processes on loopback
// (subscribers.ts), holding --connections `ws` clients on /updates?filter=all between them.
// 1. Fan-out: for --seconds, every frame's delivery latency = arrival time at the subscriber −
//    the wall-clock time the relay began publishing that height (printed by the relay process
//    per height; one machine, one clock). Heights come at the devnet's own rate, with --tx-rate
//    register transactions a second submitted through the relay so frames carry events and proofs.
// 2. Baseline: the same load-generator processes reconnect the same number of clients to a bare
//    `ws` server (baseline-server.ts, own process) that broadcasts frames of the sizes the relay
//    sent, at the rate it sent them; measured the same way. deliveryRatio = relay p99 / baseline p99.
// 3. Submit: subscribers closed, a child process (submitter.ts) posts pre-signed transactions of
//    fresh accounts to the relay's /submit at rising concurrency; the best level is reported.
// RSS: the relay's VmRSS with all subscribers connected minus before, per thousand connections.
// Last line: {connections, updatesPerSec, deliveryP50Ms, deliveryP99Ms, baselineDeliveryP99Ms,
// deliveryRatio, rssMbPerThousandConns, submitPerSec, submitP99Ms, dropped}.
import { type ChildProcess, fork, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Core, sha256, signerFromSeedSync, signTxSync } from "@nullspace/core";
import WebSocket from "ws";
import { numberArg, round } from "../../validators/bench/stats.js";
import { Devnet } from "../../validators/src/cli/devnet.js";
import { decodeStreamFrame, StreamTag } from "../src/follow/stream-frame.js";
import { type Histogram, merge, nowMs, quantileOf } from "./histogram.js";

const CONNECTIONS = numberArg("connections", 15_000);
const SECONDS = numberArg("seconds", 30);
const PROCS = numberArg("procs", Math.min(4, Math.max(2, Math.ceil(CONNECTIONS / 5000))));
const TX_RATE = numberArg("tx-rate", 20);
const SUBMIT_SECONDS = numberArg("submit-seconds", 5);
const SUBMIT_LEVELS = (
  process.argv.includes("--submit-levels") ? process.argv[process.argv.indexOf("--submit-levels") + 1] : "8,32,128,512"
)
  ?.split(",")
  .map(Number) as number[];
const RELAY_PORT = 7790;
const BASELINE_PORT = 7791;
const here = fileURLToPath(new URL(".", import.meta.url));
const say = (line: string) => console.log(`[bench] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const wasmPath = process.env.NULLSPACE_CORE_WASM ?? createRequire(import.meta.url).resolve("@nullspace/core/wasm");
const core = await Core.load(readFileSync(wasmPath));
const dir = await mkdtemp(join(tmpdir(), "nullspace-relay-bench-"));
const devnet = await Devnet.create({ dir, basePort: 7700, apiBasePort: 7710, wasmPath, fresh: true, say });
devnet.startAll();
await devnet.waitFor(2n, 120_000);
const chainId = BigInt(devnet.genesis.chainId);

// --- the relay process, and what it says per published height
const published = new Map<number, { atMs: number; buildMs: number; events: number }>();
/** Send passes while measuring: duration and the heights still queued when each ended. */
const passes: { ms: number; backlog: number }[] = [];
let isRecordingPasses = false;
const relayProc = spawn(
  process.execPath,
  [
    "--expose-gc",
    ...(process.env.RELAY_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.RELAY_CPU_PROF] : []),
    "--import",
    "tsx",
    join(here, "relay-process.ts"),
    "--genesis",
    join(dir, "genesis.json"),
    "--validators",
    Array.from({ length: devnet.n }, (_, i) => devnet.apiUrl(i)).join(","),
    "--port",
    String(RELAY_PORT),
    "--data",
    join(dir, "relay-data"),
  ],
  { stdio: ["ignore", "pipe", "inherit"] },
);
const gcWaiters: (() => void)[] = [];
const relayUrl = `http://127.0.0.1:${RELAY_PORT}`;
const listening = new Promise<void>((resolve) => {
  createInterface({ input: relayProc.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    if (line.includes('"relay_listening"')) resolve();
    if (line.includes('"bench_gc"')) for (const w of gcWaiters.splice(0)) w();
    if (line.includes('"bench_pass"') && isRecordingPasses) passes.push(JSON.parse(line) as { ms: number; backlog: number });
    if (!line.includes('"bench_published"')) return;
    const r = JSON.parse(line) as { height: number; atMs: number; buildMs: number; events: number };
    published.set(r.height, r);
  });
});
await listening;
while (
  !(await fetch(`${relayUrl}/readyz`).then(
    (r) => r.ok,
    () => false,
  ))
)
  await sleep(200);
say(`relay ready at ${relayUrl} (pid ${relayProc.pid})`);

// --- when each height's complete bundle (what the relay needs to publish it) left validator 0:
// delivery measured from there says how fresh updates are, including any lag of the relay behind
// the chain, which the send-start clock of deliveryP99Ms leaves out.
const completedAt = new Map<number, number>();
const chainWatch = new WebSocket(`${devnet.apiUrl(0).replace(/^http/, "ws")}/stream`);
chainWatch.on("message", (data: Buffer) => {
  const f = decodeStreamFrame(new Uint8Array(data));
  if (f.tag === StreamTag.COMPLETED) completedAt.set(Number(f.height), nowMs());
});
chainWatch.on("error", () => {});

/** The relay's VmRSS (MB) right after a full garbage collection in it. */
async function rssMb(pid: number): Promise<number> {
  await new Promise<void>((resolve) => {
    gcWaiters.push(resolve);
    relayProc.kill("SIGUSR2");
  });
  await sleep(500);
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1]) / 1024;
}

// --- background transactions so that frames carry events with their proofs
let txAccount = 0;
const txTimer = setInterval(() => {
  const signer = signerFromSeedSync(sha256(new TextEncoder().encode(`relay-bench-bg-${txAccount}`)));
  const tx = signTxSync({ codec: core.codec, signer, chainId, nonce: 0n, instruction: { op: "register", name: `bg${txAccount++}` } });
  void fetch(`${relayUrl}/submit`, {
    method: "POST",
    headers: { "content-type": "application/vnd.nullspace.tx" },
    body: Buffer.from(tx),
  }).catch(() => {});
}, 1000 / TX_RATE);

// --- load-generator processes
interface Reply {
  op: string;
  [k: string]: unknown;
}
const gens: ChildProcess[] = Array.from({ length: PROCS }, () =>
  fork(join(here, "subscribers.ts"), [], { execArgv: ["--import", "tsx"], serialization: "advanced" }),
);
function ask<T extends Reply>(child: ChildProcess, msg: { op: string; [k: string]: unknown }): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Reply) => {
      if (m.op !== msg.op) return;
      child.off("message", on);
      resolve(m as T);
    };
    child.on("message", on);
    child.send(msg);
  });
}
const askAll = <T extends Reply>(msg: { op: string; [k: string]: unknown }) => Promise.all(gens.map((g) => ask<T>(g, msg)));
const share = (i: number) => Math.floor(CONNECTIONS / PROCS) + (i < CONNECTIONS % PROCS ? 1 : 0);

async function connectAll(url: string): Promise<number> {
  const t0 = performance.now();
  const r = await Promise.all(
    gens.map((g, i) => ask<Reply & { open: number; failed: number }>(g, { op: "connect", url, count: share(i) })),
  );
  const open = r.reduce((a, x) => a + x.open, 0);
  const failed = r.reduce((a, x) => a + x.failed, 0);
  say(`${open} subscribers connected to ${url} in ${round((performance.now() - t0) / 1000, 1)} s (${failed} failed)`);
  return open;
}

interface Measured {
  hist: Histogram;
  frames: number;
  missing: number;
  closed: number;
  heights: number;
  seconds: number;
  sizes: Map<number, number>;
  /** Latencies from when each height was available (see `available` of measure). */
  fromAvailable: Histogram;
}

/** Records for `seconds`, then waits for the last height's frames and turns arrivals into latencies. */
async function measure(
  sentAt: () => Map<number, { atMs: number }>,
  seconds: number,
  open: number,
  /** When each height was available to send (the relay: validator 0's complete bundle; the baseline: when it was due). */
  availableAt: (h: number) => number | undefined,
): Promise<Measured> {
  const started = await askAll<Reply & { lastSeen: number }>({ op: "record" });
  // The first height sent entirely while recording: past every height whose sending had begun (the
  // sender's report may lag its first frames, so what the subscribers already saw counts too).
  const first = Math.max(0, ...sentAt().keys(), ...started.map((r) => r.lastSeen)) + 1;
  const t0 = performance.now();
  for (let s = 1; s <= seconds; s++) {
    await sleep(1000);
    if (s % 5 === 0 || s === seconds) {
      const st = await askAll<Reply & { open: number; closed: number }>({ op: "status" });
      say(
        `  ${s}/${seconds} s: ${sentAt().size} sent so far, ${st.reduce((a, x) => a + x.open, 0)} open, ${st.reduce((a, x) => a + x.closed, 0)} closed`,
      );
    }
  }
  const last = Math.max(0, ...sentAt().keys());
  const elapsed = (performance.now() - t0) / 1000;
  // Delivery of the last height may lag by seconds under load: wait until every open socket has it
  // (up to 30 s). Frames reach a socket in order, so then it has every earlier height too. (Waiting
  // only until some socket saw a later height counted in-flight frames as missing.)
  for (let k = 0; k < 300; k++) {
    const st = await askAll<Reply & { open: number; heightCount: number }>({ op: "status", height: last });
    if (st.every((x) => x.heightCount >= x.open)) break;
    await sleep(100);
  }
  await sleep(500);
  const sent = [...sentAt()].filter(([h]) => h >= first && h <= last).map(([h, v]) => [h, v.atMs]);
  const available = sent.flatMap(([h]) => {
    const at = availableAt(h as number);
    return at === undefined ? [] : [[h, at]];
  });
  const parts = await askAll<
    Reply & {
      hist: [number, number][];
      fromAvailable: [number, number][];
      frames: number;
      missing: number;
      closed: number;
      sizes: [number, number][];
    }
  >({
    op: "collect",
    sent,
    available,
  });
  const hist: Histogram = new Map();
  const fromAvailable: Histogram = new Map();
  const sizes = new Map<number, number>();
  for (const p of parts) {
    merge(hist, p.hist);
    merge(fromAvailable, p.fromAvailable);
    for (const [h, s] of p.sizes) sizes.set(h, s);
  }
  const m = {
    hist,
    frames: parts.reduce((a, p) => a + p.frames, 0),
    missing: parts.reduce((a, p) => a + p.missing, 0),
    closed: parts.reduce((a, p) => a + p.closed, 0),
    heights: sent.length,
    seconds: elapsed,
    sizes,
    fromAvailable,
  };
  say(
    `  ${m.heights} heights (${round(m.heights / elapsed, 1)}/s) to ${open} subscribers: ${m.frames} frames, p50 ${round(quantileOf(hist, 0.5), 1)} ms, p99 ${round(quantileOf(hist, 0.99), 1)} ms, max ${round(quantileOf(hist, 1), 1)} ms; ${m.missing} missing, ${m.closed} closed`,
  );
  say(
    `  from when each height was available (${available.length} of ${sent.length} heights timed): p50 ${round(quantileOf(fromAvailable, 0.5), 1)} ms, p99 ${round(quantileOf(fromAvailable, 0.99), 1)} ms`,
  );
  return m;
}

/** Validator 0's finalized height (its /readyz body). */
async function finalizedAt0(): Promise<number> {
  const body = (await fetch(`${devnet.apiUrl(0)}/readyz`).then(
    (r) => r.json(),
    () => ({}),
  )) as { finalized?: string | number };
  return Number(body.finalized ?? Number.NaN);
}

// --- phase 1: the relay
await sleep(5000); // start-up (store replay, wasm instances) settles
const rssBefore = await rssMb(relayProc.pid as number);
say(`phase 1: ${CONNECTIONS} subscribers on the relay in ${PROCS} processes; relay RSS ${round(rssBefore, 1)} MB before`);
const relayOpen = await connectAll(`ws://127.0.0.1:${RELAY_PORT}/updates?filter=all`);
await sleep(3000);
const rssAfter = await rssMb(relayProc.pid as number);
const rssPerThousand = ((rssAfter - rssBefore) / relayOpen) * 1000;
say(`relay RSS ${round(rssAfter, 1)} MB with ${relayOpen} subscribers: ${round(rssPerThousand, 2)} MB per thousand`);
const chainBefore = await finalizedAt0();
const chainT0 = performance.now();
isRecordingPasses = true;
const relayM = await measure(
  () => published,
  SECONDS,
  relayOpen,
  (h) => completedAt.get(h),
);
isRecordingPasses = false;
const chainRate = ((await finalizedAt0()) - chainBefore) / ((performance.now() - chainT0) / 1000);
clearInterval(txTimer);
// The relay publishes every height, in order: when it cannot keep up it falls behind the chain
// rather than skipping, and this says by how much (not part of deliveryP99Ms).
say(
  `  meanwhile the validators finalized ${round(chainRate, 1)} heights/s; the relay's last published height is ${Math.max(0, ...published.keys())}, validator 0's ${await finalizedAt0()}`,
);
const windowSent = [...published].filter(([h]) => relayM.sizes.has(h));
const builds = windowSent.map(([, v]) => v.buildMs).sort((a, b) => a - b);
const passMs = passes.map((p) => p.ms).sort((a, b) => a - b);
say(
  `  relay: frames built in p50 ${round(builds[builds.length >> 1] ?? Number.NaN, 1)} ms a height; ${passes.length} send passes, p50 ${round(passMs[passMs.length >> 1] ?? Number.NaN, 1)} ms, ${round(windowSent.length / Math.max(1, passes.length), 2)} heights a pass; events per height ${round(windowSent.reduce((a, [, v]) => a + v.events, 0) / Math.max(1, windowSent.length), 1)}`,
);
await askAll({ op: "close" });

// --- phase 2: the bare ws baseline, same processes, same count, same sizes and rate
const baseline = fork(join(here, "baseline-server.ts"), [String(BASELINE_PORT)], { execArgv: ["--import", "tsx"] });
await new Promise<void>((resolve) => baseline.on("message", (m: Reply) => m.op === "listening" && resolve()));
const baselineSent = new Map<number, { atMs: number; dueMs: number; sendMs: number }>();
baseline.on("message", (m: Reply & { height: number; atMs: number; dueMs: number; sendMs: number }) => {
  if (m.op === "published") baselineSent.set(m.height, { atMs: m.atMs, dueMs: m.dueMs, sendMs: m.sendMs });
});
say(`phase 2: bare ws baseline, ${CONNECTIONS} subscribers`);
const baseOpen = await connectAll(`ws://127.0.0.1:${BASELINE_PORT}`);
await sleep(3000);
const sizes = [...relayM.sizes].sort(([a], [b]) => a - b).map(([, s]) => s);
const meanSize = sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length);
say(`  replaying ${sizes.length} frames (${Math.round(meanSize)} bytes on average) at the relay's rate`);
baseline.send({ op: "broadcast", sizes, intervalMs: (relayM.seconds * 1000) / Math.max(1, sizes.length) });
const baseM = await measure(
  () => baselineSent,
  relayM.seconds,
  baseOpen,
  (h) => baselineSent.get(h)?.dueMs,
);
const baseLoop = [...baselineSent.values()].map((v) => v.sendMs).sort((a, b) => a - b);
say(`  baseline's send loop per frame: p50 ${round(baseLoop[baseLoop.length >> 1] ?? Number.NaN, 1)} ms`);
await askAll({ op: "close" });
baseline.kill();

// --- phase 3: /submit
say(`phase 3: /submit at concurrency ${SUBMIT_LEVELS.join(", ")}, ${SUBMIT_SECONDS} s each`);
const submitter = fork(join(here, "submitter.ts"), [], { execArgv: ["--import", "tsx"] });
let best = { perSec: 0, p99Ms: Number.NaN };
await new Promise<void>((resolve) => {
  submitter.on("message", (m: Reply & { perSec: number; p99Ms: number; p50Ms: number; accepted: number; concurrency: number }) => {
    if (m.op === "signed") say(`  ${m.txs} transactions signed`);
    if (m.op === "level") {
      say(
        `  concurrency ${m.concurrency}: ${m.accepted} accepted, ${Math.round(m.perSec)}/s, p50 ${round(m.p50Ms, 1)} ms, p99 ${round(m.p99Ms, 1)} ms; refused ${JSON.stringify(m.refused)}`,
      );
      if (m.perSec > best.perSec) best = m;
    }
    if (m.op === "direct")
      say(
        `  for comparison, straight to validator 0 at concurrency ${m.concurrency}: ${Math.round(m.perSec)}/s accepted, p50 ${round(m.p50Ms, 1)} ms, p99 ${round(m.p99Ms, 1)} ms; refused ${JSON.stringify(m.refused)}`,
      );
    if (m.op === "done") resolve();
  });
  submitter.send({
    op: "run",
    url: relayUrl,
    wasmPath,
    chainId: chainId.toString(),
    levels: SUBMIT_LEVELS,
    seconds: SUBMIT_SECONDS,
    txs: numberArg("submit-txs", 40_000),
    seed: "relay-bench-submit",
    direct: devnet.apiUrl(0),
    directConcurrency: 32,
  });
});
submitter.kill();

for (const g of gens) g.kill();
chainWatch.terminate();
relayProc.kill("SIGTERM");
await new Promise((r) => relayProc.once("exit", r));
await devnet.stop();
if (process.argv.includes("--keep")) say(`kept ${dir}`);
else await rm(dir, { recursive: true, force: true });

const p99 = quantileOf(relayM.hist, 0.99);
const baseP99 = quantileOf(baseM.hist, 0.99);
say(`baseline dropped: ${baseM.missing} missing, ${baseM.closed} closed`);
console.log(
  JSON.stringify({
    connections: relayOpen,
    updatesPerSec: round(relayM.heights / relayM.seconds, 1),
    deliveryP50Ms: round(quantileOf(relayM.hist, 0.5), 1),
    deliveryP99Ms: round(p99, 1),
    baselineDeliveryP99Ms: round(baseP99, 1),
    deliveryRatio: round(p99 / baseP99, 2),
    rssMbPerThousandConns: round(rssPerThousand, 2),
    submitPerSec: Math.round(best.perSec),
    submitP99Ms: round(best.p99Ms, 1),
    dropped: relayM.missing + relayM.closed + (CONNECTIONS - relayOpen),
    // Beside the issue's figures: delivery from when a height existed (validator 0's complete
    // bundle; for the baseline, when its frame was due at the relay's rate).
    fromAvailableP99Ms: round(quantileOf(relayM.fromAvailable, 0.99), 1),
    baselineFromDueP99Ms: round(quantileOf(baseM.fromAvailable, 0.99), 1),
  }),
);
process.exit(0);
