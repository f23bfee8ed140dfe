#!/usr/bin/env node
// `npm run fuzz [-- SCALE]`: the decoder and hostile-input suites (every test file that sizes its
// fast-check runs with `fuzzRuns`, core-as/test/support/fuzz.ts) at SCALE times the runs `npm test`
// gives them (default 100), one workspace after another, ending with "N passed, N failed".
// A failure prints fast-check's seed and path; `FUZZ_SCALE=… npx vitest run <file>` replays it.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runVitest } from "./vitest-suite.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const scale = process.argv[2] ?? process.env.FUZZ_SCALE ?? "100";
if (!(Number(scale) > 0)) {
  console.error(`[fuzz] the scale must be a positive number, not ${JSON.stringify(scale)}`);
  process.exit(2);
}

/** Test files of workspace `dir` (relative to it) that size their runs with fuzzRuns. */
function fuzzSuites(dir) {
  return readdirSync(join(dir, "test"), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".test.ts") && readFileSync(join(dir, "test", f), "utf8").includes("fuzzRuns("))
    .map((f) => join("test", f))
    .sort();
}

if (spawnSync("node", ["scripts/ensure.mjs"], { cwd: root, stdio: "inherit" }).status !== 0) process.exit(1);
let passed = 0;
let failed = 0;
for (const ws of ["core-as", "validators", "relay"]) {
  const files = fuzzSuites(join(root, ws));
  console.log(`\n[fuzz] ${ws}: ${files.length} suites at ${scale}× their runs: ${files.join(", ")}`);
  const t0 = Date.now();
  // The runs grow with the scale; so may a test's time (the scale is the campaign's, not vitest's 5 s).
  const r = runVitest(join(root, ws), ["--testTimeout", "0", "--hookTimeout", "600000", ...files], {
    ...process.env,
    FUZZ_SCALE: scale,
  });
  passed += r.passed;
  failed += r.failed;
  console.log(`[fuzz] ${ws}: ${r.passed} passed, ${r.failed} failed in ${Math.round((Date.now() - t0) / 1000)} s`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
