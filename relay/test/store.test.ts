// The store's schema on real PGlite: migrations apply once each and in order, and migration 2
// (accounts) on a store that already holds events is filled from them by reindex.
import { readFileSync } from "node:fs";
import { LocalChain, sha256, toHex } from "@nullspace/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Db, openPglite } from "../src/store/db.js";
import { MIGRATIONS, migrate } from "../src/store/migrations.js";
import { ACCOUNTS_NAMED_SQL, Store } from "../src/store/store.js";
import { WASM_PATH } from "./support/devnet.js";
import { sealApplied } from "./support/local-heights.js";

let db: Db;
let chain: LocalChain;

beforeAll(async () => {
  db = await openPglite(undefined);
  chain = await LocalChain.create({ wasm: new Uint8Array(readFileSync(WASM_PATH)) });
});

afterAll(async () => {
  await db?.close();
});

async function rowCounts(): Promise<{ txs: bigint; events: bigint }> {
  const [r] = await db.query("SELECT (SELECT count(*) FROM txs) AS txs, (SELECT count(*) FROM events) AS events");
  return { txs: BigInt(r?.txs as number), events: BigInt(r?.events as number) };
}

describe("store migrations", () => {
  it("apply in order once, and migration 2 indexes the accounts of events stored before it", async () => {
    expect(await migrate(db, MIGRATIONS.slice(0, 1))).toEqual([1]);
    // A height with two registrations and a faucet claim, stored under schema 1.
    const alice = LocalChain.signer(1);
    const bob = LocalChain.signer(2);
    chain.submit(alice, { op: "register", name: "Alice" });
    chain.submit(bob, { op: "register", name: "bob" });
    const r = chain.seal();
    const digest = sha256(r.block);
    await db.query(
      `INSERT INTO heights (height, digest, parent, timestamp_ms, tx_count, state_root, events_root, tx_log_root, event_start, event_end, record, bundle)
       VALUES (1, $1, $1, 0, 2, $1, $1, $1, 0, $2, $1, $1)`,
      [digest, r.events.length],
    );
    for (const [leaf, e] of r.events.entries()) {
      const ev = chain.core.codec.decodeEvent(e);
      await db.query("INSERT INTO events (leaf, height, tx_index, account, kind, bytes) VALUES ($1, 1, $2, $3, $4, $5)", [
        leaf,
        ev.txIndex,
        Buffer.from(ev.account, "hex"),
        ev.kind,
        e,
      ]);
    }

    expect(await migrate(db)).toEqual([2, 3, 4, 5, 6]);
    expect(await migrate(db)).toEqual([]);
    const store = new Store(db, chain.core.codec);
    expect(await store.reindex()).toBe(r.events.length);
    const board = await store.leaderboard(10);
    expect(board.map((a) => [toHex(a.account), a.name])).toEqual(
      [
        [toHex(alice.publicKey), "Alice"],
        [toHex(bob.publicKey), "bob"],
      ].sort((x, y) => (x[0] as string).localeCompare(y[0] as string)),
    );
    expect((await store.accountsNamed("ALI", 10)).map((a) => a.name)).toEqual(["Alice"]);
    expect(await store.accountsNamed("%", 10)).toEqual([]);
    const versions = await db.query("SELECT version FROM schema_migrations ORDER BY version");
    expect(versions.map((v) => Number(v.version))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("stores a height of more rows than one INSERT takes (1,200 registrations), every one by hash and account", async () => {
    // The chain above is at height 1 with its rows written by hand; this store continues from 2.
    const store = new Store(db, chain.core.codec);
    const signers = Array.from({ length: 1200 }, (_, k) => LocalChain.signer(1000 + k));
    for (const [k, signer] of signers.entries()) chain.submit(signer, { op: "register", name: `bulk${k}` });
    const h = sealApplied(chain);
    expect(h.txs.length).toBe(1200);
    const before = await rowCounts();
    expect(await store.put(h)).toBe("stored");
    expect(await store.put(h)).toBe("same");
    const stored = await store.txsOfHeight(h.height);
    expect(stored.map((t) => toHex(t.hash))).toEqual(h.txs.map((t) => toHex(sha256(t))));
    expect(stored.every((t, i) => t.op === "register" && t.txIndex === i && t.nonce === 0n)).toBe(true);
    for (const k of [0, 999, 1000, 1199]) {
      const signer = signers[k] as (typeof signers)[number];
      expect(toHex((await store.tx(sha256(h.txs[k] as Uint8Array)))?.signer as Uint8Array)).toBe(toHex(signer.publicKey));
      const events = await store.eventsOfAccount(signer.publicKey, 10);
      expect(events.map((e) => e.kind)).toEqual(["registered"]);
      expect((await store.accountsNamed(`bulk${k}`, 10)).map((a) => a.name)).toContain(`bulk${k}`);
    }
    const after = await rowCounts();
    expect([after.txs - before.txs, after.events - before.events]).toEqual([1200n, BigInt(h.events.length)]);
  });

  it("finds names by prefix through the name index in its order, without sorting the matches", async () => {
    // The second test stored bulk0 … bulk1199: "bulk1" starts 111 of them.
    const store = new Store(db, chain.core.codec);
    expect((await store.accountsNamed("BULK1", 4)).map((a) => a.name)).toEqual(["bulk1", "bulk10", "bulk100", "bulk1000"]);
    // 20,000 names under one prefix: sorting every match first (the collation's order) made each
    // search cost what the prefix matches, not what it returns.
    await db.query(
      "INSERT INTO accounts (account, name, chips, last_height) SELECT sha256(int4send(k)), 'many' || k, 0, 1 FROM generate_series(1, 20000) AS k",
    );
    await db.query("ANALYZE accounts");
    const plan = (await db.query(`EXPLAIN ${ACCOUNTS_NAMED_SQL}`, ["many%", 10])).map((r) => String(r["QUERY PLAN"])).join("\n");
    expect(plan).toContain("Index Scan using accounts_name");
    expect(plan).not.toMatch(/Sort|Seq Scan/);
    expect((await store.accountsNamed("many", 3)).map((a) => a.name)).toEqual(["many1", "many10", "many100"]);
  });
});
