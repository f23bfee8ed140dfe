// The relay under test, in its own process: a real relay (startRelay: PGlite store in a temp
// folder, verify → replay → store → publish) following the bench's devnet. Two things differ from
// `npm run relay`, both for the benchmark's sake:
// - every height's publish start is printed (`bench_published`, wall-clock ms) so the load
//   generators can measure delivery against the moment the relay began sending that height;
// - the per-address caps (64 WebSockets, 256 connections, 20 /submit a second) are lifted, because the whole load
//   generator comes from 127.0.0.1 and stands for thousands of players;
// - what held its main thread up is printed: garbage-collection pauses of 10 ms or more
//   (`bench_gc_pause`) and gaps of 100 ms or more between turns of a 20 ms timer (`bench_stall`:
//   the thread blocked or not scheduled), so that a long send pass can be told apart.
// argv: --genesis FILE --validators URL,URL --port P --data DIR [--database-url URL --bus URL
// [--source store]] (two relays sharing a store; the second may read heights from it, decision 006)
// [--recent-heights N] (the heights /log answers from memory; 0: every answer from the store)
// [--checkpoint-every N] (heights between state checkpoints; 0: none written)
import { createRequire } from "node:module";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { stopWhenParentGone } from "@nullspace/core/node";
import { threadSchedMs } from "../../validators/bench/proc-cpu.js";
import type { AppliedHeight } from "../src/chain/chain.js";
import { jsonLog, startRelay } from "../src/start.js";
import { nowMs } from "./histogram.js";

/** An optional flag's value. */
function optional(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function flag(name: string): string {
  const v = optional(name);
  if (!v) throw new Error(`relay-process needs --${name}`);
  return v;
}
const databaseUrl = optional("database-url");
const busUrl = optional("bus");
const source = optional("source");
if (source !== undefined && source !== "store" && source !== "validators") throw new Error("--source is store or validators");
const recentHeights = optional("recent-heights");
const checkpointEvery = optional("checkpoint-every");

const running = await startRelay({
  ...(databaseUrl ? { databaseUrl } : {}),
  ...(busUrl ? { busUrl } : {}),
  ...(source ? { source } : {}),
  ...(recentHeights !== undefined ? { recentBundles: { maxHeights: Number(recentHeights) } } : {}),
  ...(checkpointEvery !== undefined ? { checkpointEvery: Number(checkpointEvery) } : {}),
  genesisPath: flag("genesis"),
  validators: flag("validators").split(","),
  wasmPath: createRequire(import.meta.url).resolve("@nullspace/core/wasm"),
  dataDir: flag("data"),
  host: "127.0.0.1",
  port: Number(flag("port")),
  maxSubscribersPerIp: 1_000_000,
  maxConnectionsPerIp: 1_000_000,
  ipRate: { rate: 1_000_000, burst: 1_000_000 },
  log: jsonLog,
});
const hub = running.relay.hub;
const publish = hub.publish.bind(hub);
hub.publish = (a: AppliedHeight) => {
  const atMs = nowMs();
  publish(a); // builds the height's frames; send passes run after it
  const doneMs = nowMs();
  process.stdout.write(
    `${JSON.stringify({ event: "bench_published", height: Number(a.height), atMs, buildMs: doneMs - atMs, subscribers: hub.subscribers.size, events: a.events.length })}\n`,
  );
};
// Each send pass's length and backlog, read where the relay reports them to its metrics.
const passCounter = running.relay.metrics.updatePasses;
const passMs = running.relay.metrics.updatePassMs;
const setPassMs = passMs.set.bind(passMs);
let lastBacklog = 0;
const setBacklog = running.relay.metrics.updateBacklog.set.bind(running.relay.metrics.updateBacklog);
running.relay.metrics.updateBacklog.set = (v: number) => {
  lastBacklog = v;
  setBacklog(v);
};
// Where the main thread's time went between one pass's end and the next's: on a core (the kernel's
// schedstat), waiting for one (runnable, not running), and inside the hub's send turns. A long
// pass is then either more work (fan-out or other), or the thread kept off the cores.
const hubSteps = hub as unknown as { step: () => void };
const step = hubSteps.step.bind(hub);
let stepMs = 0;
hubSteps.step = () => {
  const t = performance.now();
  step();
  stepMs += performance.now() - t;
};
let last = { atMs: performance.now(), sched: threadSchedMs(), stepMs: 0 };
passMs.set = (ms: number) => {
  setPassMs(ms);
  const now = { atMs: performance.now(), sched: threadSchedMs(), stepMs };
  const split = {
    sinceMs: now.atMs - last.atMs,
    runMs: now.sched.runMs - last.sched.runMs,
    waitMs: now.sched.waitMs - last.sched.waitMs,
    fanOutMs: now.stepMs - last.stepMs,
  };
  last = now;
  process.stdout.write(`${JSON.stringify({ event: "bench_pass", ms, passes: passCounter.get(), backlog: lastBacklog, ...split })}\n`);
};
// What held the main thread up (see the header).
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
  [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weak callbacks",
};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (e.duration < 10) continue;
    const kind = GC_KINDS[(e as { detail?: { kind?: number } }).detail?.kind ?? 0] ?? "other";
    process.stdout.write(`${JSON.stringify({ event: "bench_gc_pause", ms: e.duration, kind })}\n`);
  }
}).observe({ entryTypes: ["gc"] });
let lastTurnMs = performance.now();
setInterval(() => {
  const now = performance.now();
  if (now - lastTurnMs >= 100) process.stdout.write(`${JSON.stringify({ event: "bench_stall", ms: now - lastTurnMs })}\n`);
  lastTurnMs = now;
}, 20).unref();
// SIGUSR2: collect garbage, so the bench reads RSS that is held rather than not yet collected
// (spawned with --expose-gc).
process.on("SIGUSR2", () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ event: "bench_gc", rss: m.rss, jsHeld: m.heapUsed + m.external })}\n`);
});
const stop = async () => {
  await running.stop();
  process.exit(0);
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
// The bench's IPC channel is a lifeline: closed, the bench is gone (however it ended).
stopWhenParentGone(() => void stop());
