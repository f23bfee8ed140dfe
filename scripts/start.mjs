#!/usr/bin/env node
// `npm start`: prepares the checkout, then starts what exists of the local network. Until the
// validator devnet lands (issue 3), that is the state machine itself: a self-check against the
// golden vectors and the core benchmark.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const run = (label, cmd, args) => {
  console.log(`\n[start] ${label}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run("preparing (install, build core.wasm)", "node", ["scripts/ensure.mjs"]);
run("self-check: core.wasm against the golden vectors", "npx", ["tsx", "core-as/scripts/self-check.ts"]);
run("benchmark: npm run bench:core", "npx", ["tsx", "core-as/bench/core.ts"]);
console.log(
  "\n[start] The validator devnet, relay and web app are not here yet (issues 3 and 4);" +
    " npm start will bring them up and print their URLs once they land.",
);
