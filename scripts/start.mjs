#!/usr/bin/env node
// `npm start`: prepares the checkout (install, build core.wasm), checks core.wasm against the
// golden vectors, then runs the local devnet of 4 validator processes on loopback (data and logs in
// .devnet/; a second `npm start` resumes the same chain, `npm start -- --fresh` starts a new one,
// and a core.wasm that changed since the chain's genesis starts a new one, the old kept aside)
// and prints where each validator serves; then one relay in front of it (embedded store in
// .devnet/relay-data, log in .devnet/relay.log) and prints its URL. The web app joins with issue 7.
// Flags: those of `validators devnet` (e.g. --fresh, --api-base-port 7200), and --relay-port 8080.
// One `npm start` per checkout: while one runs, its pid is in .devnet/start.pid and a second one
// stops at once (it would open the running relay's store and read the running validators as its own).
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(root, ".devnet");
const pidFile = join(dir, "start.pid");
/** The pid of an `npm start` of this checkout that is running now, if any (a stale file names a dead or other process). */
const runningStart = () => {
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8")) : 0;
  if (!(pid > 0)) return undefined;
  try {
    const isStart = readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("scripts/start.mjs") && readlinkSync(`/proc/${pid}/cwd`) === root;
    return isStart ? pid : undefined;
  } catch {
    return undefined; // no such process
  }
};
const other = runningStart();
// A file naming this very pid was left by a past process that had it (a restarted container's).
if (other !== undefined && other !== process.pid) {
  console.error(`[start] npm start is already running from this checkout (pid ${other}): stop it first (Ctrl-C there, or kill ${other})`);
  process.exit(1);
}
/** Marks this checkout's devnet as ours (again after --fresh or a new chain moved the folder). */
const claim = () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(pidFile, String(process.pid));
};
claim();
process.on("exit", () => {
  if (runningStart() === process.pid) rmSync(pidFile, { force: true });
});
const run = (label, cmd, args) => {
  console.log(`\n[start] ${label}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run("preparing (install, build core.wasm)", "node", ["scripts/ensure.mjs"]);
run("self-check: core.wasm against the golden vectors", "npx", ["tsx", "core-as/scripts/self-check.ts"]);
const args = process.argv.slice(2);
const take = (flag, fallback) => {
  const i = args.indexOf(flag);
  if (i < 0) return fallback;
  const [, value] = args.splice(i, 2);
  return value;
};
const relayPort = take("--relay-port", "8080");
const apiFlag = args.indexOf("--api-base-port");
const apiBase = apiFlag >= 0 ? Number(args[apiFlag + 1]) : 7200;
// The relay's port is checked before anything starts (the devnet checks its own).
const relayPortTaken = await new Promise((resolve) => {
  const probe = createServer().once("error", () => resolve(true));
  probe.listen(Number(relayPort), "127.0.0.1", () => probe.close(() => resolve(false)));
});
if (relayPortTaken) {
  console.error(`[start] 127.0.0.1:${relayPort} is in use: stop what holds it, or pass --relay-port P`);
  process.exit(1);
}
// A new chain needs a new relay store too; removing the folder here (not only in the devnet)
// also means the genesis.json waited for below is the new chain's.
if (args.includes("--fresh")) rmSync(dir, { recursive: true, force: true });
// A chain is pinned to the core.wasm of its genesis: after a change to the state machine the old
// devnet cannot be resumed (its relay refuses to start). Keep it aside and start a new one.
const genesisFile = join(dir, "genesis.json");
if (existsSync(genesisFile)) {
  const pinned = JSON.parse(readFileSync(genesisFile, "utf8")).coreWasmSha256;
  const built = createHash("sha256")
    .update(readFileSync(join(root, "core-as/build/core.wasm")))
    .digest("hex");
  if (pinned !== built) {
    const aside = `${dir}.${new Date().toISOString().replace(/[:.]/g, "-")}`;
    renameSync(dir, aside);
    console.log(
      `\n[start] core.wasm changed since this devnet's genesis (${String(pinned).slice(0, 12)}… → ${built.slice(0, 12)}…): a new devnet; the old one is in ${aside}`,
    );
  }
}

claim();
console.log(`\n[start] devnet: 4 validators (APIs http://127.0.0.1:${apiBase}-${apiBase + 3})`);
// node --import tsx rather than npx: npx does not pass SIGTERM on, so stopping this script would
// leave the devnet and the relay running.
const tsNode = [...process.execArgv, "--import", "tsx"];
// Each child gets an IPC channel as a lifeline: if this script dies (even by kill -9), the devnet
// and the relay see it close and stop themselves.
const devnet = spawn(process.execPath, [...tsNode, "validators/src/cli/main.ts", "devnet", "--dir", dir, ...args], {
  cwd: root,
  stdio: ["inherit", "inherit", "inherit", "ipc"],
});
let relay;
let isRelayAsked = false;
/** Asks the relay to stop, once (SIGKILL if it has not within 10 s). */
const stopRelay = () => {
  if (!relay || isRelayAsked) return;
  isRelayAsked = true;
  relay.kill("SIGTERM");
  setTimeout(() => relay.kill("SIGKILL"), 10_000).unref();
};
const stop = () => {
  stopRelay();
  devnet.kill("SIGTERM");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
// The relay's output goes through this process, and it closes its store on the way out: wait for
// it (up to 10 s) before exiting, or it would stop half-way, its last lines and its store's clean
// close lost with the pipes.
devnet.on("exit", (code) => {
  const done = () => process.exit(code ?? 0);
  if (!relay || relay.exitCode !== null || relay.signalCode !== null) return done();
  relay.once("exit", done);
  stopRelay();
});

// The relay starts once the devnet has written its public genesis file (the relay's trust root).
const genesis = join(dir, "genesis.json");
const waitForGenesis = setInterval(() => {
  if (!existsSync(genesis)) return;
  clearInterval(waitForGenesis);
  const validators = [0, 1, 2, 3].map((i) => `http://127.0.0.1:${apiBase + i}`).join(",");
  const log = createWriteStream(join(dir, "relay.log"), { flags: "a" });
  relay = spawn(
    process.execPath,
    [
      ...tsNode,
      "relay/src/cli/main.ts",
      "--genesis",
      genesis,
      "--validators",
      validators,
      "--data",
      join(dir, "relay-data"),
      "--port",
      relayPort,
    ],
    { cwd: root, stdio: ["ignore", "pipe", "pipe", "ipc"] },
  );
  relay.stdout.on("data", (chunk) => {
    log.write(chunk);
    const url = /"relay_listening".*?"url":"([^"]+)"/.exec(chunk.toString())?.[1];
    if (url) console.log(`\n[start] relay: ${url} (log: ${join(dir, "relay.log")})`);
  });
  relay.stderr.pipe(log);
  relay.on("exit", (code, signal) => console.log(`[start] relay exited (${signal ?? `code ${code}`}); log: ${join(dir, "relay.log")}`));
}, 200);
