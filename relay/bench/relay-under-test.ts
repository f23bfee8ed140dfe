// A relay under the relay benchmark (relay.ts): relay-process.ts spawned in its own process, and
// what it says on stdout per published height, send pass, GC pause and timer gap, kept here.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { median, round } from "../../validators/bench/stats.js";
import { passSplitLine } from "./measure.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface RelayUnderTest {
  proc: ChildProcess;
  url: string;
  published: Map<number, { atMs: number; buildMs: number; events: number }>;
  /** Whether passes, GC pauses and stalls are being kept (while the fan-out is measured). */
  recording: boolean;
  /** Send passes while recording: duration and the heights still queued when each ended. */
  passes: PassSplit[];
  /** The heights still queued when the last send pass ended (recording or not). */
  lastBacklog: number;
  /** While recording: the main thread's GC pauses of 10 ms or more, and its timer's gaps of 100 ms or more (relay-process.ts). */
  gcPauses: { ms: number; kind: string }[];
  stalls: number[];
  /** Waiting for the relay's next bench_gc line: its main thread's V8 heap used + external bytes. */
  gcWaiters: ((jsHeld: number) => void)[];
}

/** One send pass (relay-process.ts): its length and backlog, and how the main thread's time since the previous pass's end split. */
export interface PassSplit {
  ms: number;
  backlog: number;
  /** Wall time since the previous pass ended, and of it: on a core, runnable but off the cores, in the hub's send turns. */
  sinceMs: number;
  runMs: number;
  waitMs: number;
  fanOutMs: number;
}

export interface RelayProcessOptions {
  port: number;
  genesisPath: string;
  validators: string[];
  dataDir: string;
  /** Two relays: the PostgreSQL and Redis bus they share. */
  shared?: { databaseUrl: string; busUrl: string; source?: "store" | "validators" };
}

/** node's argv for relay-process.ts (the benchmarks' relay): `node` flags before it, its own `flags` after the common ones. */
export function relayProcessArgv(
  o: Pick<RelayProcessOptions, "port" | "genesisPath" | "validators" | "dataDir">,
  extra: { node?: string[]; flags?: string[] } = {},
): string[] {
  return [
    ...(extra.node ?? []),
    "--import",
    "tsx",
    join(here, "relay-process.ts"),
    "--genesis",
    o.genesisPath,
    "--validators",
    o.validators.join(","),
    "--port",
    String(o.port),
    "--data",
    o.dataDir,
    ...(extra.flags ?? []),
  ];
}

/** Starts a relay process and resolves once it listens and is ready. */
export async function startRelayProcess(o: RelayProcessOptions): Promise<RelayUnderTest> {
  const proc = spawn(
    process.execPath,
    relayProcessArgv(o, {
      node: ["--expose-gc", ...(process.env.RELAY_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.RELAY_CPU_PROF] : [])],
      flags: [
        ...(o.shared ? ["--database-url", o.shared.databaseUrl, "--bus", o.shared.busUrl] : []),
        ...(o.shared?.source ? ["--source", o.shared.source] : []),
      ],
    }),
    { stdio: ["ignore", "pipe", "inherit", "ipc"] },
  );
  const r: RelayUnderTest = {
    proc,
    url: `http://127.0.0.1:${o.port}`,
    published: new Map(),
    recording: false,
    passes: [],
    lastBacklog: 0,
    gcPauses: [],
    stalls: [],
    gcWaiters: [],
  };
  await new Promise<void>((resolve) => {
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      if (line.includes('"relay_listening"')) resolve();
      if (line.includes('"bench_gc"')) {
        const { jsHeld } = JSON.parse(line) as { jsHeld: number };
        for (const w of r.gcWaiters.splice(0)) w(jsHeld);
      }
      if (line.includes('"bench_pass"')) {
        const pass = JSON.parse(line) as PassSplit;
        r.lastBacklog = pass.backlog;
        if (r.recording) r.passes.push(pass);
      }
      if (line.includes('"bench_gc_pause"') && r.recording) r.gcPauses.push(JSON.parse(line) as { ms: number; kind: string });
      if (line.includes('"bench_stall"') && r.recording) r.stalls.push((JSON.parse(line) as { ms: number }).ms);
      if (!line.includes('"bench_published"')) return;
      const p = JSON.parse(line) as { height: number; atMs: number; buildMs: number; events: number };
      r.published.set(p.height, p);
    });
  });
  await untilReady(r.url, 0);
  return r;
}

/** Waits until the relay at `url` says it is ready and has applied `height` (until it hears from
 * them again, a relay resumed after a pause judges readiness by the validators' old tip). */
export async function untilReady(url: string, height: number): Promise<void> {
  const isReady = () =>
    fetch(`${url}/readyz`).then(
      async (x) => x.ok && Number(((await x.json()) as { height?: string }).height) >= height,
      () => false,
    );
  while (!(await isReady())) await sleep(200);
}

/** The relays' VmRSS and their main threads' V8 heap used + external bytes (MB, summed) right
 * after a full garbage collection in each. RSS also holds the worker threads (the store's PGlite,
 * the σ thread) and what the allocator keeps, which come and go by hundreds of MB on their own;
 * the JS figure is what the connections' objects and buffers hold. */
export async function memoryMb(relays: readonly RelayUnderTest[]): Promise<{ rss: number; js: number }> {
  let rss = 0;
  let js = 0;
  for (const r of relays) {
    js +=
      (await new Promise<number>((resolve) => {
        r.gcWaiters.push(resolve);
        r.proc.kill("SIGUSR2");
      })) /
      2 ** 20;
    await sleep(500);
    const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${r.proc.pid}/status`, "utf8"));
    rss += Number(m?.[1]) / 1024;
  }
  return { rss, js };
}

/**
 * What relay `i` did while it was measured (`sizes`: the heights recorded): how far it published
 * beside the chain's tip (`tip`, said as given), how it built and sent them, where its send passes'
 * time went, and what held its main thread up. One line each.
 */
export function relayReport(i: number, r: RelayUnderTest, sizes: ReadonlyMap<number, number>, tip: string): string[] {
  const round1 = (x: number) => round(x, 1);
  const windowSent = [...r.published].filter(([h]) => sizes.has(h));
  const longestGc = r.gcPauses.reduce((a, g) => (g.ms > a.ms ? g : a), { ms: 0, kind: "none" });
  const gcMs = r.gcPauses.reduce((a, g) => a + g.ms, 0);
  return [
    // The relay publishes every height, in order: when it cannot keep up it falls behind the chain
    // rather than skipping, and this says by how much (not part of deliveryP99Ms).
    `  relay ${i}'s last published height is ${Math.max(0, ...r.published.keys())}, ${tip}`,
    `  relay ${i}: frames built in p50 ${round1(median(windowSent.map(([, v]) => v.buildMs)))} ms a height; ${r.passes.length} send passes, p50 ${round1(median(r.passes.map((p) => p.ms)))} ms (max ${round1(Math.max(0, ...r.passes.map((p) => p.ms)))}), ${round(windowSent.length / Math.max(1, r.passes.length), 2)} heights a pass; events per height ${round1(windowSent.reduce((a, [, v]) => a + v.events, 0) / Math.max(1, windowSent.length))}`,
    `  relay ${i}'s passes, where its main thread's time went: ${passSplitLine(r.passes)}`,
    `  relay ${i}'s main thread held up: ${r.gcPauses.length} GC pauses of 10 ms or more (longest ${round1(longestGc.ms)} ms, ${longestGc.kind}; ${round1(gcMs)} ms in all), ${r.stalls.length} gaps of 100 ms or more between its timer's turns (longest ${round1(Math.max(0, ...r.stalls))} ms)`,
  ];
}
