// Runs the golden scenario on the built core.wasm and compares it with the pinned vectors.
import { readFileSync } from "node:fs";
import { computeGolden } from "../test/golden/scenario.js";

const wasm = new Uint8Array(readFileSync(new URL("../build/core.wasm", import.meta.url)));
const pinned = JSON.parse(readFileSync(new URL("../test/golden/vectors.json", import.meta.url), "utf8"));
const t = performance.now();
const { wasmSha256, ...actual } = await computeGolden(wasm);
const { wasmSha256: _, ...want } = pinned;
const same = JSON.stringify(actual) === JSON.stringify(want);
console.log(`core.wasm sha256 ${wasmSha256}`);
console.log(
  `golden scenario: ${actual.blocks.length} blocks, ${actual.txs.length} transactions, ${Math.round(performance.now() - t)} ms: ${same ? "matches" : "DIFFERS FROM"} test/golden/vectors.json`,
);
if (!same) process.exit(1);
