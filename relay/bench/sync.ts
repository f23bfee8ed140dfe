// npm run bench:sync -w relay [-- --seconds 40 --tx-rate 200 --checkpoint-every 1000 --restarts 3]
// How fast a relay rebuilds from validators on an empty store: a real 4-validator devnet makes
// heights as fast as it can (blocks.minIntervalMs 0) for --seconds while --tx-rate registrations a
// second are submitted to it (so heights carry transactions, events and accounts to store); then
// a relay (relay-process.ts: verify, replay, store, publish, as `npm run relay` runs it) starts on
// an empty PGlite folder and follows it. Prints progress every 500 heights and, as its last line,
// {heights, txs, startSeconds, syncSeconds, heightsPerSec, txsPerSec}: startSeconds until its
// first height, the rates from then to the tip the devnet had when the relay started.
// Then restarts: the synced relay is stopped and started again on its folder --restarts times
// from its newest state checkpoint and as many times from genesis (its checkpoints deleted first),
// alternating; each timed from spawn to `relay_listening` (the store replayed, the API up), and the
// medians added to the JSON: restartFromCheckpointSeconds, restartFromGenesisSeconds, restartRatio;
// and the checkpoints the syncing relay wrote: how many, the last one's bytes, the longest snapshot.
import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { encodeTxBatch, sha256, signerFromSeedSync, signTxSync, TX_BATCH_MEDIA_TYPE } from "@nullspace/core";
import { HttpPoster } from "@nullspace/core/node";
import { median, numberArg, round } from "../../validators/bench/stats.js";
import { openDb } from "../src/store/db.js";
import { startBenchDevnet } from "./bench-devnet.js";
import { relayProcessArgv } from "./relay-under-test.js";

const SECONDS = numberArg("seconds", 40);
const TX_RATE = numberArg("tx-rate", 200);
const CHECKPOINT_EVERY = numberArg("checkpoint-every", 1000);
const RESTARTS = numberArg("restarts", 3);
const say = (line: string) => console.log(`[sync] ${line}`);
const round2 = (x: number) => round(x, 2);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const { core, dir, devnet, chainId } = await startBenchDevnet({ name: "nullspace-sync-bench-", say, minIntervalMs: 0 });

// --- the chain to catch up with: registrations of fresh accounts, a batch every 100 ms
say(`making heights for ${SECONDS} s with ${TX_RATE} registrations a second`);
const poster = new HttpPoster();
const perTick = Math.max(1, Math.round(TX_RATE / 10));
let txs = 0;
for (let tick = 0, end = performance.now() + SECONDS * 1000; performance.now() < end; tick++) {
  const batch = Array.from({ length: perTick }, () => {
    const signer = signerFromSeedSync(sha256(new TextEncoder().encode(`sync-bench-${txs}`)));
    return signTxSync({ codec: core.codec, signer, chainId, nonce: 0n, instruction: { op: "register", name: `sync${txs++}` } });
  });
  await poster.post(`${devnet.apiUrl(tick % devnet.n)}/submit`, TX_BATCH_MEDIA_TYPE, encodeTxBatch(batch), 10_000).catch(() => undefined);
  await sleep(100);
}
await sleep(2000); // the last batches final
poster.close();
const health = (await (await fetch(`${devnet.apiUrl(0)}/readyz`)).json()) as { finalized?: string };
const tip = Number(health.finalized ?? 0);
if (!(tip > 0)) throw new Error(`validator 0 gave no finalized height: ${JSON.stringify(health)}`);
say(`chain at height ${tip} (${txs} registrations submitted); starting a relay on an empty store`);

// --- the relay, from nothing
const t0 = performance.now();
let firstAt: number | undefined;
const validators = Array.from({ length: devnet.n }, (_, v) => devnet.apiUrl(v));
const dataDir = join(dir, "relay-data");
/** The checkpoints the syncing relay wrote: snapshot size and the main-thread time to take it. */
const snapshots: { bytes: number; snapshotMs: number }[] = [];
const argv = relayProcessArgv(
  { port: 7790, genesisPath: join(dir, "genesis.json"), validators, dataDir },
  { flags: ["--checkpoint-every", String(CHECKPOINT_EVERY)] },
);
const relay = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "inherit"] });
await new Promise<void>((resolve) => {
  createInterface({ input: relay.stdout as NodeJS.ReadableStream }).on("line", (line) => {
    if (line.includes('"checkpoint_written"')) {
      const w = JSON.parse(line) as { bytes: number; snapshotMs: number };
      snapshots.push(w);
    }
    if (!line.includes('"bench_published"')) return;
    const height = (JSON.parse(line) as { height: number }).height;
    firstAt ??= performance.now();
    if (height % 500 === 0) say(`  height ${height} at ${round((performance.now() - t0) / 1000, 1)} s`);
    if (height >= tip) resolve();
  });
});
const doneAt = performance.now();
relay.kill("SIGTERM");
await new Promise((r) => relay.once("exit", r));

// --- restarts on the synced folder: from the newest checkpoint, and from genesis
/** Starts the relay on its folder, waits for it to listen, stops it; what its log said on the way. */
async function restart(): Promise<{ seconds: number; from: string; checkpoint: string | undefined }> {
  const startMs = performance.now();
  const proc = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "inherit"] });
  let from = "?";
  let checkpoint: string | undefined;
  const seconds = await new Promise<number>((resolve) => {
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      if (line.includes('"checkpoint_restored"')) checkpoint = (JSON.parse(line) as { height: string }).height;
      if (line.includes('"replay_store"')) from = (JSON.parse(line) as { from: string }).from;
      if (line.includes('"relay_listening"')) resolve((performance.now() - startMs) / 1000);
    });
  });
  proc.kill("SIGTERM");
  await new Promise((r) => proc.once("exit", r));
  return { seconds, from, checkpoint };
}
const fromCheckpoint: number[] = [];
const fromGenesis: number[] = [];
for (let round = 1; round <= RESTARTS; round++) {
  const c = await restart();
  fromCheckpoint.push(c.seconds);
  say(`restart ${round} from checkpoint ${c.checkpoint ?? "(none)"}: replayed from height ${c.from}, listening in ${round2(c.seconds)} s`);
  const db = await openDb({ dataDir });
  await db.query("DELETE FROM checkpoints");
  await db.close();
  const g = await restart();
  fromGenesis.push(g.seconds);
  say(`restart ${round} without checkpoints: replayed from height ${g.from}, listening in ${round2(g.seconds)} s`);
}
await devnet.stop();
await rm(dir, { recursive: true, force: true });

const syncSeconds = (doneAt - (firstAt as number)) / 1000;
console.log(
  JSON.stringify({
    heights: tip,
    txs,
    startSeconds: round(((firstAt as number) - t0) / 1000, 1),
    syncSeconds: round(syncSeconds, 1),
    heightsPerSec: round(tip / syncSeconds, 1),
    txsPerSec: round(txs / syncSeconds, 1),
    checkpointEvery: CHECKPOINT_EVERY,
    restartFromCheckpointSeconds: round2(median(fromCheckpoint)),
    restartFromGenesisSeconds: round2(median(fromGenesis)),
    restartRatio: round2(median(fromGenesis) / median(fromCheckpoint)),
    checkpointsWritten: snapshots.length,
    snapshotBytes: snapshots.at(-1)?.bytes ?? 0,
    snapshotMsMax: Math.max(0, ...snapshots.map((w) => w.snapshotMs)),
  }),
);
process.exit(0);
