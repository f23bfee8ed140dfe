// Account documents' rows on both stores (PGlite, and a throwaway PostgreSQL when its binaries are
// here): appends keep their order, and compaction replaces exactly the rows it names, so a row
// another relay appended meanwhile survives it. Without PostgreSQL's binaries the PostgreSQL half
// prints one line and does not run, except under CI=true, where that is a failure.
import { afterAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { AccountDocs } from "../src/store/account-docs.js";
import { type Db, openPglite, openPostgres } from "../src/store/db.js";
import { migrate } from "../src/store/migrations.js";
import { freeBase } from "./support/devnet.js";
import { type Postgres, postgresMissing, startPostgres } from "./support/postgres.js";

const missing = postgresMissing();
if (missing && process.env.CI === "true") throw new Error(missing);
if (missing) console.log(`[relay] account documents on PostgreSQL not run: ${missing}`);

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f();
});

async function exercise(db: Db): Promise<void> {
  await migrate(db);
  const docs = new AccountDocs(db);
  const alice = new Uint8Array(32).fill(1);
  const bob = new Uint8Array(32).fill(2);
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => updates.push(u));
  doc.getMap("settings").set("theme", "dark");
  doc.getMap("settings").set("theme", "light");
  const seqs = [await docs.append(alice, updates[0] as Uint8Array), await docs.append(alice, updates[1] as Uint8Array)];
  await docs.append(bob, updates[0] as Uint8Array);
  expect(seqs[1]).toBeGreaterThan(seqs[0] as bigint);
  expect(await docs.load(alice)).toEqual({ updates: updates.slice(0, 2), seqs });

  // Another relay appends a row this relay never read; compaction of the rows it did read keeps it.
  const other = new Y.Doc();
  other.getArray("moves").push(["hit"]);
  const foreign = await docs.append(alice, Y.encodeStateAsUpdate(other));
  const state = Y.encodeStateAsUpdate(doc);
  const compacted = await docs.compact(alice, state, seqs);
  const after = await docs.load(alice);
  expect(after.seqs).toEqual([foreign, compacted]);
  const merged = new Y.Doc();
  Y.applyUpdate(merged, Y.mergeUpdates(after.updates));
  expect(merged.getMap("settings").toJSON()).toEqual({ theme: "light" });
  expect(merged.getArray("moves").toJSON()).toEqual(["hit"]);
  expect((await docs.load(bob)).updates).toHaveLength(1);
}

describe("account documents in the store", () => {
  it("on PGlite", async () => {
    const db = await openPglite(undefined);
    cleanup.push(() => db.close());
    await exercise(db);
  });

  it.skipIf(missing !== undefined)("on PostgreSQL", async () => {
    const pg: Postgres = startPostgres(await freeBase(1));
    cleanup.push(() => pg.stop());
    const db = await openPostgres(pg.url);
    cleanup.push(() => db.close());
    await exercise(db);
  });
});
