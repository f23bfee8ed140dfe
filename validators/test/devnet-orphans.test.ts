// A devnet's validators do not outlive the process that started them (src/cli/devnet.ts and
// cli/main.ts: an IPC channel as a lifeline). The parent here is killed with SIGKILL, so nothing of
// its own runs: each validator must notice the channel close and stop by itself. A vitest process
// that crashed mid-file once left a devnet running on the machine for half an hour.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { freeBase } from "./support/free-ports.js";
import { WASM_PATH } from "./support/wasm.js";

const PARENT = fileURLToPath(new URL("./support/devnet-parent.ts", import.meta.url));

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
let dir: string | undefined;
let pids: number[] = [];

afterAll(async () => {
  for (const pid of pids) if (isAlive(pid)) process.kill(pid, "SIGKILL"); // only if the test failed
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a devnet whose parent dies", () => {
  it("stops: every validator exits once its parent is killed with SIGKILL", async () => {
    dir = await mkdtemp(join(tmpdir(), "nullspace-orphans-"));
    const base = await freeBase(20);
    const parent = spawn(process.execPath, ["--import", "tsx", PARENT, dir, String(base), String(base + 10), WASM_PATH], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: parent.stdout }).once("line", resolve);
      parent.once("exit", (code) => reject(new Error(`the parent exited first (${code})`)));
    });
    pids = (JSON.parse(line) as { pids: number[] }).pids;
    expect(pids).toHaveLength(4);
    expect(pids.every(isAlive)).toBe(true);
    const parentGone = new Promise((r) => parent.once("exit", r));
    parent.kill("SIGKILL");
    await parentGone;
    const deadline = Date.now() + 20_000;
    while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(isAlive)).toEqual([]);
  }, 120_000);
});
