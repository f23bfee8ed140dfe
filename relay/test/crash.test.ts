// A relay killed outright (SIGKILL: the OOM killer, a host that pulls the process) keeps a store it
// can start again on. The real relay command, on its embedded PGlite folder, is killed while its
// first start creates the database cluster, while it syncs from the validators, while it replays
// its own store on a restart, and while it follows the chain with a subscriber, just after taking a
// transaction; started again on the same folder (the dead process's lock taken over), it comes
// back ready and serves the chain (/log), the transactions, the accounts and the leaderboard as a
// relay never killed does. Each height is stored in one transaction (store/store.ts), so a kill
// costs at most the heights not yet committed, which the relay fetches again. And the validator a
// relay follows, killed the same way or frozen (SIGSTOP): the relay moves to another without
// falling behind, and says it is ready only while it is within reach of the chain's tip.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Core, LocalChain, type Signer, signTxSync, toHex } from "@nullspace/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type RunningRelay, startRelay } from "../src/start.js";
import { CREATING_DIR } from "../src/store/cluster-dir.js";
import { type Devnet, freeBase, relayOptions, startDevnet, WASM_PATH, waitUntil } from "./support/devnet.js";
import { certified, json, logBundles, submit } from "./support/relays.js";
import { removeTempDirs, tempDir } from "./support/temp-dirs.js";

const RELAY_DIR = join(import.meta.dirname, "..");

let core: Core;
let devnet: Devnet;
let reference: RunningRelay;
const players = [31, 32, 33].map((i) => LocalChain.signer(7700 + i));
const hashes: string[] = [];
const running = new Set<ChildProcess>();

/** The relay command in a process of its own, its log kept; over IPC, so it stops if this process dies. */
function relayProcess(dataDir: string, port: number): { proc: ChildProcess; log: () => string; saw(event: string): Promise<void> } {
  const validators = [0, 1, 2, 3].map((i) => devnet.apiUrl(i)).join(",");
  const args = ["--import", "tsx", "src/cli/main.ts", "--genesis", join(devnet.dir, "genesis.json"), "--validators", validators];
  const proc = spawn(process.execPath, [...args, "--data", dataDir, "--port", String(port), "--wasm", WASM_PATH], {
    cwd: RELAY_DIR,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  running.add(proc);
  proc.once("exit", () => running.delete(proc));
  let log = "";
  const listeners = new Set<() => void>();
  const take = (d: Buffer) => {
    log += d.toString();
    for (const l of listeners) l();
  };
  proc.stdout?.on("data", take);
  proc.stderr?.on("data", take);
  const saw = (event: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (log.includes(`"event":"${event}"`)) {
          listeners.delete(check);
          resolve();
        } else if (proc.exitCode !== null) reject(new Error(`the relay exited (${proc.exitCode}) before ${event}:\n${log}`));
      };
      listeners.add(check);
      proc.once("exit", check);
      check();
    });
  return { proc, log: () => log, saw };
}

async function kill(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`the relay had already exited (${proc.exitCode})`);
  const exited = new Promise((resolve) => proc.once("exit", resolve));
  proc.kill("SIGKILL");
  await exited;
}

async function answers(url: string, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  try {
    const r = await json(`${url}${path}`);
    return { status: r.status, body: r.body };
  } catch {
    return { status: 0, body: {} }; // not listening (yet)
  }
}

/** Registers `signer` as `name` through the relay at `url` (its first transaction: nonce 0). */
function register(url: string, signer: Signer, name: string) {
  const chainId = BigInt(devnet.genesis.chainId);
  return submit(url, signTxSync({ codec: core.codec, signer, chainId, nonce: 0n, instruction: { op: "register", name } }));
}

/** An answer without what moves with the chain (the height it was given at). */
function settled(body: Record<string, unknown>): Record<string, unknown> {
  const { height: _height, ...rest } = body;
  return rest;
}

beforeAll(async () => {
  core = await Core.load(readFileSync(WASM_PATH));
  devnet = await startDevnet();
  reference = await startRelay({
    ...relayOptions(devnet),
    dataDir: await tempDir("relay-reference-"),
  });
  for (const [i, p] of players.slice(0, 2).entries()) {
    const r = await register(reference.url, p, `crash${i}`);
    expect(r.body).toMatchObject({ ok: true });
    hashes.push(r.body.hash as string);
  }
  // Enough heights that syncing them takes the new relay a while.
  await devnet.waitFor(60n, 120_000);
}, 180_000);

afterAll(async () => {
  for (const p of running) p.kill("SIGKILL");
  await reference?.stop();
  await devnet?.stop();
  await removeTempDirs();
});

describe("a relay killed with SIGKILL", () => {
  it("starts again on its folder, at every stage, and serves what a relay never killed serves", async () => {
    const dataDir = await tempDir("relay-killed-");
    const port = await freeBase(1);
    const url = `http://127.0.0.1:${port}`;

    // 1. While its first start creates the PGlite cluster in the empty folder.
    const first = relayProcess(dataDir, port);
    await waitUntil("the cluster is being created", () => existsSync(join(dataDir, CREATING_DIR, "PG_VERSION")), 60_000);
    await kill(first.proc);
    expect(first.log()).not.toContain('"event":"relay_listening"');

    // 2. While it syncs from the validators: as soon as it has stored a height.
    const second = relayProcess(dataDir, port);
    await second.saw("follow_connected");
    expect(second.log()).toContain('"event":"rebuild_from_validators"');
    while (Number((await answers(url, "/healthz")).body.height ?? 0) < 1) await new Promise((r) => setTimeout(r, 5));
    await kill(second.proc);

    // 3. While a restart replays its own store (what the second one stored).
    const third = relayProcess(dataDir, port);
    await third.saw("replay_store");
    await kill(third.proc);

    // 4. Following the chain, ready, with a subscriber, right after taking a transaction. Ready
    // means synced: within 8 heights (maxLag) of what the validators had finalized before it started.
    const finalizedBefore = (await devnet.health(0))?.finalized ?? 0n;
    expect(finalizedBefore).toBeGreaterThanOrEqual(60n);
    const fourth = relayProcess(dataDir, port);
    await waitUntil("the relay is ready", async () => (await answers(url, "/readyz")).status === 200, 120_000);
    expect(BigInt((await answers(url, "/healthz")).body.height as string)).toBeGreaterThanOrEqual(finalizedBefore - 8n);
    const subscriber = new WebSocket(`${url.replace("http", "ws")}/updates?filter=all`);
    const closed = new Promise<number>((resolve) => subscriber.once("close", resolve));
    await new Promise((resolve, reject) => subscriber.once("open", resolve).once("error", reject));
    const taken = await register(url, players[2] as Signer, "crash2");
    expect(taken.body).toMatchObject({ ok: true });
    hashes.push(taken.body.hash as string);
    await kill(fourth.proc);
    expect(await closed).toBe(1006); // gone without a close frame, as a killed process goes

    // Started once more, it takes over the dead process's lock and comes back ready.
    const finalizedBeforeLast = (await devnet.health(0))?.finalized ?? 0n;
    const last = relayProcess(dataDir, port);
    await waitUntil("the relay is ready again", async () => (await answers(url, "/readyz")).status === 200, 120_000);
    expect(BigInt((await answers(url, "/healthz")).body.height as string)).toBeGreaterThanOrEqual(finalizedBeforeLast - 8n);
    expect(last.log()).not.toContain("RELAY_DATA_IN_USE");
    const target = BigInt((await answers(url, "/healthz")).body.height as string);
    await reference.relay.waitForHeight(target);
    const [mine, theirs] = await Promise.all([logBundles(url, 1n, target), logBundles(reference.url, 1n, target)]);
    expect(mine).toHaveLength(Number(target));
    expect(certified(core, mine)).toEqual(certified(core, theirs));

    // Every transaction, including the one taken just before the kill, with its events; the
    // accounts and the leaderboard as the relay that was never killed has them.
    for (const hash of hashes) {
      await waitUntil(`both relays hold ${hash}`, async () =>
        (await Promise.all([answers(url, `/tx/${hash}`), answers(reference.url, `/tx/${hash}`)])).every((a) => a.status === 200),
      );
      expect((await answers(url, `/tx/${hash}`)).body).toEqual((await answers(reference.url, `/tx/${hash}`)).body);
    }
    for (const p of players) {
      const key = toHex(p.publicKey);
      const [a, b] = await Promise.all([answers(url, `/accounts/${key}`), answers(reference.url, `/accounts/${key}`)]);
      expect(a.status).toBe(200);
      expect(settled(a.body)).toEqual(settled(b.body));
    }
    const [x, y] = await Promise.all([answers(url, "/leaderboard?limit=100"), answers(reference.url, "/leaderboard?limit=100")]);
    expect(settled(x.body)).toEqual(settled(y.body));
    expect((x.body.leaders as unknown[]).length).toBeGreaterThanOrEqual(players.length);
    await kill(last.proc);
  }, 240_000);
});

describe("the validator a relay follows, killed with SIGKILL", () => {
  it("costs the relay a move to another: it keeps pace, stays ready and takes transactions", async () => {
    const followed = reference.relay.follower.source;
    const i = [0, 1, 2, 3].find((k) => devnet.apiUrl(k) === followed) as number;
    const before = reference.relay.height;
    await devnet.kill(i);
    try {
      await waitUntil("the relay follows another validator", () => reference.relay.follower.source !== followed, 30_000);
      await reference.relay.waitForHeight(before + 20n);
      await waitUntil("the relay is ready", async () => (await answers(reference.url, "/readyz")).status === 200, 30_000);
      expect(reference.relay.metrics.followReconnects.get()).toBeGreaterThanOrEqual(1);
      // A transaction through the relay reaches a validator that is up, and is finalized.
      const taken = await register(reference.url, LocalChain.signer(7799), "after-kill");
      expect(taken.body).toMatchObject({ ok: true });
      await waitUntil(
        "the transaction is finalized",
        async () => (await answers(reference.url, `/tx/${taken.body.hash}`)).status === 200,
        60_000,
      );
    } finally {
      // Back, it catches up with the others (its journal and store were left as a kill leaves them).
      devnet.start(i);
    }
    await devnet.waitFor(reference.relay.height, 120_000, [i]);
  }, 240_000);
});

describe("the validator a relay follows, frozen (SIGSTOP: a hung process, a partition that closes nothing)", () => {
  it("costs the relay a move to another too: it keeps pace and is never ready on a tip gone stale", async () => {
    const followed = reference.relay.follower.source;
    const i = [0, 1, 2, 3].find((k) => devnet.apiUrl(k) === followed) as number;
    const child = devnet.children[i];
    if (!child?.pid) throw new Error(`validator ${i} is not running`);
    const before = reference.relay.height;
    const others = [0, 1, 2, 3].filter((k) => k !== i);
    process.kill(child.pid, "SIGSTOP");
    const frozenAt = Date.now();
    try {
      // Until it has moved on, whenever it says ready it is within reach of the chain's tip (maxLag
      // 8, and 4 more for the time between the two reads): it stood still at its height and said
      // ready, for good.
      let readyWhileBehind = "";
      while (reference.relay.follower.source === followed && Date.now() - frozenAt < 30_000) {
        const ready = await answers(reference.url, "/readyz");
        const tips = await Promise.all(others.map(async (k) => (await devnet.health(k))?.finalized ?? 0n));
        let tip = 0n;
        for (const t of tips) if (t > tip) tip = t; // bigints: no Math.max
        const height = BigInt(ready.body.height as string);
        if (ready.status === 200 && height + 12n < tip) readyWhileBehind = `ready at ${height} with the chain at ${tip}`;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(reference.relay.follower.source).not.toBe(followed);
      expect(readyWhileBehind).toBe("");
      await reference.relay.waitForHeight(before + 20n);
      await waitUntil("the relay is ready", async () => (await answers(reference.url, "/readyz")).status === 200, 30_000);
    } finally {
      process.kill(child.pid, "SIGCONT");
    }
    await devnet.waitFor(reference.relay.height, 120_000, [i]);
  }, 120_000);
});
