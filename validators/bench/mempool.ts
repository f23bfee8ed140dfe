// Mempool benchmark: add() throughput with signature checking (20k transactions from 1k accounts,
// as relays deliver them: interleaved, in batches), take() of 5k-transaction blocks, and prune()
// of a finalized 5k block. Prints medians; the last line is one JSON object.
//   npx tsx bench/mempool.ts      (RUNS=5, BATCH=256, ACCOUNTS=1000, PER_ACCOUNT=20 to change)
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, loadavg } from "node:os";
import { Core, ed25519, LocalChain, SignatureKind, type Signer, signingPayload, signTxSync, type VerifyItem } from "@nullspace/core";
import { Mempool } from "../src/mempool/mempool.js";
import { median, round as roundTo } from "./stats.js";

const RUNS = Number(process.env.RUNS ?? 5);
const BATCH = Number(process.env.BATCH ?? 256);
const ACCOUNTS = Number(process.env.ACCOUNTS ?? 1000);
const PER_ACCOUNT = Number(process.env.PER_ACCOUNT ?? 20);
const BLOCK = 5000;
const CHAIN_ID = 1n;

const wasm = new Uint8Array(
  readFileSync(process.env.NULLSPACE_CORE_WASM ?? createRequire(import.meta.url).resolve("@nullspace/core/wasm")),
);
const core = await Core.load(wasm);

const round = (x: number, digits = 0) => roundTo(x, digits);

// A deterministic shuffle (xorshift32), so every run sees the same arrival order.
function shuffle<T>(xs: T[], seed = 0x9e3779b9): T[] {
  let x = seed >>> 0;
  for (let i = xs.length - 1; i > 0; i--) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const j = x % (i + 1);
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

console.log(
  `node ${process.version}, ${availableParallelism()} cores, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(`signing ${ACCOUNTS * PER_ACCOUNT} transactions from ${ACCOUNTS} accounts...`);
const signers: Signer[] = Array.from({ length: ACCOUNTS }, (_, i) => LocalChain.signer(10_000 + i));
const txs: Uint8Array[] = [];
for (const signer of signers) {
  for (let n = 0; n < PER_ACCOUNT; n++) {
    txs.push(signTxSync({ codec: core.codec, signer, chainId: CHAIN_ID, nonce: BigInt(n), instruction: { op: "faucet" } }));
  }
}
shuffle(txs);
const totalBytes = txs.reduce((n, t) => n + t.length, 0);

const newPool = (): Mempool =>
  new Mempool({ codec: core.codec, chainId: CHAIN_ID, getAccountNonce: () => 0n, maxPerAccount: Math.max(64, PER_ACCOUNT) });

async function fill(pool: Mempool, batch: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < txs.length; i += batch) {
    const rs = await pool.add(txs.slice(i, i + batch));
    for (const r of rs) if (!r.ok) throw new Error(`refused: ${r.code}`);
  }
  return performance.now() - t0;
}

// Warm-up: JIT, the key cache, the libuv pool.
await fill(newPool(), BATCH);

// The two costs add() is made of, measured alone.
const decodeMs: number[] = [];
const verifyMs: number[] = [];
for (let r = 0; r < RUNS; r++) {
  let t0 = performance.now();
  const views = txs.map((t) => core.codec.txSummary(t)); // what add() decodes with
  decodeMs.push(performance.now() - t0);
  const items: VerifyItem[] = views.map((v, i) => ({
    publicKey: v.signerKey,
    message: signingPayload(SignatureKind.TX, CHAIN_ID, txs[i]!.subarray(0, v.bodyLength)),
    signature: txs[i]!.subarray(v.bodyLength),
  }));
  t0 = performance.now();
  for (let i = 0; i < items.length; i += BATCH) await ed25519.verifyBatch(items.slice(i, i + BATCH), { offMainThread: true });
  verifyMs.push(performance.now() - t0);
}

const addMs: number[] = [];
const addOneCallMs: number[] = [];
const takeMs: number[] = [];
const pruneMs: number[] = [];
let blocks = 0;
for (let r = 0; r < RUNS; r++) {
  const pool = newPool();
  addMs.push(await fill(pool, BATCH));
  if (pool.size !== txs.length) throw new Error(`pool holds ${pool.size}`);
  addOneCallMs.push(await fill(newPool(), txs.length));

  // Blocks of 5k until the pool is empty: take, then finalize and prune that block.
  while (pool.size > 0) {
    // A proposer may take from the same pool several times (views that fail); time each.
    let block: Uint8Array[] = [];
    let t0 = 0;
    for (let k = 0; k < 5; k++) {
      t0 = performance.now();
      block = pool.take({ maxTxs: BLOCK });
      takeMs.push(performance.now() - t0);
    }
    if (block.length === 0) throw new Error("take returned nothing");
    const newNonces = new Map<string, bigint>();
    for (const t of block) {
      const v = core.codec.decodeTx(t);
      newNonces.set(v.signer, v.nonce + 1n);
    }
    t0 = performance.now();
    pool.prune(block, newNonces);
    pruneMs.push(performance.now() - t0);
    blocks++;
  }
}

const n = txs.length;
const result = {
  bench: "mempool",
  node: process.version,
  cores: availableParallelism(),
  txs: n,
  accounts: ACCOUNTS,
  avgTxBytes: round(totalBytes / n, 1),
  batch: BATCH,
  runs: RUNS,
  addTxPerSec: round(n / (median(addMs) / 1000)),
  addOneCallTxPerSec: round(n / (median(addOneCallMs) / 1000)),
  decodeOnlyTxPerSec: round(n / (median(decodeMs) / 1000)),
  verifyBatchOnlyPerSec: round(n / (median(verifyMs) / 1000)),
  takeBlockTxs: BLOCK,
  takeMs: round(median(takeMs), 3),
  pruneMs: round(median(pruneMs), 3),
  blocks,
  ed25519Backend: ed25519.backend,
};

console.log(`add (batches of ${BATCH}):      ${result.addTxPerSec} tx/s  (median of ${RUNS} runs of ${n})`);
console.log(`add (one call of ${n}):  ${result.addOneCallTxPerSec} tx/s`);
console.log(`  of which decode alone:    ${result.decodeOnlyTxPerSec} tx/s (wasm codec, main thread)`);
console.log(`  of which verify alone:    ${result.verifyBatchOnlyPerSec} sig/s (verifyBatch of ${BATCH}, libuv pool)`);
console.log(`take ${BLOCK}-tx block:          ${result.takeMs} ms (median of ${takeMs.length})`);
console.log(`prune ${BLOCK}-tx block:         ${result.pruneMs} ms (median of ${pruneMs.length})`);
console.log(JSON.stringify(result, (_, v) => (typeof v === "bigint" ? v.toString() : v)));
