// npm run bench:sync -w relay [-- --seconds 40 --tx-rate 200]
// How fast a relay rebuilds from validators on an empty store: a real 4-validator devnet makes
// heights as fast as it can (blocks.minIntervalMs 0) for --seconds while --tx-rate registrations a
// second are submitted to it (so heights carry transactions, events and accounts to store); then
// a relay (relay-process.ts: verify, replay, store, publish, as `npm run relay` runs it) starts on
// an empty PGlite folder and follows it. Prints progress every 500 heights and, as its last line,
// {heights, txs, startSeconds, syncSeconds, heightsPerSec, txsPerSec}: startSeconds until its
// first height, the rates from then to the tip the devnet had when the relay started.
import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { encodeTxBatch, sha256, signerFromSeedSync, signTxSync, TX_BATCH_MEDIA_TYPE } from "@nullspace/core";
import { HttpPoster } from "@nullspace/core/node";
import { numberArg, round } from "../../validators/bench/stats.js";
import { startBenchDevnet } from "./bench-devnet.js";
import { relayProcessArgv } from "./relay-under-test.js";

const SECONDS = numberArg("seconds", 40);
const TX_RATE = numberArg("tx-rate", 200);
const say = (line: string) => console.log(`[sync] ${line}`);
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
const argv = relayProcessArgv({ port: 7790, genesisPath: join(dir, "genesis.json"), validators, dataDir: join(dir, "relay-data") });
const relay = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "inherit"] });
await new Promise<void>((resolve) => {
  createInterface({ input: relay.stdout as NodeJS.ReadableStream }).on("line", (line) => {
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
  }),
);
process.exit(0);
