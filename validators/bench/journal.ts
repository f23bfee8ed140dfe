// Journal benchmark: what a vote costs on disk.
//
//   npx tsx bench/journal.ts [--runs 3] [--records 1000]
//
// 1. appendAndSync latency for 200-byte records on FsStorage (one fdatasync per record): the
//    price consensus pays before it may send each vote.
// 2. Records per second with batched sync (100 and 1000 records per fdatasync): group commit.
// 3. The same on SimStorage, i.e. the CPU cost of framing and CRC32C alone.
// Each figure is the median over --runs runs, in a fresh directory under os.tmpdir() (removed
// afterwards). The last line printed is one JSON object with every figure.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Journal } from "../src/journal/journal.js";
import { FsStorage } from "../src/runtime/fs-storage.js";
import { SimStorage } from "../src/runtime/sim-storage.js";
import type { Storage } from "../src/runtime/storage.js";
import { median, numberArg, quantile, round } from "./stats.js";

const RUNS = numberArg("runs", 3);
const RECORDS = numberArg("records", 1000);
const RECORD_BYTES = 200;

function record(i: number): Uint8Array {
  const out = new Uint8Array(RECORD_BYTES);
  for (let k = 0; k < out.length; k++) out[k] = (i * 131 + k * 7) & 0xff;
  return out;
}

async function withDir<T>(f: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "nullspace-journal-bench-"));
  try {
    return await f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Per-record appendAndSync latencies in milliseconds. */
async function syncLatency(storage: Storage, n: number): Promise<number[]> {
  const j = await Journal.open(storage, { name: "bench" });
  for (let i = 0; i < 20; i++) await j.appendAndSync(record(i)); // warm up the file and the JIT
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const payload = record(i);
    const t0 = process.hrtime.bigint();
    await j.appendAndSync(payload);
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  await j.close();
  return out;
}

/** Records per second appending `total` records with one sync per `batch`. */
async function batchedThroughput(storage: Storage, total: number, batch: number): Promise<number> {
  const j = await Journal.open(storage, { name: "bench" });
  const payloads = Array.from({ length: batch }, (_, i) => record(i));
  const t0 = process.hrtime.bigint();
  for (let done = 0; done < total; done += batch) {
    for (const p of payloads) await j.append(p);
    await j.sync();
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await j.close();
  return total / seconds;
}

async function main(): Promise<void> {
  const fsMedian: number[] = [];
  const fsP99: number[] = [];
  const fsBatch100: number[] = [];
  const fsBatch1000: number[] = [];
  const simBatch1000: number[] = [];
  const simSync: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const lat = await withDir((dir) => syncLatency(new FsStorage(dir), RECORDS));
    fsMedian.push(median(lat));
    fsP99.push(quantile(lat, 0.99));
    fsBatch100.push(await withDir((dir) => batchedThroughput(new FsStorage(dir), 50_000, 100)));
    fsBatch1000.push(await withDir((dir) => batchedThroughput(new FsStorage(dir), 200_000, 1000)));
    simBatch1000.push(await batchedThroughput(new SimStorage(), 200_000, 1000));
    simSync.push(median(await syncLatency(new SimStorage(), RECORDS)));
    console.log(
      `run ${run + 1}/${RUNS}: fs appendAndSync median ${fsMedian[run]!.toFixed(3)} ms p99 ${fsP99[run]!.toFixed(3)} ms; ` +
        `fs batched ${Math.round(fsBatch100[run]!)} rec/s (100/sync) ${Math.round(fsBatch1000[run]!)} rec/s (1000/sync); ` +
        `sim ${Math.round(simBatch1000[run]!)} rec/s`,
    );
  }
  const result = {
    bench: "journal",
    recordBytes: RECORD_BYTES,
    runs: RUNS,
    recordsPerRun: RECORDS,
    fsAppendAndSyncMedianMs: round(median(fsMedian)),
    fsAppendAndSyncP99Ms: round(median(fsP99)),
    fsBatched100RecordsPerSec: Math.round(median(fsBatch100)),
    fsBatched1000RecordsPerSec: Math.round(median(fsBatch1000)),
    simBatched1000RecordsPerSec: Math.round(median(simBatch1000)),
    simAppendAndSyncMedianMs: round(median(simSync), 4),
    tmpdir: tmpdir(),
    node: process.version,
  };
  console.log(
    `medians over ${RUNS} runs: appendAndSync ${result.fsAppendAndSyncMedianMs} ms (p99 ${result.fsAppendAndSyncP99Ms} ms); ` +
      `batched ${result.fsBatched100RecordsPerSec} rec/s (100/sync), ${result.fsBatched1000RecordsPerSec} rec/s (1000/sync)`,
  );
  console.log(JSON.stringify(result));
}

await main();
