#!/usr/bin/env node
// `npm start`: prepares the checkout (install, build core.wasm), checks core.wasm against the
// golden vectors, then runs the local devnet of 4 validator processes on loopback (data and logs in
// .devnet/; a second `npm start` resumes the same chain, `npm start -- --fresh` starts a new one)
// and prints where each validator serves. The relay and web app join it with issues 4 and 7.
import { spawn, spawnSync } from "node:child_process";
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
console.log("\n[start] devnet: 4 validators (peer links 127.0.0.1:7100-7103, APIs http://127.0.0.1:7200-7203)");
const devnet = spawn("npx", ["tsx", "validators/src/cli/main.ts", "devnet", "--dir", join(root, ".devnet"), ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
const stop = () => devnet.kill("SIGTERM");
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
devnet.on("exit", (code) => process.exit(code ?? 0));
