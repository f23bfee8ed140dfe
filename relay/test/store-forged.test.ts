// A forged row in a shared store (real PGlite, real wasm): a height another writer stored first is
// checked against the height this relay verified. The same bytes stay; the same block and record
// under other certificate bytes take the verified bundle; a different block, roots or events (a
// Byzantine relay's insert) is replaced with its transactions and events, and what is derived
// from events (balances, sessions) is rebuilt.
import { readFileSync } from "node:fs";
import { LocalChain, roulette, toHex } from "@nullspace/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppliedHeight } from "../src/chain/chain.js";
import { type Db, openPglite } from "../src/store/db.js";
import { migrate } from "../src/store/migrations.js";
import { Store } from "../src/store/store.js";
import { WASM_PATH } from "./support/devnet.js";
import { sealApplied } from "./support/local-heights.js";

const alice = LocalChain.signer(21);
const mallory = LocalChain.signer(22);
let db: Db;

const seal = (chain: LocalChain): AppliedHeight => sealApplied(chain);

let honest: AppliedHeight[];
let forged: AppliedHeight;
let honestChain: LocalChain;

beforeAll(async () => {
  const wasm = new Uint8Array(readFileSync(WASM_PATH));
  honestChain = await LocalChain.create({ wasm });
  honestChain.submit(alice, { op: "register", name: "alice" });
  const h1 = seal(honestChain);
  honestChain.submit(alice, roulette.start(1n));
  honestChain.submit(alice, roulette.spin(1n, [roulette.red(100n)]));
  const h2 = seal(honestChain);
  honest = [h1, h2];
  // The forger's height 2: same height, same event leaves, other block and events (a new rich player).
  const other = await LocalChain.create({ wasm });
  other.submit(alice, { op: "register", name: "alice" });
  seal(other);
  other.submit(mallory, { op: "register", name: "mallory" });
  other.submit(alice, { op: "faucet" });
  forged = seal(other);
  db = await openPglite(undefined);
});

afterAll(async () => {
  await db?.close();
});

describe("a height stored first by another writer", () => {
  it("is kept when the same, takes the verified bundle when only certificates differ, and is replaced when forged", async () => {
    const store = new Store(db, honestChain.core.codec);
    await migrate(store.db);
    expect(await store.put(honest[0]!)).toBe("stored");
    expect(await store.put(forged)).toBe("stored"); // the forger got there first
    expect(toHex((await store.bundles(2n, 2n, 1))[0]!.bundle)).toBe(toHex(forged.bundle));
    expect((await store.leaderboard(10)).map((a) => toHex(a.account))).toContain(toHex(mallory.publicKey));

    expect(await store.put(honest[1]!)).toBe("forged-replaced");
    expect(toHex((await store.bundles(2n, 2n, 1))[0]!.bundle)).toBe(toHex(honest[1]!.bundle));
    const events = await store.db.query("SELECT bytes FROM events WHERE height = 2 ORDER BY leaf");
    expect(events.map((r) => toHex(r.bytes as Uint8Array))).toEqual(honest[1]!.events.map((e) => toHex(e.bytes)));
    const txs = await store.db.query("SELECT count(*)::int AS n FROM txs WHERE height = 2");
    expect(txs[0]?.n).toBe(honest[1]!.txs.length);
    // Balances and sessions follow the honest events again.
    const board = await store.leaderboard(10);
    expect(board.find((a) => toHex(a.account) === toHex(alice.publicKey))?.chips).toBe(honestChain.core.account(alice.publicKey)?.chips);
    expect(board.map((a) => toHex(a.account))).not.toContain(toHex(mallory.publicKey));
    expect((await store.sessionsOf(alice.publicKey, 10)).map((s) => s.sessionId)).toEqual([1n]);

    // Stored again by an honest relay: nothing changes.
    expect(await store.put(honest[1]!)).toBe("same");
    // Another quorum's certificate bytes for the same block and record: the verified bundle wins.
    const otherQuorum = { ...honest[1]!, bundle: Uint8Array.of(...honest[1]!.bundle, 0) };
    expect(await store.put(otherQuorum)).toBe("bundle-replaced");
    expect(toHex((await store.bundles(2n, 2n, 1))[0]!.bundle)).toBe(toHex(otherQuorum.bundle));
  });

  it("is compared first when read from the shared store (one query when the same), and otherwise stored, taken or replaced as above", async () => {
    const store = new Store(db, honestChain.core.codec);
    await store.put(forged); // a forger's row for height 2, whatever was there
    expect(toHex((await store.bundles(2n, 2n, 1))[0]!.bundle)).toBe(toHex(forged.bundle));
    // Every statement sent, whichever way.
    const sent: string[] = [];
    const counted: Db = {
      ...db,
      query: (sql, params) => {
        sent.push(sql);
        return db.query(sql, params);
      },
      transaction: (fn) => {
        sent.push("transaction");
        return db.transaction(fn);
      },
      runIfFirstReturns: (first, rest) => {
        sent.push("runIfFirstReturns");
        return db.runIfFirstReturns(first, rest);
      },
    };
    const fromStore = new Store(counted, honestChain.core.codec);
    expect(await fromStore.put(honest[1]!, true)).toBe("forged-replaced");
    expect(toHex((await store.bundles(2n, 2n, 1))[0]!.bundle)).toBe(toHex(honest[1]!.bundle));
    sent.length = 0;
    expect(await fromStore.put(honest[1]!, true)).toBe("same");
    expect(sent).toHaveLength(1);
    const otherQuorum = { ...honest[1]!, bundle: Uint8Array.of(...honest[1]!.bundle, 1) };
    expect(await fromStore.put(otherQuorum, true)).toBe("bundle-replaced");
    expect(toHex((await store.bundles(2n, 2n, 1))[0]!.bundle)).toBe(toHex(otherQuorum.bundle));
    // Not there after all (a peer's row not yet visible, say): stored as usual.
    honestChain.submit(alice, { op: "faucet" });
    const h3 = seal(honestChain);
    expect(await fromStore.put(h3, true)).toBe("stored");
    expect(await store.put(h3)).toBe("same");
  });
});
