#!/usr/bin/env node
// Makes a checkout ready: installs npm dependencies when missing or out of date, and rebuilds
// core.wasm when any AssemblyScript source is newer than it. Fast when nothing changed.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...opts });
  if (r.status !== 0) {
    console.error(`[ensure] ${cmd} ${args.join(" ")} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

function newestMtime(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

const lock = join(root, "package-lock.json");
const installed = join(root, "node_modules", ".package-lock.json");
if (!existsSync(installed) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(installed).mtimeMs + 1000)) {
  console.log("[ensure] installing npm dependencies…");
  run("npm", ["install", "--no-audit", "--no-fund"]);
}

const wasm = join(root, "core-as", "build", "core.wasm");
const sources = [join(root, "core-as", "assembly"), join(root, "asconfig.json")];
const sourceTime = Math.max(...sources.map(newestMtime));
if (!existsSync(wasm) || statSync(wasm).mtimeMs < sourceTime) {
  console.log("[ensure] building core.wasm (AssemblyScript, -O3)…");
  run("npm", ["run", "build", "--workspace", "core-as", "--silent"]);
}
