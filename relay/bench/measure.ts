// One fan-out measurement of the relay benchmark (relay.ts), the same for a relay and for the bare
// baseline: record arrivals at every subscriber for a while, wait for the last height to reach
// them all, then turn arrivals into latencies (from when each height began to be sent, and from
// when it was available), beside where the machine's cores went meanwhile.

import { readdirSync, readFileSync } from "node:fs";
import WebSocket from "ws";
import { machineCpuSeconds, mainThreadCpuSeconds, processCpuSeconds } from "../../validators/bench/proc-cpu.js";
import { median, round } from "../../validators/bench/stats.js";
import type { Generators, Reply } from "./generators.js";
import { type Histogram, merge, quantileOf } from "./histogram.js";
import type { PassSplit } from "./relay-under-test.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What a measurement needs of the bench: its generators, the chain, and where to print. */
export interface MeasureContext {
  gens: Generators;
  /** What makes the heights: the validators, or the replay of their recorded chain (replayed-chain.ts). */
  chain: { name: string; pids: (number | undefined)[] };
  /** Validator 0's finalized height (the replay's tip). */
  finalized: () => Promise<number>;
  say: (line: string) => void;
}

/** The servers measured (one, or one per relay): subscriber g's server is g % servers. */
export interface MeasureTarget {
  /** What server `k` reported sending, by height. */
  sentAt: (k: number) => Map<number, { atMs: number }>;
  servers: number;
  seconds: number;
  /** Subscribers open. */
  open: number;
  /** When each height was available to send (the relay: validator 0's complete bundle; the baseline: when it was due). */
  availableAt: (k: number, h: number) => number | undefined;
  /** The server processes under test (their CPU, and their main threads', is reported beside the validators' and the generators'). */
  serverPids: Record<string, (number | undefined)[]>;
  /** Socket writes the servers have finished so far (a relay's passes, a bare server's broadcasts, times their sockets). */
  writesSoFar: () => number;
  /** Where a newcomer subscribes while the others are served (see probeJoins); the baseline has
   * none: behind its schedule, it sends without yielding to its event loop, so it accepts nobody. */
  joinUrl?: string;
}

export interface Measured {
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

/** Records for `t.seconds`, then waits for the last height's frames and turns arrivals into latencies. */
export async function measure(ctx: MeasureContext, t: MeasureTarget): Promise<Measured> {
  const { gens, say } = ctx;
  const { sentAt, servers, seconds, open, availableAt, serverPids, writesSoFar, joinUrl } = t;
  const groups = Array.from({ length: servers }, (_, k) => k);
  const joins = joinUrl ? probeJoins(joinUrl, seconds) : undefined;
  const started = await gens.askAll<Reply & { lastSeen: number }>({ op: "record" });
  // The first height sent entirely while recording, per server: past every height whose sending had
  // begun (the sender's report may lag its first frames, so what its subscribers saw counts too).
  const first = groups.map(
    (k) => Math.max(0, ...sentAt(k).keys(), ...started.filter((_, g) => g % servers === k).map((r) => r.lastSeen)) + 1,
  );
  const t0 = performance.now();
  // PostgreSQL and Redis (two relays' shared store and bus), when running: what the relays cost
  // the machine beyond their own processes.
  const storeAndBus = pidsNamed(["postgres", "redis-server"]);
  const cpuParts = {
    ...serverPids,
    [ctx.chain.name]: ctx.chain.pids,
    generators: gens.pids,
    ...(storeAndBus.length > 0 ? { "postgres and redis": storeAndBus } : {}),
  };
  // A server's event loop is its main thread: what it got of the cores, apart from its other threads.
  const cpuOf = () => cpuSnapshot(cpuParts, Object.keys(serverPids));
  const cpu0 = cpuOf();
  const writes0 = writesSoFar();
  const chain0 = await ctx.finalized();
  for (let s = 1; s <= seconds; s++) {
    await sleep(1000);
    if (s % 5 === 0 || s === seconds) {
      const st = await gens.askAll<Reply & { open: number; closed: number }>({ op: "status" });
      say(
        `  ${s}/${seconds} s: ${groups.map((k) => sentAt(k).size).join(" + ")} sent so far, ${st.reduce((a, x) => a + x.open, 0)} open, ${st.reduce((a, x) => a + x.closed, 0)} closed`,
      );
    }
  }
  const last = groups.map((k) => Math.max(0, ...sentAt(k).keys()));
  const elapsed = (performance.now() - t0) / 1000;
  // Where the two cores went while recording: the ratio compares two servers on one machine, and
  // what the others took (the load generator receiving every frame above all) is not theirs.
  const cpu1 = cpuOf();
  const writes = writesSoFar() - writes0;
  const chainRate = ((await ctx.finalized()) - chain0) / elapsed;
  say(
    `  meanwhile ${ctx.chain.name === "validators" ? "the validators finalized" : `the ${ctx.chain.name} released`} ${round(chainRate, 1)} heights/s`,
  );
  say(
    `  cores used while recording: machine ${round((cpu1.machine.busy - cpu0.machine.busy) / elapsed, 2)}, ${Object.keys(cpu1.byPart)
      .map((name) => `${name} ${round(cpuSpent(cpu0, cpu1, name) / elapsed, 2)}`)
      .join(", ")}`,
  );
  // A relay's send pass against the bare loop is about (µs a write, relay over bare server) ×
  // (main-thread cores, bare server over relay); the p99s add how much passes and loops vary. This
  // is the first factor, everything else a main thread did included.
  const mainCpu = cpu1.mainThreads - cpu0.mainThreads;
  say(
    `  ${Math.round(writes / elapsed)} socket writes/s: ${round((mainCpu * 1e6) / Math.max(1, writes), 1)} µs of main-thread CPU a write`,
  );
  // Delivery of the last height may lag by seconds under load: wait until every open socket has it
  // (up to 30 s). Frames reach a socket in order, so then it has every earlier height too. (Waiting
  // only until some socket saw a later height counted in-flight frames as missing.)
  for (let k = 0; k < 300; k++) {
    const st = await Promise.all(
      gens.procs.map((g, i) => gens.ask<Reply & { open: number; heightCount: number }>(g, { op: "status", height: last[i % servers] })),
    );
    if (st.every((x) => x.heightCount >= x.open)) break;
    await sleep(100);
  }
  await sleep(500);
  const sent = groups.map((k) =>
    [...sentAt(k)].filter(([h]) => h >= (first[k] as number) && h <= (last[k] as number)).map(([h, v]) => [h, v.atMs]),
  );
  const available = groups.map((k) =>
    (sent[k] as number[][]).flatMap(([h]) => {
      const at = availableAt(k, h as number);
      return at === undefined ? [] : [[h, at]];
    }),
  );
  const parts = await Promise.all(
    gens.procs.map((g, i) =>
      gens.ask<
        Reply & {
          hist: [number, number][];
          fromAvailable: [number, number][];
          frames: number;
          missing: number;
          closed: number;
          sizes: [number, number][];
        }
      >(g, { op: "collect", sent: sent[i % servers], available: available[i % servers] }),
    ),
  );
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
    // Heights per server (each publishes every height): their mean.
    heights: sent.reduce((a, x) => a + x.length, 0) / servers,
    seconds: elapsed,
    sizes,
    fromAvailable,
  };
  say(
    `  ${m.heights} heights (${round(m.heights / elapsed, 1)}/s) to ${open} subscribers: ${m.frames} frames, p50 ${round(quantileOf(hist, 0.5), 1)} ms, p99 ${round(quantileOf(hist, 0.99), 1)} ms, max ${round(quantileOf(hist, 1), 1)} ms; ${m.missing} missing, ${m.closed} closed`,
  );
  const j = await joins;
  if (j)
    say(
      `  a newcomer subscribing meanwhile (${j.open.length} tries from this process): open in p50 ${round(median(j.open), 1)} ms (max ${round(Math.max(0, ...j.open), 1)}), first frame p50 ${round(median(j.first), 1)} ms (max ${round(Math.max(0, ...j.first), 1)})`,
    );
  say(
    `  from when each height was available (${available.reduce((a, x) => a + x.length, 0)} of ${sent.reduce((a, x) => a + x.length, 0)} heights timed): p50 ${round(quantileOf(fromAvailable, 0.5), 1)} ms, p99 ${round(quantileOf(fromAvailable, 0.99), 1)} ms`,
  );
  return m;
}

/**
 * What a player joining a busy server waits: once a second for `seconds`, one new WebSocket from
 * this process (not a load generator, whose event loops are full), timed to its handshake and to
 * its first frame, then closed.
 */
async function probeJoins(url: string, seconds: number): Promise<{ open: number[]; first: number[] }> {
  const open: number[] = [];
  const first: number[] = [];
  const endMs = performance.now() + seconds * 1000;
  while (performance.now() < endMs - 1000) {
    const t0 = performance.now();
    await new Promise<void>((done) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      const give = setTimeout(() => ws.terminate(), 10_000);
      ws.once("open", () => open.push(performance.now() - t0));
      ws.once("message", () => {
        first.push(performance.now() - t0);
        ws.terminate();
      });
      ws.on("error", () => {});
      ws.once("close", () => {
        clearTimeout(give);
        done();
      });
    });
    await sleep(Math.max(0, 1000 - (performance.now() - t0)));
  }
  return { open, first };
}

/**
 * CPU seconds used so far (/proc): the machine's, busy and in all, and each part's processes'
 * together; for the parts named in `mainThreadsOf`, also their main threads' alone, as
 * "<part>' main threads", and all those main threads' together (`mainThreads`).
 */
export function cpuSnapshot(parts: Record<string, (number | undefined)[]>, mainThreadsOf: readonly string[] = []) {
  const byPart: Record<string, number> = {};
  const byPid: Record<string, Map<number, number>> = {};
  for (const [name, pids] of Object.entries(parts)) {
    const seconds = new Map(pids.flatMap((p) => (p === undefined ? [] : [[p, processCpuSeconds(p)] as const])));
    byPid[name] = seconds;
    byPart[name] = [...seconds.values()].reduce((a, x) => a + x, 0);
  }
  let mainThreads = 0;
  for (const name of mainThreadsOf) {
    const seconds = (parts[name] ?? []).reduce((a: number, p) => a + mainThreadCpuSeconds(p), 0);
    byPart[`${name}' main threads`] = seconds;
    mainThreads += seconds;
  }
  return { machine: machineCpuSeconds(), byPart, byPid, mainThreads };
}

/**
 * CPU seconds part `name` used between two snapshots, counted per process: one that ended
 * meanwhile (a PostgreSQL backend) reads 0 and took its seconds with it, so it counts 0, not
 * minus what it had used before.
 */
export function cpuSpent(from: CpuSnapshot, to: CpuSnapshot, name: string): number {
  const before = from.byPid[name];
  const after = to.byPid[name];
  if (!before || !after) return (to.byPart[name] as number) - (from.byPart[name] as number); // main threads
  let spent = 0;
  for (const [pid, seconds] of after) spent += Math.max(0, seconds - (before.get(pid) ?? 0));
  return spent;
}

export type CpuSnapshot = ReturnType<typeof cpuSnapshot>;

/** The pids of every process whose command name is one of `names` (/proc/PID/comm). */
function pidsNamed(names: readonly string[]): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return names.includes(readFileSync(`/proc/${d}/comm`, "utf8").trim());
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/**
 * The slowest tenth of the passes against the rest, each as a mean split of the time since the
 * previous pass ended: the main thread on a core, runnable but off the cores, and asleep (waiting
 * for I/O); beside it the wall time inside the hub's send turns (off-core time included). Says
 * whether the long passes are more work or a thread kept off the cores.
 */
export function passSplitLine(passes: readonly Omit<PassSplit, "ms" | "backlog">[]): string {
  const sorted = [...passes].sort((a, b) => a.sinceMs - b.sinceMs);
  const cut = Math.floor(sorted.length * 0.9);
  type Split = (typeof passes)[number];
  const mean = (ps: readonly Split[], f: (p: Split) => number) => round(ps.reduce((a, p) => a + f(p), 0) / Math.max(1, ps.length), 1);
  const line = (ps: readonly Split[]) =>
    `${mean(ps, (p) => p.sinceMs)} ms = on a core ${mean(ps, (p) => p.runMs)} + off the cores ${mean(ps, (p) => p.waitMs)} + asleep ${mean(ps, (p) => p.sinceMs - p.runMs - p.waitMs)} (in send turns ${mean(ps, (p) => p.fanOutMs)})`;
  return `slowest tenth (${sorted.length - cut}) ${line(sorted.slice(cut))}; the rest (${cut}) ${line(sorted.slice(0, cut))}`;
}
