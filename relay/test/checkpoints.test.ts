// State checkpoints against a real devnet and real PGlite stores: a relay writes its state machine's
// snapshot every few heights, a restart begins at the newest one (the heights before it are not
// executed again) and then serves the answers of a relay that replayed everything, with live
// updates whose event proofs verify; a checkpoint that is not its height's state (another height's
// snapshot, garbage) is refused, dropped and passed over, down to genesis if need be.
import { readFileSync } from "node:fs";
import { Core, fromHex, LocalChain, StateKey, signTxSync, toHex, verifyUpdate } from "@nullspace/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type RunningRelay, startRelay } from "../src/start.js";
import { openDb } from "../src/store/db.js";
import { type Devnet, relayOptions, startDevnet, WASM_PATH, waitUntil } from "./support/devnet.js";
import { json, submit } from "./support/relays.js";
import { removeTempDirs, tempDir } from "./support/temp-dirs.js";

const EVERY = 5;
let devnet: Devnet;
let core: Core;
let chainId: bigint;
/** Follows the devnet from genesis without checkpoints: the answers to compare with. */
let reference: RunningRelay;
const relays: RunningRelay[] = [];

type LogLine = { event: string; fields: Record<string, unknown> };

async function newRelay(dataDir: string, lines: LogLine[] = [], checkpointEvery = EVERY): Promise<RunningRelay> {
  const r = await startRelay(
    relayOptions(devnet, { dataDir, checkpointEvery, log: (_level, event, fields = {}) => lines.push({ event, fields }) }),
  );
  relays.push(r);
  return r;
}

async function stopRelay(r: RunningRelay): Promise<void> {
  await r.stop();
  relays.splice(relays.indexOf(r), 1);
}

/** Runs `fn` on a stopped relay's PGlite folder. */
async function withStore<T>(dataDir: string, fn: (db: Awaited<ReturnType<typeof openDb>>) => Promise<T>): Promise<T> {
  const db = await openDb({ dataDir });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

const checkpointHeights = (dataDir: string) =>
  withStore(dataDir, async (db) => (await db.query("SELECT height FROM checkpoints ORDER BY height")).map((r) => BigInt(String(r.height))));

/** The two relays' /state answers for `key` at one height (both move with the chain). */
async function sameState(a: RunningRelay, b: RunningRelay, key: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const [x, y] = await Promise.all([json(`${a.url}/state/${key}`), json(`${b.url}/state/${key}`)]);
    if (x.body.height !== y.body.height) continue;
    const record = (body: Record<string, unknown>) =>
      core.codec.decodeProgressCertificate(fromHex(body.progressCertificate as string)).record;
    expect({ ...x.body, progressCertificate: record(x.body) }).toEqual({ ...y.body, progressCertificate: record(y.body) });
    return;
  }
  throw new Error("the relays never answered at the same height");
}

function register(url: string, seed: number, name: string) {
  const tx = signTxSync({ codec: core.codec, signer: LocalChain.signer(seed), chainId, nonce: 0n, instruction: { op: "register", name } });
  return submit(url, tx);
}

beforeAll(async () => {
  core = await Core.load(readFileSync(WASM_PATH));
  devnet = await startDevnet();
  chainId = BigInt(devnet.genesis.chainId);
  reference = await newRelay(await tempDir("relay-reference-"), [], 0);
}, 180_000);

afterAll(async () => {
  for (const r of relays) await r.stop().catch(() => {});
  await devnet?.stop();
  await removeTempDirs();
});

describe("relay state checkpoints", () => {
  const dir = tempDir("relay-checkpoints-");
  const player = toHex(StateKey.account(LocalChain.signer(7001).publicKey));

  it("writes a checkpoint every few heights and keeps the newest two", async () => {
    const relay = await newRelay(await dir);
    expect((await register(relay.url, 7001, "checkpointed")).status).toBe(200);
    await relay.relay.waitForHeight(4n * BigInt(EVERY) + 2n);
    await stopRelay(relay);
    const heights = await checkpointHeights(await dir);
    expect(heights).toHaveLength(2);
    for (const h of heights) expect(h % BigInt(EVERY)).toBe(0n);
    expect((heights[1] as bigint) - (heights[0] as bigint)).toBe(BigInt(EVERY));
  }, 90_000);

  it("restarts from the newest checkpoint and answers, and proves live updates, as a relay that replayed everything", async () => {
    const [, newest] = await checkpointHeights(await dir);
    const lines: LogLine[] = [];
    const relay = await newRelay(await dir, lines);
    const restored = lines.find((l) => l.event === "checkpoint_restored");
    expect(restored?.fields.height).toBe(String(newest));
    // The heights up to the checkpoint were not executed again: the replay began after it.
    expect(lines.find((l) => l.event === "replay_store")?.fields.from).toBe(String((newest as bigint) + 1n));
    expect(relay.relay.metrics.checkpoints.get({ outcome: "restored" })).toBe(1);
    await sameState(relay, reference, player);

    // A live update after the restore: its events are proved from the peaks the snapshot carried.
    const ws = new WebSocket(`${relay.url.replace("http", "ws")}/updates?filter=all`);
    const frames: Uint8Array[] = [];
    ws.on("message", (d: Buffer) => frames.push(new Uint8Array(d)));
    await new Promise((r) => ws.once("open", r));
    expect((await register(relay.url, 7002, "after-restore")).status).toBe(200);
    const account = toHex(LocalChain.signer(7002).publicKey);
    const check = { codec: core.codec, chainId, validators: devnet.genesis.validators.map((v) => fromHex(v.publicKey)) };
    await waitUntil("a verified update with the new account's event", async () => {
      for (const frame of frames) {
        const v = await verifyUpdate({ ...check, frame });
        expect(v.ok).toBe(true);
        if (v.ok && v.events.some((e) => e.account === account)) return true;
      }
      return false;
    });
    ws.close();
    await stopRelay(relay);
  }, 90_000);

  it("refuses and drops checkpoints that are not their height's state, down to genesis, and writes good ones again", async () => {
    const [older, newest] = (await checkpointHeights(await dir)) as [bigint, bigint];
    await withStore(await dir, async (db) => {
      // The newest holds the older one's snapshot (a state, but of another height); the older, garbage.
      await db.query("UPDATE checkpoints SET snapshot = (SELECT snapshot FROM checkpoints WHERE height = $1) WHERE height = $2", [
        older,
        newest,
      ]);
      await db.query("UPDATE checkpoints SET snapshot = $1 WHERE height = $2", [new Uint8Array([1, 2, 3, 4]), older]);
    });
    const lines: LogLine[] = [];
    const relay = await newRelay(await dir, lines);
    const refused = lines.filter((l) => l.event === "checkpoint_refused");
    expect(refused.map((l) => l.fields.height)).toEqual([String(newest), String(older)]);
    expect(String(refused[0]?.fields.message)).toMatch(/height, block, state root/);
    expect(String(refused[1]?.fields.message)).toMatch(/does not restore/);
    expect(lines.some((l) => l.event === "checkpoint_restored")).toBe(false);
    expect(relay.relay.metrics.checkpoints.get({ outcome: "refused" })).toBe(2);
    // Replayed from genesis, it serves the same state, and wrote checkpoints of its own on the way.
    await sameState(relay, reference, player);
    await stopRelay(relay);
    const rewritten = await checkpointHeights(await dir);
    expect(rewritten).toHaveLength(2);

    const again: LogLine[] = [];
    const third = await newRelay(await dir, again);
    expect(again.some((l) => l.event === "checkpoint_refused")).toBe(false);
    expect(again.find((l) => l.event === "checkpoint_restored")?.fields.height).toBe(String(rewritten[1]));
    await sameState(third, reference, player);
    await stopRelay(third);
  }, 120_000);

  it("a rebuild begins at the newest checkpoint too, and a checkpoint that cannot be written is skipped", async () => {
    const lines: LogLine[] = [];
    const relay = await newRelay(await dir, lines);
    const db = relay.relay.store.db;
    // Every new height refused by the store: the pipeline fails and the relay rebuilds from its store.
    await db.query(
      "CREATE FUNCTION injected_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$",
    );
    await db.query("CREATE TRIGGER injected_fault BEFORE INSERT ON heights FOR EACH ROW EXECUTE FUNCTION injected_fault()");
    await waitUntil("a rebuild", () => lines.some((l) => l.event === "chain_rebuild"));
    const stoodAt = relay.relay.height;
    await waitUntil("the rebuild began at a checkpoint", () =>
      lines.slice(lines.findIndex((l) => l.event === "chain_rebuild")).some((l) => l.event === "checkpoint_restored"),
    );
    const restoredAt = lines.filter((l) => l.event === "checkpoint_restored").at(-1)?.fields.height;
    expect(BigInt(String(restoredAt))).toBeGreaterThan(0n);
    expect(BigInt(String(restoredAt))).toBeLessThanOrEqual(stoodAt);
    await db.query("DROP TRIGGER injected_fault ON heights");

    // The table gone (a write that fails for good): logged and counted, the relay goes on.
    await db.query("DROP TABLE checkpoints");
    const from = relay.relay.height;
    await relay.relay.waitForHeight(from + 2n * BigInt(EVERY));
    expect(lines.some((l) => l.event === "checkpoint_write_failed")).toBe(true);
    expect(relay.relay.metrics.checkpoints.get({ outcome: "failed" })).toBeGreaterThanOrEqual(1);
    await stopRelay(relay);
  }, 120_000);
});
