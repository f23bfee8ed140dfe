#!/usr/bin/env node
// `npm test`: prepares the checkout, type-checks and lints, runs every workspace's suite, and
// ends with one line "N passed, N failed" (the form CI reads).
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runVitest } from "./vitest-suite.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const workspaces = ["core-as", "validators", "relay"];
const extra = process.argv.slice(2);

function step(label, cmd, args, cwd = root) {
  console.log(`\n[test] ${label}`);
  const r = spawnSync(cmd, args, { cwd, stdio: "inherit" });
  return r.status ?? 1;
}

let failedSteps = 0;
if (step("prepare (install, build core.wasm)", "node", ["scripts/ensure.mjs"]) !== 0) process.exit(1);
failedSteps += step("lint and format check (biome)", "npx", ["biome", "check", "."]) === 0 ? 0 : 1;
for (const ws of workspaces)
  failedSteps += step(`type-check ${ws}`, "npx", ["tsc", "-p", "tsconfig.json", "--noEmit"], join(root, ws)) === 0 ? 0 : 1;

let passed = 0;
let failed = 0;
for (const ws of workspaces) {
  console.log(`\n[test] suite ${ws}`);
  const r = runVitest(join(root, ws), extra);
  passed += r.passed;
  failed += r.failed;
}
if (failedSteps > 0) console.log(`[test] ${failedSteps} check step(s) failed (see above)`);
console.log(`${passed} passed, ${failed + failedSteps} failed`);
process.exit(failed + failedSteps > 0 ? 1 : 0);
