// Archive benchmark: what storing and serving finalized heights costs.
//
//   npx tsx bench/archive.ts [--runs 3] [--heights 300] [--txs 8]
//
// A LocalChain of --heights blocks (--txs transactions each), finalization and progress
// certificates signed by 4 test validators. On FsStorage in a fresh directory under os.tmpdir():
// 1. puts: putFinalized + putSigma + putProgress of every height, one sync per 10 heights
//    (heights/s; each height is three records and two codec checks);
// 2. bundle reads of random heights (bundles/s), and a sequential range read via bundles();
// 3. reopen: the scan that rebuilds the index (ms).
// Each figure is the median over --runs runs. The last line printed is one JSON object.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Core, fromHex, LocalChain, SignatureKind, signingPayload } from "@nullspace/core";
import { Archive } from "../src/archive/archive.js";
import { FsStorage } from "../src/runtime/fs-storage.js";
import { median, numberArg, round as roundTo } from "./stats.js";

const RUNS = numberArg("runs", 3);
const HEIGHTS = numberArg("heights", 300);
const TXS = numberArg("txs", 8);
const READS = 2000;

const round = (x: number, digits = 1) => roundTo(x, digits);
const now = () => Number(process.hrtime.bigint()) / 1e6;

const wasm = new Uint8Array(
  readFileSync(process.env.NULLSPACE_CORE_WASM ?? createRequire(import.meta.url).resolve("@nullspace/core/wasm")),
);
const codec = (await Core.load(wasm)).codec;
const validators = Array.from({ length: 4 }, (_, i) => LocalChain.signer(500 + i));
const sign = (kind: SignatureKind, body: Uint8Array) =>
  [0, 1, 2].map((index) => ({ index, signature: validators[index]!.signSync!(signingPayload(kind, 1n, body)) }));

const chain = await LocalChain.create({ wasm });
const heights: { height: bigint; block: Uint8Array; finalization: Uint8Array; sigma: Uint8Array; progress: Uint8Array }[] = [];
for (let h = 1; h <= HEIGHTS; h++) {
  for (let t = 0; t < TXS; t++) chain.submit(LocalChain.signer(h * TXS + t), { op: "register", name: `p${h}-${t}` });
  const r = chain.seal();
  const { header, digest } = codec.decodeBlock(r.block);
  const body = codec.voteBody({
    kind: "finalize",
    view: header.view,
    height: header.height,
    parent: fromHex(header.parent),
    digest: fromHex(digest),
  });
  heights.push({
    height: BigInt(h),
    block: r.block,
    finalization: codec.encodeCertificate("finalization", body, 4, sign(SignatureKind.FINALIZE, body)),
    sigma: r.sigma,
    progress: codec.encodeProgressCertificate(r.progress!, 4, sign(SignatureKind.PROGRESS, r.progress!)),
  });
}
const bundleBytes = codec.encodeFinalized(heights[0]!).length;

async function run(): Promise<{ putsPerS: number; randomBundlesPerS: number; rangeBundlesPerS: number; reopenMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), "nullspace-archive-bench-"));
  try {
    const archive = await Archive.open(new FsStorage(dir), { codec });
    let t0 = now();
    for (const x of heights) {
      await archive.putFinalized(x.height, x.block, x.finalization);
      await archive.putSigma(x.height, x.sigma);
      await archive.putProgress(x.height, x.progress);
      if (x.height % 10n === 0n) await archive.sync();
    }
    await archive.sync();
    const putsPerS = HEIGHTS / ((now() - t0) / 1000);
    await archive.close();

    t0 = now();
    const reopened = await Archive.open(new FsStorage(dir), { codec });
    const reopenMs = now() - t0;
    let seed = 12345;
    t0 = now();
    for (let i = 0; i < READS; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      await reopened.bundle(BigInt(1 + (seed % HEIGHTS)));
    }
    const randomBundlesPerS = READS / ((now() - t0) / 1000);
    t0 = now();
    let n = 0;
    for await (const _ of reopened.bundles(1n, BigInt(HEIGHTS))) n++;
    const rangeBundlesPerS = n / ((now() - t0) / 1000);
    await reopened.close();
    return { putsPerS, randomBundlesPerS, rangeBundlesPerS, reopenMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
for (let i = 0; i < RUNS; i++) results.push(await run());
const summary = {
  heights: HEIGHTS,
  txsPerBlock: TXS,
  bundleBytes,
  putHeightsPerS: round(median(results.map((r) => r.putsPerS))),
  randomBundlesPerS: round(median(results.map((r) => r.randomBundlesPerS))),
  rangeBundlesPerS: round(median(results.map((r) => r.rangeBundlesPerS))),
  reopenMs: round(median(results.map((r) => r.reopenMs)), 2),
};
console.log(`heights: ${HEIGHTS} blocks of ${TXS} transactions, bundles of ${bundleBytes} bytes, median of ${RUNS} runs (FsStorage)`);
console.log(`puts (3 records a height, sync every 10): ${summary.putHeightsPerS} heights/s`);
console.log(`bundle reads, random heights: ${summary.randomBundlesPerS}/s; sequential range: ${summary.rangeBundlesPerS}/s`);
console.log(`reopen (index rebuild): ${summary.reopenMs} ms`);
console.log(JSON.stringify(summary));
