// `npm run chaos -- --seeds N [--from S]`: the consensus fault campaign over any number of seeds.
// One line per seed (so long runs show progress), the failing scenarios in full, and as the last
// line one JSON object {seeds, steps, violations, stalls}. Exit status 1 if anything failed.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Core } from "@nullspace/core";
import { runScenario, scenarioOf } from "../sim/campaign.js";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isSafeInteger(v) || v < 0) {
    console.error(`--${name} needs a whole number`);
    process.exit(2);
  }
  return v;
}

const seeds = arg("seeds", 100);
const from = arg("from", 0);
const wasm = readFileSync(process.env.NULLSPACE_CORE_WASM ?? createRequire(import.meta.url).resolve("@nullspace/core/wasm"));
const core = await Core.load(wasm);
let steps = 0;
let violations = 0;
let stalls = 0;
const t0 = performance.now();
for (let seed = from; seed < from + seeds; seed++) {
  const r = await runScenario(core.codec, scenarioOf(seed), { trace: false });
  steps += r.steps;
  violations += r.violations.length;
  if (r.stall) stalls++;
  const status = r.violations.length > 0 ? "VIOLATION" : r.stall ? "STALL" : "ok";
  console.log(`seed ${seed}: ${status}, n=${r.scenario.n}, height ${r.finalizedHeight}, view ${r.views}, ${r.steps} steps`);
  if (status !== "ok") {
    console.log(`  scenario ${JSON.stringify(r.scenario)}`);
    for (const v of r.violations.slice(0, 5)) console.log(`  ${v.rule} at ${v.at} ms: ${v.detail}`);
    if (r.stall) console.log(`  stall: ${r.stall}`);
  }
}
console.error(`${seeds} seeds in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
console.log(JSON.stringify({ seeds, steps, violations, stalls }));
process.exit(violations > 0 || stalls > 0 ? 1 : 0);
