// npm run bench:consensus [-- --seconds 30 --latency-seconds 20 --rates 1500,2000,3000,4000,5000 --latency-rate 1000
//   --mix games|faucet --beacon random-ops|non-empty --block-interval-ms 0 --beacon-interval-ms 50 --beacon-thread 0|1 --cpu-prof DIR --keep]
// 4 validators as separate processes on loopback (journals synced, beacon on every non-empty
// height), fed signed transactions from many accounts through their /submit endpoints.
// Phase 1: latencies at 1,000 tx/s offered: finality from submission to the finalization frame on
// validator 0's stream, block interval, σ and progress certificate from finality (validator 0's
// per-height trace). Phase 2: rising offered rates, each for --seconds; a rate is sustained when
// the validators took it at its pace (what they shed as BUSY and was resent went in within a tenth
// of the window more) and the backlog (submitted − finalized) a second later is under one second
// of load; txPerSec is what was finalized over that window. Last line: one JSON object
// {validators, seconds, submitted, finalizedTx, txPerSec, finalityP50Ms, finalityP99Ms,
// blockP50Ms, beaconP50Ms, progressP50Ms}.

import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Core,
  encodeTxBatch,
  type Instruction,
  roulette,
  sha256,
  signerFromSeedSync,
  signTxSync,
  TX_BATCH_MEDIA_TYPE,
  toHex,
} from "@nullspace/core";
import { HttpPoster, type PostAnswer } from "@nullspace/core/node";
import WebSocket from "ws";
import { decodeFrame, FrameTag } from "../src/api/batch.js";
import { DEVNET_BEACON_INTERVAL_MS, Devnet } from "../src/cli/devnet.js";
import { processesCpuSeconds } from "./proc-cpu.js";
import { quantile, round } from "./stats.js";

const roundTenth = (x: number) => round(x, 1);

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}
const STEP_SECONDS = Number(arg("seconds", "30"));
const LATENCY_SECONDS = Number(arg("latency-seconds", "20"));
/** Phase 1's offered rate: the issue's goals are stated at 1,000 tx/s. */
const LATENCY_RATE = Number(arg("latency-rate", "1000"));
const RATES = arg("rates", "1500,2000,3000,4000,5000").split(",").map(Number);

const wasmPath = process.env.NULLSPACE_CORE_WASM ?? createRequire(import.meta.url).resolve("@nullspace/core/wasm");
const core = await Core.load(readFileSync(wasmPath));
const dir = await mkdtemp(join(tmpdir(), "nullspace-bench-"));
const devnet = await Devnet.create({
  dir,
  n: 4,
  basePort: 7600,
  apiBasePort: 7610,
  wasmPath,
  beaconPolicy: arg("beacon", "non-empty") as "non-empty" | "random-ops",
  node: {
    admission: { maxLoopLagMs: Number(arg("max-loop-lag-ms", "250")) },
    // Leaders' target block time (blocks.minIntervalMs); 0, as before, proposes as soon as it can.
    blocks: {
      minIntervalMs: Number(arg("block-interval-ms", "0")),
      // After a block that needs σ, the next one no earlier than this (blocks.beaconIntervalMs; the devnet's default).
      beaconIntervalMs: Number(arg("beacon-interval-ms", String(DEVNET_BEACON_INTERVAL_MS))),
    },
    // The beacon's BLS work on a worker thread instead of the main thread (node.json beaconThread).
    ...(arg("beacon-thread", "0") === "1" ? { beaconThread: true } : {}),
  },
  env: { NULLSPACE_TRACE_HEIGHTS: "1" },
  nodeArgs: arg("cpu-prof", "") ? ["--cpu-prof", "--cpu-prof-dir", arg("cpu-prof", "")] : [],
  say: (l) => console.log(l),
});
devnet.startAll();
await devnet.waitFor(2n, 120_000);
const chainId = BigInt(devnet.genesis.chainId);

// Many accounts, each with its own nonce sequence. --mix games (default): register, claim the
// faucet, sit at a roulette table, then one spin (a straight-up bet of 1 chip) per transaction,
// each a GameMove that needs the height's σ. --mix faucet: register, then faucet claims only
// (refused by the economy's rules after the first, but final and executed like any other).
const ACCOUNTS = Number(arg("accounts", "3000"));
const MIX = arg("mix", "games");
if (MIX !== "games" && MIX !== "faucet") throw new Error("--mix: games or faucet");
console.log(`[bench] ${ACCOUNTS} accounts, ${MIX === "games" ? "roulette spins" : "faucet claims"}`);
const TABLE = 1n;
function instructionAt(nonce: bigint, a: number): Instruction {
  if (nonce === 0n) return { op: "register", name: `b${a}` };
  if (MIX === "faucet" || nonce === 1n) return { op: "faucet" };
  if (nonce === 2n) return roulette.start(TABLE);
  return roulette.spin(TABLE, [roulette.straight(17, 1n)]);
}
const accounts = Array.from({ length: ACCOUNTS }, (_, a) => ({
  signer: signerFromSeedSync(sha256(new TextEncoder().encode(`bench-account-${a}`))),
  nonce: 0n,
}));
let nextAccount = 0;
function makeTxs(count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const index = nextAccount++ % ACCOUNTS;
    const a = accounts[index] as (typeof accounts)[number];
    const nonce = a.nonce++;
    const instruction = instructionAt(nonce, index);
    out.push(signTxSync({ codec: core.codec, signer: a.signer, chainId, nonce, instruction }));
  }
  return out;
}

// Finality as validator 0 streams it: the FINALIZED frame of the block carrying the transaction.
const submittedAt = new Map<string, number>();
const finalityMs: number[] = [];
// Where finality goes: submission → the validator's reply (admitted), submission → the proposal's
// header timestamp (wall clock; one machine, one clock), proposal → the FINALIZED frame here.
const submittedWall = new Map<string, number>();
const admitMs: number[] = [];
const toProposalMs: number[] = [];
const proposalToFrameMs: number[] = [];
const blockAt: number[] = [];
let finalizedTx = 0;
const ws = new WebSocket(`${devnet.apiUrl(0).replace("http", "ws")}/stream`);
await new Promise((resolve, reject) => {
  ws.once("open", resolve);
  ws.once("error", reject);
});
ws.on("message", (data: Buffer) => {
  const now = performance.now();
  const f = decodeFrame(new Uint8Array(data));
  if (f.tag !== FrameTag.FINALIZED && !(f.tag === FrameTag.COMPLETED && !seen.has(f.height))) return;
  seen.add(f.height);
  blockAt.push(now);
  const block = core.codec.decodeBlock(core.codec.decodeFinalized(f.bundle).block);
  const proposedAt = Number(block.header.timestampMs);
  if (measuring) proposalToFrameMs.push(Date.now() - proposedAt);
  for (const tx of block.txs) {
    const hash = toHex(sha256(Buffer.from(tx, "hex")));
    const at = submittedAt.get(hash);
    if (at === undefined) continue;
    submittedAt.delete(hash); // counted once, even if a block repeats it
    finalizedTx++;
    if (measuring) finalityMs.push(now - at);
    const wall = submittedWall.get(hash);
    submittedWall.delete(hash);
    if (measuring && wall !== undefined) toProposalMs.push(proposedAt - wall);
  }
});
const seen = new Set<bigint>();
let measuring = false;

/** Offers `rate` tx/s for `seconds`, in batches every 20 ms, round-robin over the validators, then
 * resends what was shed; the time is from the first tick to the last answer (the transactions are
 * signed before the clock starts). */
async function offer(rate: number, seconds: number): Promise<{ submitted: number; elapsedS: number }> {
  const tickMs = 20;
  const perTick = Math.max(1, Math.round((rate * tickMs) / 1000));
  const ticks = Math.round((seconds * 1000) / tickMs);
  const batches = Array.from({ length: ticks }, () => makeTxs(perTick));
  let submitted = 0;
  const start = performance.now();
  const inflight: Promise<unknown>[] = [];
  for (let k = 0; k < ticks; k++) {
    const wait = start + k * tickMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // What a validator shed (BUSY) goes again first, as a relay would resend it: dropping it would
    // leave a nonce gap that stalls the account's later transactions.
    const fresh = batches[k] as Uint8Array[];
    const txs = [...retry.splice(0, retry.length), ...fresh];
    const now = performance.now();
    const wall = Date.now();
    for (const tx of fresh) {
      const hash = toHex(sha256(tx));
      submittedAt.set(hash, now);
      submittedWall.set(hash, wall);
    }
    submitted += fresh.length;
    for (let i = 0; i < txs.length; i += MAX_BATCH) inflight.push(post(devnet.apiUrl(k % devnet.n), txs.slice(i, i + MAX_BATCH)));
  }
  await Promise.all(inflight);
  // Resend what is still shed, for up to 5 s, so the phase ends with nothing dropped.
  for (let k = 0; retry.length > 0 && k < 250; k++) {
    await new Promise((r) => setTimeout(r, tickMs));
    const txs = retry.splice(0, MAX_BATCH);
    await post(devnet.apiUrl(k % devnet.n), txs);
  }
  return { submitted, elapsedS: (performance.now() - start) / 1000 };
}

/** Keep-alive node:http: fetch cost several times the CPU a request, on the cores the validators use. */
const poster = new HttpPoster({ maxSockets: 256 });

/** The validator API's largest batch (docs/validator-api.md). */
const MAX_BATCH = 1024;

/** Submits one batch; what was shed (BUSY, a refused connection, a failed request) goes to `retry`. */
async function post(api: string, txs: Uint8Array[]): Promise<void> {
  const note = (code: string, n: number) => refused.set(code, (refused.get(code) ?? 0) + n);
  let r: PostAnswer;
  const sentAt = performance.now();
  try {
    r = await poster.post(`${api}/submit`, TX_BATCH_MEDIA_TYPE, encodeTxBatch(txs), 30_000);
  } catch {
    note("REQUEST_FAILED", txs.length);
    retry.push(...txs);
    return;
  }
  const body = r.body as { results?: { ok: boolean; code?: string }[] } | undefined;
  if (r.status !== 200 || body?.results === undefined) {
    note(`HTTP_${r.status}`, txs.length);
    retry.push(...txs);
    return;
  }
  if (measuring) admitMs.push(performance.now() - sentAt);
  body.results.forEach((v, i) => {
    if (v.ok) return;
    note(v.code ?? "?", 1);
    if (v.code === "BUSY") retry.push(txs[i] as Uint8Array);
    else submittedAt.delete(toHex(sha256(txs[i] as Uint8Array)));
  });
}

/** Shed transactions waiting to be offered again (their finality still counts from the first offer). */
const retry: Uint8Array[] = [];
/** Transactions a validator refused, by code (BUSY: shed under load), since the last `takeRefused`. */
const refused = new Map<string, number>();
function takeRefused(): { count: number; byCode: Record<string, number> } {
  const byCode = Object.fromEntries(refused);
  refused.clear();
  return { count: Object.values(byCode).reduce((a, b) => a + b, 0), byCode };
}

const heightsLogged = (): { sigma: number[]; progress: number[]; final: number[] } => {
  const sigma: number[] = [];
  const progress: number[] = [];
  const final: number[] = [];
  for (const line of readFileSync(join(devnet.home(0), "validator.log"), "utf8").split("\n")) {
    if (line.includes('"event":"final"')) final.push((JSON.parse(line) as { sinceProposalMs: number }).sinceProposalMs);
    if (!line.includes('"event":"height"')) continue;
    const r = JSON.parse(line) as { sigmaMs: number | null; progressMs: number };
    if (r.sigmaMs !== null) sigma.push(r.sigmaMs);
    progress.push(r.progressMs);
  }
  return { sigma, progress, final };
};

/** CPU seconds (user + system) the validator processes have used so far, from /proc (Linux). */
function validatorCpuSeconds(): number {
  return processesCpuSeconds(devnet.children.map((child) => child?.pid));
}

/** Validator 0's metrics: one value per name (NaN when missing or unreachable). */
async function metricsOf0(...names: string[]): Promise<number[]> {
  const text = await fetch(`${devnet.apiUrl(0)}/metrics`).then(
    (r) => r.text(),
    () => "",
  );
  return names.map((n) => Number(new RegExp(`^${n} (\\S+)$`, "m").exec(text)?.[1]));
}

/** Samples validator 0's event-loop lag gauge (ms) every 250 ms until stopped. */
function sampleLoopLag(): () => number[] {
  const samples: number[] = [];
  const timer = setInterval(async () => {
    const [lag] = await metricsOf0("event_loop_lag_seconds");
    if (Number.isFinite(lag)) samples.push((lag as number) * 1000);
  }, 250);
  return () => {
    clearInterval(timer);
    return samples;
  };
}

let submitted = 0;
if (MIX === "games") {
  // Every account registers, claims chips and sits down first, so the measured phases are spins.
  const setupSeconds = Math.ceil((3 * ACCOUNTS) / 1000);
  console.log(`[bench] setup: registering, funding and seating ${ACCOUNTS} accounts at 1,000 tx/s (${setupSeconds} s)`);
  submitted += (await offer(1000, setupSeconds)).submitted;
  await new Promise((r) => setTimeout(r, 3000));
  takeRefused();
}

console.log(`[bench] phase 1: ${LATENCY_RATE} tx/s offered for ${LATENCY_SECONDS} s`);
const stopLagSampling = sampleLoopLag();
const cpuBefore = validatorCpuSeconds();
const benchCpuBefore = process.cpuUsage();
const finalizedBeforeLatency = finalizedTx;
const logBefore = heightsLogged();
measuring = true;
const blocksBefore = blockAt.length;
submitted += (await offer(LATENCY_RATE, LATENCY_SECONDS)).submitted;
await new Promise((r) => setTimeout(r, 2000));
measuring = false;
const lagMs = stopLagSampling();
{
  const [sum = Number.NaN, count = Number.NaN] = await metricsOf0("journal_sync_seconds_sum", "journal_sync_seconds_count");
  console.log(`[bench] validator 0 journal syncs so far: ${count}, ${roundTenth((sum / count) * 1000)} ms on average`);
}
const cpuPerTxMs = ((validatorCpuSeconds() - cpuBefore) * 1000) / Math.max(1, finalizedTx - finalizedBeforeLatency);
const benchCpu = process.cpuUsage(benchCpuBefore);
console.log(
  `[bench] validators' CPU: ${roundTenth(cpuPerTxMs * 1000)} µs per finalized transaction (all ${devnet.n} together); load generator: ${roundTenth((benchCpu.user + benchCpu.system) / 1e6 / LATENCY_SECONDS)} cores`,
);
console.log(
  `[bench] validator 0 event-loop lag: p50 ${roundTenth(quantile(lagMs, 0.5))} ms, p90 ${roundTenth(quantile(lagMs, 0.9))} ms, max ${roundTenth(Math.max(...lagMs))} ms`,
);
const latencyRefused = takeRefused();
if (latencyRefused.count > 0) console.log(`[bench] refused at ${LATENCY_RATE} tx/s: ${JSON.stringify(latencyRefused.byCode)}`);
const logAfter = heightsLogged();
const intervals = blockAt
  .slice(blocksBefore)
  .map((t, i, a) => (i === 0 ? Number.NaN : t - (a[i - 1] as number)))
  .filter(Number.isFinite);
const latency = {
  finalityP50Ms: roundTenth(quantile(finalityMs, 0.5)),
  finalityP99Ms: roundTenth(quantile(finalityMs, 0.99)),
  blockP50Ms: roundTenth(quantile(intervals, 0.5)),
  beaconP50Ms: roundTenth(quantile(logAfter.sigma.slice(logBefore.sigma.length), 0.5)),
  progressP50Ms: roundTenth(quantile(logAfter.progress.slice(logBefore.progress.length), 0.5)),
};
console.log(
  `[bench] blocks final ${roundTenth(quantile(logAfter.final.slice(logBefore.final.length), 0.5))} ms (p50) after their proposal's timestamp, at validator 0`,
);
console.log(
  `[bench] ${finalityMs.length} transactions: finality p50 ${latency.finalityP50Ms} ms, p99 ${latency.finalityP99Ms} ms; block every ${latency.blockP50Ms} ms; σ ${latency.beaconP50Ms} ms and progress ${latency.progressP50Ms} ms after finality`,
);

console.log(
  `[bench] where finality goes (p50): admitted ${roundTenth(quantile(admitMs, 0.5))} ms after submission, proposed ${roundTenth(quantile(toProposalMs, 0.5))} ms after, final frame ${roundTenth(quantile(proposalToFrameMs, 0.5))} ms after the proposal`,
);

let txPerSec = 0;
for (const rate of RATES) {
  console.log(`[bench] phase 2: ${rate} tx/s offered for ${STEP_SECONDS} s`);
  const finalizedBefore = finalizedTx;
  const { submitted: offered, elapsedS } = await offer(rate, STEP_SECONDS);
  submitted += offered;
  await new Promise((r) => setTimeout(r, 1000)); // what was in flight when the load stopped
  const done = finalizedTx - finalizedBefore;
  const shed = takeRefused();
  const backlog = offered - done;
  const throughput = done / Math.max(elapsedS, STEP_SECONDS);
  console.log(
    `[bench]   finalized ${done} of ${offered} (${Math.round(throughput)} tx/s over ${roundTenth(elapsedS)} s), refused ${shed.count} ${JSON.stringify(shed.byCode)}, backlog ${backlog}`,
  );
  // Sustained: taken at the offered pace (resending what was shed did not stretch the window by
  // more than a tenth) and no backlog beyond a second of load a second later. Shed transactions
  // are resent, so they count in the backlog until final.
  if (backlog > rate || elapsedS > STEP_SECONDS * 1.1) break;
  txPerSec = Math.round(throughput);
}

ws.close();
poster.close();
await devnet.stop();
if (process.argv.includes("--keep")) console.log(`[bench] kept ${dir}`);
else await rm(dir, { recursive: true, force: true });
console.log(JSON.stringify({ validators: devnet.n, seconds: STEP_SECONDS, submitted, finalizedTx, txPerSec, ...latency }));
