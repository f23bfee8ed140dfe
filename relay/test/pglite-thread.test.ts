// PGlite on its own thread (the relay's default embedded store) behaves as PGlite on the calling
// thread: the same rows and types, PostgreSQL's error codes, transactions that commit or roll back
// as a whole and hold other statements back while open; and its work does not stop the caller's
// event loop. (Every relay integration test runs on it too, through openDb.)
import { types } from "@electric-sql/pglite";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BYTEA_OID, type Db, openDb, openPglite, parseBytea, serializeBytea } from "../src/store/db.js";
import { openPgliteThread, PgliteThreadError } from "../src/store/pglite-thread.js";

let thread: Db;
let inline: Db;

beforeAll(async () => {
  [thread, inline] = await Promise.all([openPgliteThread(undefined), openPglite(undefined)]);
  for (const db of [thread, inline]) await db.query("CREATE TABLE t (k BIGINT PRIMARY KEY, v BYTEA, s TEXT)");
});

afterAll(async () => {
  await thread?.close();
  await inline?.close();
});

describe("PGlite on a thread", () => {
  it("returns what PGlite on this thread returns, for every parameter type the store uses", async () => {
    for (const db of [thread, inline]) {
      await db.query("INSERT INTO t (k, v, s) VALUES ($1, $2, $3), ($4, $5, $6)", [1n, Uint8Array.of(0, 255, 7), "é", 2, null, null]);
    }
    const sql = "SELECT k, v, s, k > $1 AS big FROM t WHERE k <= $2 ORDER BY k";
    const rows = await thread.query(sql, [1n, 2]);
    expect(rows).toEqual(await inline.query(sql, [1n, 2]));
    expect(rows[0]).toEqual({ k: 1, v: Uint8Array.of(0, 255, 7), s: "é", big: false });
  });

  it("reports PostgreSQL's error and SQLSTATE, and stays usable", async () => {
    const e = await thread.query("INSERT INTO t (k) VALUES (1)").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PgliteThreadError);
    expect((e as PgliteThreadError).code).toBe("23505"); // unique_violation
    expect(await thread.query("SELECT count(*)::int AS n FROM t")).toEqual([{ n: 2 }]);
  });

  it("commits a transaction as a whole, rolls it back when its function throws, and holds other statements back meanwhile", async () => {
    expect(await thread.transaction(async (tx) => (await tx.query("INSERT INTO t (k) VALUES (10), (11) RETURNING k")).length)).toBe(2);
    await expect(
      thread.transaction(async (tx) => {
        await tx.query("INSERT INTO t (k) VALUES (20)");
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    // A statement error inside rolls back too (PostgreSQL aborts the transaction).
    await expect(thread.transaction((tx) => tx.query("INSERT INTO t (k) VALUES (21), (21)"))).rejects.toMatchObject({ code: "23505" });
    let outside: Promise<unknown> | undefined;
    await thread.transaction(async (tx) => {
      await tx.query("INSERT INTO t (k) VALUES (30)");
      outside = thread.query("SELECT count(*)::int AS n FROM t");
      await new Promise((r) => setTimeout(r, 50));
      await tx.query("INSERT INTO t (k) VALUES (31)");
    });
    expect(await outside).toEqual([{ n: 6 }]); // 1, 2, 10, 11, 30, 31: it ran after the commit (before it: 4)
    expect((await thread.query<{ k: number }>("SELECT k FROM t ORDER BY k")).map((r) => r.k)).toEqual([1, 2, 10, 11, 30, 31]);
  });

  it("runs the rest only when the first statement returns a row, all or nothing, the same on both", async () => {
    for (const db of [thread, inline]) {
      const first = (k: number) => ({ sql: "INSERT INTO t (k) VALUES ($1) ON CONFLICT (k) DO NOTHING RETURNING k", params: [k] });
      const insert = (k: number) => ({ sql: "INSERT INTO t (k, s) VALUES ($1, 'rest')", params: [k] });
      expect(await db.runIfFirstReturns(first(40), [insert(41), insert(42)])).toBe(true);
      expect(await db.runIfFirstReturns(first(40), [insert(43)])).toBe(false); // 40 exists: 43 not written
      // A failing statement in the rest rolls back the first too.
      await expect(db.runIfFirstReturns(first(44), [insert(45), insert(41)])).rejects.toMatchObject({ code: "23505" });
      const ks = (await db.query<{ k: number }>("SELECT k FROM t WHERE k >= 40 ORDER BY k")).map((r) => r.k);
      expect(ks).toEqual([40, 41, 42]);
      await db.query("DELETE FROM t WHERE k >= 40");
    }
  });

  it("leaves the caller's event loop running while a query works", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    await thread.query("SELECT sum(x) FROM generate_series(1, 1000000) x");
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(2); // on this thread PGlite allows none (checked below)
    ticks = 0;
    const again = setInterval(() => ticks++, 5);
    await inline.query("SELECT sum(x) FROM generate_series(1, 1000000) x");
    clearInterval(again);
    expect(ticks).toBe(0);
  });

  it("is what openDb opens without DATABASE_URL, in a data folder that a reopen finds again", async () => {
    const { mkdtemp, rm } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = await mkdtemp(join(tmpdir(), "pglite-thread-"));
    try {
      const db = await openDb({ dataDir: dir });
      await db.query("CREATE TABLE kept (x INT)");
      await db.query("INSERT INTO kept VALUES (42)");
      await db.close();
      await expect(db.query("SELECT 1")).rejects.toThrow("the database is closed");
      await db.close(); // twice is fine
      const reopened = await openDb({ dataDir: dir });
      expect(await reopened.query("SELECT x FROM kept")).toEqual([{ x: 42 }]);
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it("creates a cluster whole or not at all: one cut short is made again, and a folder of the older layout opens where it is", async () => {
    const { mkdtemp, mkdir, readdir, rm, writeFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const { CLUSTER_DIR, CREATING_DIR } = await import("../src/store/cluster-dir.js");
    const cut = await mkdtemp(join(tmpdir(), "pglite-cut-"));
    const older = await mkdtemp(join(tmpdir(), "pglite-older-"));
    try {
      // What a relay killed while initdb wrote its files leaves: the first of them, no more.
      await mkdir(join(cut, CREATING_DIR));
      await writeFile(join(cut, CREATING_DIR, "PG_VERSION"), "17\n");
      await writeFile(join(cut, CREATING_DIR, "half-written"), "x");
      const db = await openDb({ dataDir: cut });
      await db.query("CREATE TABLE kept (x INT)");
      await db.query("INSERT INTO kept VALUES (7)");
      await db.close();
      expect((await readdir(cut)).sort()).toEqual([CLUSTER_DIR]);
      expect(await readdir(join(cut, CLUSTER_DIR))).not.toContain("half-written");
      const reopened = await openDb({ dataDir: cut });
      expect(await reopened.query("SELECT x FROM kept")).toEqual([{ x: 7 }]);
      await reopened.close();
      // A cluster at the folder's top (PGlite's own layout, relays before cluster-dir.ts).
      const top = await openPglite(older);
      await top.query("CREATE TABLE kept (x INT)");
      await top.query("INSERT INTO kept VALUES (8)");
      await top.close();
      const opened = await openDb({ dataDir: older });
      expect(await opened.query("SELECT x FROM kept")).toEqual([{ x: 8 }]);
      await opened.close();
      expect(await readdir(older)).not.toContain(CLUSTER_DIR);
    } finally {
      await rm(cut, { recursive: true, force: true });
      await rm(older, { recursive: true, force: true });
    }
  });

  it("refuses a data folder an open store holds (this process's or a running one's) and takes over a stale lock", async () => {
    const { mkdtemp, rm, writeFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const { spawn } = await import("node:child_process");
    const dir = await mkdtemp(join(tmpdir(), "pglite-lock-"));
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    try {
      const db = await openDb({ dataDir: dir });
      await expect(openDb({ dataDir: dir })).rejects.toThrow(
        `RELAY_DATA_IN_USE: ${dir} is the store of a running relay (pid ${process.pid})`,
      );
      await db.close();
      // Another process's pid in the lock: refused while it runs, taken over once it is gone.
      await writeFile(join(dir, "relay.lock"), String(other.pid));
      await expect(openDb({ dataDir: dir })).rejects.toThrow(`(pid ${other.pid})`);
      const exited = new Promise((resolve) => other.once("exit", resolve));
      other.kill("SIGKILL");
      await exited;
      const reopened = await openDb({ dataDir: dir });
      expect(await reopened.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
      await reopened.close();
    } finally {
      other.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("converts bytea exactly as PGlite's own codec does, and round-trips any bytes through both", async () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(8), (bytes, offset) => {
        const view = new Uint8Array(offset + bytes.length);
        view.set(bytes, offset);
        const at = view.subarray(offset); // not at the start of its buffer
        const text = serializeBytea(at);
        expect(text).toBe(types.serializers[BYTEA_OID]?.(at));
        expect(parseBytea(text)).toEqual(types.parsers[BYTEA_OID]?.(text, BYTEA_OID));
        expect(parseBytea(text)).toEqual(bytes);
      }),
    );
    expect(() => serializeBytea("00")).toThrow("Invalid input for bytea type");
    const big = new Uint8Array(100_000).map((_, i) => i * 7);
    for (const db of [thread, inline]) {
      await db.query("INSERT INTO t (k, v) VALUES ($1, $2), ($3, $4)", [100, new Uint8Array(0), 101, big]);
      const rows = await db.query<{ v: Uint8Array }>("SELECT v FROM t WHERE k >= 100 ORDER BY k");
      expect(rows.map((r) => r.v)).toEqual([new Uint8Array(0), big]);
    }
  });
});
