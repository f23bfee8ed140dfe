// Drill: the disk under a relay's PGlite folder fills up, then is freed (docs/decisions/024).
// `npm run drill:disk-full -w relay` (root: it mounts a 200 MB tmpfs at a temp folder, and
// unmounts it after). A real devnet and the real relay command; the drill fills the tmpfs while
// the relay follows the chain, watches it for 30 s, frees the space and watches 30 s more.
// It passes when, while full, the relay stays up, its height never goes back (no rebuild from
// height 1 in a loop), /readyz is 503 naming the full disk, and once freed it is ready again
// within 8 heights of the chain. Prints each observation, then PASS or FAIL (exit 1).
// Not in `npm test`: mounting needs privileges a CI container may not give.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeBase, startDevnet, WASM_PATH } from "../test/support/devnet.js";
import { json } from "../test/support/relays.js";
import { removeTempDirs } from "../test/support/temp-dirs.js";

const say = (line: string) => console.log(`[drill] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mount = mkdtempSync(join(tmpdir(), "relay-disk-full-"));
execFileSync("mount", ["-t", "tmpfs", "-o", "size=200m", "tmpfs", mount]);
const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  if (!ok) failures.push(what);
};

say("starting a 4-validator devnet");
const devnet = await startDevnet();
const port = await freeBase(1);
const url = `http://127.0.0.1:${port}`;
const validators = [0, 1, 2, 3].map((i) => devnet.apiUrl(i)).join(",");
const relayArgs = ["--genesis", join(devnet.dir, "genesis.json"), "--validators", validators, "--data", join(mount, "relay")];
const relay = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...relayArgs, "--port", String(port), "--wasm", WASM_PATH], {
  cwd: join(import.meta.dirname, ".."),
  stdio: ["ignore", "pipe", "pipe", "ipc"],
});
let log = "";
relay.stdout?.on("data", (d) => (log += d));
relay.stderr?.on("data", (d) => (log += d));
let exited: string | undefined;
relay.on("exit", (code, signal) => (exited = `${signal ?? code}`));

/** The relay's /readyz body and the chain's finalized height, said and returned. */
async function observe(label: string): Promise<{ ready: boolean; height: bigint; reasons: string[]; chain: bigint }> {
  const chain = (await devnet.health(0))?.finalized ?? 0n;
  try {
    const r = await json(`${url}/readyz`);
    const reasons = (r.body.reasons as string[] | undefined) ?? [];
    say(`${label}: chain ${chain}, relay ${r.body.height} ${r.status === 200 ? "ready" : `not ready: ${reasons.join("; ")}`}`);
    return { ready: r.status === 200, height: BigInt(r.body.height as string), reasons, chain };
  } catch (e) {
    say(`${label}: chain ${chain}, relay not answering (${(e as Error).message})`);
    return { ready: false, height: -1n, reasons: [], chain };
  }
}

try {
  let before = { ready: false, height: 0n, reasons: [] as string[], chain: 0n };
  for (let i = 0; i < 60 && !before.ready; i++) {
    await sleep(1000);
    before = await observe("starting");
  }
  check(before.ready, "the relay became ready before the disk filled");
  say("filling the disk");
  try {
    execFileSync("dd", ["if=/dev/zero", `of=${join(mount, "filler")}`, "bs=1M"], { stdio: "ignore" });
  } catch {
    // dd stops at "No space left on device": that is the point
  }
  let highest = before.height;
  let last = before;
  for (let s = 5; s <= 30; s += 5) {
    await sleep(5000);
    last = await observe(`full +${s} s`);
    check(exited === undefined, `the relay is up while the disk is full (+${s} s)`);
    check(last.height >= highest, `the relay's height never goes back (+${s} s: ${last.height} after ${highest})`);
    if (last.height > highest) highest = last.height;
  }
  check(!last.ready && last.reasons.some((r) => r.includes("No space left on device")), "/readyz is 503 naming the full disk");
  say("freeing the disk");
  rmSync(join(mount, "filler"));
  let after = last;
  for (let s = 1; s <= 30 && !after.ready; s++) {
    await sleep(1000);
    after = await observe(`freed +${s} s`);
  }
  check(after.ready && after.height >= after.chain - 8n, "ready again within 8 heights of the chain once the disk is freed");
  const rebuilds = (log.match(/"event":"chain_rebuild"/g) ?? []).length;
  check(rebuilds === 0, `no chain_rebuild (${rebuilds})`);
  say(
    `logged: ${["store_unavailable", "store_still_unavailable", "store_available"].map((e) => `${e} ×${log.split(`"event":"${e}"`).length - 1}`).join(", ")}`,
  );
} finally {
  relay.kill("SIGKILL");
  await devnet.stop();
  await removeTempDirs();
  execFileSync("umount", [mount]);
  rmSync(mount, { recursive: true, force: true });
}
if (failures.length > 0) {
  for (const f of failures) say(`FAIL: ${f}`);
  process.exit(1);
}
say("PASS");
process.exit(0);
