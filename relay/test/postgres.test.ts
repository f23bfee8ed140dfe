// Two relays on one PostgreSQL (a throwaway server on loopback) in front of a real devnet: they
// migrate the shared schema together (one applies, one waits), both store every height once, a
// transaction submitted to one relay reaches a subscriber of the other in a frame that verifies,
// and both answer /log and /tx from the same rows; when the server crashes and comes back, both
// stay up, refuse stored reads with RELAY_STORE_UNAVAILABLE and catch up; so they do when it stops
// answering without closing anything (frozen), and so does a store-fed relay, which waits for the
// store instead of following validators. Needs PostgreSQL's server binaries; without
// them this file prints one line and does not run, except under CI=true, where that is a failure.

import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Core, fromHex, LocalChain, signTxSync, toHex, verifyUpdate, writeVarint } from "@nullspace/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { createGenesis } from "../../validators/src/genesis/genesis.js";
import { type RunningRelay, startRelay } from "../src/start.js";
import { MIGRATIONS } from "../src/store/migrations.js";
import { bundleOf, type Devnet, freeBase, relayOptions, startDevnet, WASM_PATH, waitUntil } from "./support/devnet.js";
import { forgerOf, lyingBundle } from "./support/forge.js";
import { type Postgres, postgresMissing, startPostgres } from "./support/postgres.js";
import { certified, json, logBundles, submit } from "./support/relays.js";
import { removeTempDirs, tempDir } from "./support/temp-dirs.js";

const missing = postgresMissing();
if (missing && process.env.CI === "true") throw new Error(missing);
if (missing) console.log(`[relay] shared-store tests not run: ${missing}`);

/** Short, so that the frozen server's case takes seconds: every statement here answers in milliseconds. */
const STORE_QUERY_TIMEOUT_MS = 3000;

let devnet: Devnet;
let pg: Postgres;
let core: Core;
let a: RunningRelay;
let b: RunningRelay;

describe.skipIf(missing !== undefined)("two relays on one PostgreSQL", () => {
  beforeAll(async () => {
    core = await Core.load(readFileSync(WASM_PATH));
    devnet = await startDevnet();
    pg = startPostgres(await freeBase(1));
    const start = (validators: string[]) =>
      startRelay(relayOptions(devnet, { validators, databaseUrl: pg.url, storeQueryTimeoutMs: STORE_QUERY_TIMEOUT_MS }));
    [a, b] = await Promise.all([start([devnet.apiUrl(0), devnet.apiUrl(1)]), start([devnet.apiUrl(2), devnet.apiUrl(3)])]);
    await Promise.all([a.relay.waitForHeight(3n), b.relay.waitForHeight(3n)]);
  }, 180_000);

  afterAll(async () => {
    await a?.stop().catch(() => {});
    await b?.stop().catch(() => {});
    pg?.stop();
    await devnet?.stop();
    await removeTempDirs();
  });

  it("share one store: a transaction sent to one relay reaches the other's subscriber, verified", async () => {
    const migrations = await a.relay.store.db.query("SELECT version FROM schema_migrations ORDER BY version");
    expect(migrations.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));

    const chainId = BigInt(devnet.genesis.chainId);
    const validators = devnet.genesis.validators.map((v) => fromHex(v.publicKey));
    const player = LocalChain.signer(5151);
    const account = toHex(player.publicKey);
    const ws = new WebSocket(`${b.url.replace("http", "ws")}/updates?filter=account:${account}`);
    const frames: Uint8Array[] = [];
    ws.on("message", (d: Buffer) => frames.push(new Uint8Array(d)));
    await new Promise((r) => ws.once("open", r));
    const tx = signTxSync({ codec: core.codec, signer: player, chainId, nonce: 0n, instruction: { op: "register", name: "shared" } });
    const sent = await submit(a.url, tx);
    expect(sent.status).toBe(200);

    let height = 0n;
    await waitUntil("relay B's subscriber sees the registration", async () => {
      for (const frame of frames) {
        const v = await verifyUpdate({ codec: core.codec, chainId, validators, frame });
        expect(v.ok).toBe(true);
        if (v.ok && v.events.some((e) => e.kind === "registered")) height = v.height;
      }
      return height > 0n;
    });
    ws.close();

    await Promise.all([a.relay.waitForHeight(height), b.relay.waitForHeight(height)]);
    const [ta, tb] = await Promise.all([json(`${a.url}/tx/${sent.body.hash}`), json(`${b.url}/tx/${sent.body.hash}`)]);
    expect(tb.body).toMatchObject({ height: height.toString(), signer: account });
    expect(ta.body).toEqual(tb.body);
    const [la, lb] = await Promise.all([logBundles(a.url, 1n, height), logBundles(b.url, 1n, height)]);
    // The same blocks and progress records; the certificates may carry different quorums (each
    // relay answers recent heights with the bundle it verified itself: docs/relay-api.md, /log).
    expect(certified(core, la)).toEqual(certified(core, lb));
    const rows = await a.relay.store.db.query("SELECT count(*) AS n, max(height) AS h FROM heights WHERE height <= $1", [height]);
    expect(Number(rows[0]?.n)).toBe(Number(height));
  }, 90_000);

  it("a relay of another chain (same chain id, other validators) refuses to start on the shared store and changes nothing", async () => {
    const wasm = new Uint8Array(readFileSync(WASM_PATH));
    const { genesis } = await createGenesis({
      n: 1,
      chainId: BigInt(devnet.genesis.chainId),
      genesisTimeMs: 0n,
      wasm,
      seed: new Uint8Array(32).fill(9),
    });
    const path = join(await tempDir("relay-other-chain-"), "genesis.json");
    await writeFile(path, JSON.stringify(genesis));
    // Relay A keeps storing while this runs: compare only heights it had stored before.
    await a.relay.waitForHeight(20n);
    const before = await a.relay.store.db.query("SELECT height, digest FROM heights WHERE height <= 20 ORDER BY height");
    expect(before).toHaveLength(20);
    await expect(startRelay(relayOptions(devnet, { genesisPath: path, databaseUrl: pg.url }))).rejects.toMatchObject({
      code: "RELAY_STORE_OTHER_CHAIN",
    });
    expect(await a.relay.store.db.query("SELECT height, digest FROM heights WHERE height <= 20 ORDER BY height")).toEqual(before);
    expect(await a.relay.store.db.query("SELECT genesis_digest FROM store_chain")).toEqual([
      { genesis_digest: devnet.genesis.genesisDigest },
    ]);
  }, 60_000);

  it("a relay started while the database is down waits for it, saying so, and starts once it is back", async () => {
    const events: string[] = [];
    pg.crash();
    let down = true;
    let started: RunningRelay | undefined;
    try {
      const starting = startRelay(relayOptions(devnet, { databaseUrl: pg.url, log: (_level, event) => events.push(event) }));
      void starting.then((r) => {
        started = r;
      });
      await waitUntil("the relay says the store is unavailable", () => events.includes("store_unavailable"));
      await new Promise((r) => setTimeout(r, 1000));
      expect(started).toBeUndefined(); // still waiting, not exited
      pg.restart();
      down = false;
      started = await starting;
      expect(events).toContain("store_available");
      await started.relay.waitForHeight(a.relay.height);
    } finally {
      if (down) pg.restart(); // the next tests need it
      await started?.stop();
    }
  }, 90_000);

  /**
   * Both relays through an outage of the database (`begin` to `end`): up, not ready and saying why,
   * 503 for stored reads, heights standing; then ready past where they stood, every height stored
   * once and sent to each subscriber once, in order, verified.
   */
  async function rideOut(begin: () => void, end: () => void, relays: RunningRelay[] = [a, b]): Promise<void> {
    const chainId = BigInt(devnet.genesis.chainId);
    const validators = devnet.genesis.validators.map((v) => fromHex(v.publicKey));
    const subscribers = relays.map((r) => {
      const ws = new WebSocket(`${r.url.replace("http", "ws")}/updates?filter=all`);
      const frames: Uint8Array[] = [];
      ws.on("message", (d: Buffer) => frames.push(new Uint8Array(d)));
      return { ws, frames, open: new Promise((ok) => ws.once("open", ok)) };
    });
    await Promise.all(subscribers.map((s) => s.open));
    await waitUntil("both subscribers have a height", () => subscribers.every((s) => s.frames.length > 0));
    const metric = async (url: string) => (await (await fetch(`${url}/metrics`)).text()).match(/^relay_store_available (\d)$/m)?.[1];
    for (const r of relays) expect(await metric(r.url)).toBe("1");

    let stuck: bigint[];
    begin();
    try {
      await waitUntil("both relays say their store is unreachable", async () => {
        const answers = await Promise.all(relays.map((r) => json(`${r.url}/readyz`)));
        return answers.every(
          (x) => x.status === 503 && (x.body.reasons as string[]).some((why) => why.includes("store has been unavailable")),
        );
      });
      for (const r of relays) {
        expect((await json(`${r.url}/healthz`)).status).toBe(200);
        const blocks = await json(`${r.url}/blocks`);
        expect([blocks.status, (blocks.body.error as { code: string }).code]).toEqual([503, "RELAY_STORE_UNAVAILABLE"]);
        expect(blocks.headers.get("retry-after")).toBe("1");
        expect(await metric(r.url)).toBe("0");
      }
      // Nothing is served that is not stored: the relays' heights stand while the chain goes on.
      stuck = relays.map((r) => r.relay.height);
      await new Promise((r) => setTimeout(r, 1500));
      expect(relays.map((r) => r.relay.height)).toEqual(stuck);
      expect(subscribers.every((s) => s.ws.readyState === WebSocket.OPEN)).toBe(true);
    } finally {
      end();
    }

    await waitUntil("both relays are ready again, past where they stood", async () => {
      const answers = await Promise.all(relays.map((r) => json(`${r.url}/readyz`)));
      return answers.every((x, i) => x.status === 200 && BigInt(x.body.height as string) > (stuck[i] as bigint) + 5n);
    });
    for (const [i, r] of relays.entries()) {
      expect(await metric(r.url)).toBe("1");
      // The heights of the outage are stored, once each.
      const served = r.relay.height;
      const rows = await r.relay.store.db.query("SELECT count(*) AS n FROM heights WHERE height <= $1", [served]);
      expect(BigInt(rows[0]?.n as string)).toBe(served);
      // Each subscriber got every height from its first on, once, in order, each verifying.
      const { ws, frames } = subscribers[i] as (typeof subscribers)[number];
      ws.close();
      const heights: bigint[] = [];
      for (const frame of frames) {
        const v = await verifyUpdate({ codec: core.codec, chainId, validators, frame });
        if (!v.ok) throw new Error(`a frame did not verify: ${v.reason}`);
        heights.push(v.height);
      }
      const first = heights[0] as bigint;
      expect(heights).toEqual(Array.from({ length: heights.length }, (_, k) => first + BigInt(k)));
      expect(heights.at(-1) as bigint).toBeGreaterThan((stuck[i] as bigint) + 5n);
    }
  }

  it("ride out the database going away: up, not ready and saying why, 503 for stored reads, then every height once", async () => {
    await rideOut(
      () => pg.crash(),
      () => pg.restart(),
    );
  }, 120_000);

  it("ride out a database that stops answering without closing its connections (frozen): the same, once a statement times out", async () => {
    // Without a statement timeout the relays' store step and reads would wait on the frozen
    // connections until TCP gave up: they would never say the store is unavailable.
    await rideOut(
      () => pg.freeze(),
      () => pg.thaw(),
    );
  }, 120_000);

  it("a store-fed relay waits for a store that went away, saying so, instead of following validators", async () => {
    // c reads its heights from the store a and b write. Its stall check runs every 300 ms, so the
    // outage spans many of them: each found the store not answering, not idle.
    const c = await startRelay(
      relayOptions(devnet, {
        validators: [devnet.apiUrl(3)],
        databaseUrl: pg.url,
        source: "store",
        storePollMs: 100,
        stallCheckMs: 300,
        storeQueryTimeoutMs: STORE_QUERY_TIMEOUT_MS,
      }),
    );
    try {
      await waitUntil("c is ready", async () => (await fetch(`${c.url}/readyz`)).status === 200);
      await rideOut(
        () => pg.crash(),
        () => pg.restart(),
        [a, c],
      );
      expect(c.relay.isFollowingValidators).toBe(false);
      expect(c.relay.metrics.heightsBySource.get({ source: "validator" })).toBe(0);
    } finally {
      await c.stop();
    }
  }, 120_000);

  it("a rebuild replays the shared store only to the height it served: its subscriber still gets every height after", async () => {
    // Relay c shares the store with a and b, which keep it at the chain's tip, and reads its heights
    // from a stand-in validator that answers, 1.5 s later, with a record a quorum signed that the
    // block does not execute to. c rebuilds from the store, which is ~15 heights past what c served
    // by then: replayed to the store's tip (as before this change), those heights would be served
    // without ever being sent to c's subscriber.
    const forger = await forgerOf(devnet, core);
    const fake = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    fake.on("connection", async (ws, req) => {
      const from = BigInt(new URL(req.url ?? "/", "http://x").searchParams.get("from") ?? "1");
      await new Promise((r) => setTimeout(r, 1500));
      const head: number[] = [0x02];
      writeVarint(head, from);
      const lie = lyingBundle(forger, await bundleOf(devnet, 1, from), 9).bundle;
      if (ws.readyState === WebSocket.OPEN) ws.send(Buffer.concat([Buffer.from(head), Buffer.from(lie)]));
    });
    await new Promise((r) => fake.once("listening", r));
    const fakeUrl = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
    const c = await startRelay(relayOptions(devnet, { validators: [fakeUrl, devnet.apiUrl(1)], databaseUrl: pg.url }));
    try {
      const servedAtSubscribe = c.relay.height;
      const ws = new WebSocket(`${c.url.replace("http", "ws")}/updates?filter=all`);
      const frames: Uint8Array[] = [];
      ws.on("message", (d: Buffer) => frames.push(new Uint8Array(d)));
      await new Promise((r) => ws.once("open", r));
      await waitUntil("c refused the lie and rebuilt", () => c.relay.metrics.refused.get({ reason: "execution-mismatch" }) >= 1);
      const storeTip = await c.relay.store.tip();
      expect(storeTip).toBeGreaterThan(servedAtSubscribe + 5n); // the store was ahead when c rebuilt
      await c.relay.waitForHeight(storeTip + 3n);
      ws.close();
      const chainId = BigInt(devnet.genesis.chainId);
      const validators = devnet.genesis.validators.map((v) => fromHex(v.publicKey));
      const heights: bigint[] = [];
      for (const frame of frames) {
        const v = await verifyUpdate({ codec: core.codec, chainId, validators, frame });
        if (!v.ok) throw new Error(`a frame did not verify: ${v.reason}`);
        heights.push(v.height);
      }
      // Every height after the one served when it subscribed, once, in order.
      expect(heights.slice(0, 3)).toEqual([1n, 2n, 3n].map((k) => servedAtSubscribe + k));
      expect(heights).toEqual(Array.from({ length: heights.length }, (_, k) => servedAtSubscribe + 1n + BigInt(k)));
    } finally {
      await c.stop();
      fake.close();
    }
  }, 90_000);
});
