// npm run bench:core — throughput of the state machine and its proofs on one core.
// Prints figures as it goes; the last line is one JSON object (see docs/benchmarks.md).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Core, StateKey } from "../src/core.js";
import { sha256, toHex } from "../src/crypto/sha256.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { MmrFrontier, wasmMmrHasher } from "../src/mmr-frontier.js";
import { MmrLog } from "../src/mmr-log.js";
import { verifyStateProof } from "../src/proof/state.js";
import { compileCore, WasmInstance } from "../src/wasm/instance.js";

const WASM = new Uint8Array(readFileSync(process.env.NULLSPACE_CORE_WASM ?? new URL("../build/core.wasm", import.meta.url)));
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 20_000);
const BLOCK_TXS = Number(process.env.BENCH_BLOCK_TXS ?? 5_000);
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 15);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const log = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return (performance.now() - t) / 1000;
}

async function benchTransactions() {
  log(`[tx] setting up ${fmt(ACCOUNTS)} registered accounts (signing is not timed)…`);
  const chain = await LocalChain.create({ wasm: WASM });
  const admin = chain.admins[0]!;
  const players = Array.from({ length: ACCOUNTS }, (_, i) => LocalChain.signer(i));
  // Faucet claims every minute: the smallest real state change a player can make today.
  chain.submit(admin, { op: "adminSetPolicy", field: 4, value: 0n });
  chain.submit(admin, { op: "adminSetPolicy", field: 3, value: 0n });
  chain.submit(admin, { op: "adminSetPolicy", field: 2, value: 60_000n });
  chain.seal();
  const registerRates: number[] = [];
  for (let i = 0; i < ACCOUNTS; i += BLOCK_TXS) {
    const batch = players.slice(i, i + BLOCK_TXS);
    for (const [j, p] of batch.entries()) chain.submit(p, { op: "register", name: `player${i + j}` });
    const block = chain.buildBlock();
    const s = time(() => chain.executeBlock(block));
    registerRates.push(batch.length / s);
    process.stdout.write(`\r[tx] registered ${fmt(Math.min(i + BLOCK_TXS, ACCOUNTS))}/${fmt(ACCOUNTS)}`);
  }
  log("");
  // Timed: the wasm call (copy in, execute, copy the result frame out). Decoding the frame into
  // events on the host is measured separately: validators forward the frame as it is.
  const faucetRates: number[] = [];
  const decodeRates: number[] = [];
  let next = 0;
  for (let b = 0; b < BLOCKS; b++) {
    for (let j = 0; j < BLOCK_TXS; j++) chain.submit(players[(next + j) % ACCOUNTS]!, { op: "faucet" });
    next += BLOCK_TXS;
    const block = chain.buildBlock({ advanceMs: 60_000n });
    let frame: Uint8Array = new Uint8Array();
    const s = time(() => {
      frame = chain.executeBlockRaw(block);
    });
    faucetRates.push(BLOCK_TXS / s);
    let claimed = 0;
    decodeRates.push(
      BLOCK_TXS /
        time(() => {
          claimed = chain.core
            .decodeExecution(frame)
            .events.map((e) => chain.core.codec.decodeEvent(e))
            .filter((e) => e.kind === "faucetClaimed").length;
        }),
    );
    if (claimed !== BLOCK_TXS) throw new Error(`expected ${BLOCK_TXS} claims, got ${claimed}`);
    log(`[tx] block of ${fmt(BLOCK_TXS)} faucet claims: ${fmt(BLOCK_TXS / s)} tx/s`);
  }
  return { chain, players, txPerSec: median(faucetRates), registerPerSec: median(registerRates), eventDecodesPerSec: median(decodeRates) };
}

async function benchSha256() {
  const wasm = await WasmInstance.create(await compileCore(WASM));
  const msg = new Uint8Array(1024).fill(0x61);
  const count = 20_000;
  const wasmRuns: number[] = [];
  const nodeRuns: number[] = [];
  for (let r = 0; r < 7; r++) {
    wasmRuns.push((count * 1024) / 1e6 / time(() => wasm.call("sha256_repeat", msg, 1024, count)));
    nodeRuns.push(
      (count * 1024) /
        1e6 /
        time(() => {
          for (let i = 0; i < count; i++) createHash("sha256").update(msg).digest();
        }),
    );
  }
  return { sha256MBps: median(wasmRuns), nodeSha256MBps: median(nodeRuns) };
}

async function benchMmr() {
  const wasm = await WasmInstance.create(await compileCore(WASM));
  const n = 100_000;
  const digests = new Uint8Array(n * 32);
  for (let i = 0; i < n; i++) digests.set(sha256(new Uint8Array(new Uint32Array([i]).buffer)), i * 32);
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const h = wasm.invoke("mmr_new");
    runs.push(n / time(() => wasm.call("mmr_append", digests, h)));
    wasm.invoke("mmr_free", new Uint8Array(0), h);
  }
  return { mmrAppendsPerSec: median(runs) };
}

/**
 * A relay's event log per height: append the height's events, then prove them for each filter that
 * selects some (here 100 groups of 3). The wasm's full form (MmrLog) against the frontier
 * (MmrFrontier, what the relay keeps: peaks and the last append's nodes; decision 026).
 */
async function benchEventLog() {
  const perHeight = 300;
  const heights = 200;
  const groups = 100;
  const digests = Array.from({ length: heights * perHeight }, (_, i) => sha256(new Uint8Array(new Uint32Array([i, 77]).buffer)));
  const full = await MmrLog.create(WASM);
  const forms = {
    full: { append: (d: Uint8Array[]) => full.append(d), prove: (i: bigint[]) => full.prove(i), root: () => full.root() },
    frontierTs: MmrFrontier.empty(),
    frontierWasm: MmrFrontier.empty(wasmMmrHasher((await Core.load(WASM)).wasm)),
  };
  const us: Record<keyof typeof forms, number[]> = { full: [], frontierTs: [], frontierWasm: [] };
  for (let h = 0; h < heights; h++) {
    const batch = digests.slice(h * perHeight, (h + 1) * perHeight);
    const start = BigInt(h * perHeight);
    const picks = Array.from({ length: groups }, (_, g) => [0n, 1n, 2n].map((k) => start + BigInt(g * 3) + k));
    for (const [name, form] of Object.entries(forms) as [keyof typeof forms, (typeof forms)[keyof typeof forms]][]) {
      us[name].push(
        time(() => {
          form.append(batch);
          for (const p of picks) form.prove(p);
        }) * 1e6,
      );
    }
  }
  const root = toHex(full.root());
  if (toHex(forms.frontierTs.root()) !== root || toHex(forms.frontierWasm.root()) !== root) throw new Error("the forms disagree");
  full.free();
  return { fullUsPerHeight: median(us.full), frontierTsUsPerHeight: median(us.frontierTs), frontierUsPerHeight: median(us.frontierWasm) };
}

/** A checkpoint's cost (decision 026): core_snapshot of the bench's state, on the thread that asks. */
function benchSnapshot(core: Core) {
  let bytes = 0;
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) runs.push(time(() => (bytes = core.snapshot().length)) * 1000);
  return { snapshotMs: median(runs), snapshotBytes: bytes };
}

function benchProofs(core: Core, players: { publicKey: Uint8Array }[]) {
  const keys = players.slice(0, 10_000).map((p) => StateKey.account(p.publicKey));
  const root = core.stateRoot();
  const genRuns: number[] = [];
  let proofs: Uint8Array[] = [];
  for (let r = 0; r < 5; r++) genRuns.push(keys.length / time(() => (proofs = core.proveMany(keys))));
  const singleRuns: number[] = [];
  for (let r = 0; r < 3; r++)
    singleRuns.push(
      2000 /
        time(() => {
          for (const k of keys.slice(0, 2000)) core.prove(k);
        }),
    );
  const values = keys.map((k) => core.get(k));
  const verifyRuns: number[] = [];
  for (let r = 0; r < 5; r++) {
    verifyRuns.push(
      keys.length /
        time(() => {
          for (let i = 0; i < keys.length; i++) {
            if (!verifyStateProof({ root, key: keys[i]!, value: values[i]!, proof: proofs[i]! })) throw new Error("proof failed");
          }
        }),
    );
  }
  return { proofsPerSec: median(genRuns), singleProofCallsPerSec: median(singleRuns), proofVerifiesPerSec: median(verifyRuns) };
}

const tx = await benchTransactions();
log(
  `[tx] faucet claims ${fmt(tx.txPerSec)} tx/s (median of ${BLOCKS} blocks of ${fmt(BLOCK_TXS)}); registrations ${fmt(tx.registerPerSec)} tx/s`,
);
log(`[tx] host-side decoding of the result frame into event views: ${fmt(tx.eventDecodesPerSec)} events/s`);
const sha = await benchSha256();
log(
  `[sha256] wasm ${sha.sha256MBps.toFixed(0)} MB/s, node:crypto ${sha.nodeSha256MBps.toFixed(0)} MB/s on 1 KiB messages (${((100 * sha.sha256MBps) / sha.nodeSha256MBps).toFixed(0)}%)`,
);
const mmr = await benchMmr();
log(`[mmr] ${fmt(mmr.mmrAppendsPerSec)} appends/s`);
const eventLog = await benchEventLog();
log(
  `[event log] a height of 300 events and 100 proofs: full form ${eventLog.fullUsPerHeight.toFixed(0)} µs, frontier ${eventLog.frontierUsPerHeight.toFixed(0)} µs (wasm-batched hashes; ${eventLog.frontierTsUsPerHeight.toFixed(0)} µs hashing in TypeScript) (median of 200)`,
);
const snap = benchSnapshot(tx.chain.core);
log(`[snapshot] ${snap.snapshotMs.toFixed(1)} ms, ${fmt(snap.snapshotBytes)} bytes (${fmt(ACCOUNTS)} accounts)`);
const pr = benchProofs(tx.chain.core, tx.players);
log(
  `[proofs] ${fmt(pr.proofsPerSec)} generated/s batched (${fmt(pr.singleProofCallsPerSec)}/s one call each), ${fmt(pr.proofVerifiesPerSec)} verified/s in TypeScript; ${fmt(ACCOUNTS)} accounts in state`,
);
const state = tx.chain.core.meta();
log(`[state] height ${state.height}, ${state.playerCount} players`);
log(
  JSON.stringify({
    txPerSec: Math.round(tx.txPerSec),
    sha256MBps: Math.round(sha.sha256MBps),
    nodeSha256MBps: Math.round(sha.nodeSha256MBps),
    mmrAppendsPerSec: Math.round(mmr.mmrAppendsPerSec),
    eventLogFullUsPerHeight: Math.round(eventLog.fullUsPerHeight),
    eventLogFrontierUsPerHeight: Math.round(eventLog.frontierUsPerHeight),
    snapshotMs: Math.round(snap.snapshotMs * 10) / 10,
    snapshotBytes: snap.snapshotBytes,
    proofsPerSec: Math.round(pr.proofsPerSec),
    proofVerifiesPerSec: Math.round(pr.proofVerifiesPerSec),
  }),
);
