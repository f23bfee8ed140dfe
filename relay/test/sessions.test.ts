// Sessions of a player in the store (real PGlite, real wasm): games played on a local chain are
// indexed by player and session as heights are stored — stakes, returns, moves, finished — with
// u64 session ids, balances that follow game events onto the leaderboard, and the same answers
// when an older store (events stored before migration 4) is reindexed.
import { readFileSync } from "node:fs";
import { casinoWar, type EventView, LocalChain, roulette, sha256, toHex } from "@nullspace/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppliedHeight } from "../src/chain/chain.js";
import { type Db, openPglite } from "../src/store/db.js";
import { MIGRATIONS, migrate } from "../src/store/migrations.js";
import { type SessionRow, Store } from "../src/store/store.js";
import { WASM_PATH } from "./support/devnet.js";
import { sealApplied } from "./support/local-heights.js";

const U64_MAX = (1n << 64n) - 1n;
const alice = LocalChain.signer(11);
const bob = LocalChain.signer(12);

let chain: LocalChain;
const heights: AppliedHeight[] = [];
const views: EventView[] = [];
const dbs: Db[] = [];

/** Seals the queued transactions and keeps the height as the relay would store it. */
function seal(advanceMs?: bigint): void {
  const h = sealApplied(chain, advanceMs);
  heights.push(h);
  views.push(...h.events.map((e) => chain.core.codec.decodeEvent(e.bytes)));
}

/** What the sessions table must say, computed from the events themselves. */
function expected(player: Uint8Array, id: bigint) {
  const mine = views.filter(
    (e): e is Extract<EventView, { kind: "gameStarted" | "gameRound" }> =>
      (e.kind === "gameStarted" || e.kind === "gameRound") && e.account === toHex(player) && e.sessionId === id,
  );
  const rounds = mine.filter((e) => e.kind === "gameRound") as Extract<EventView, { kind: "gameRound" }>[];
  return {
    game: mine[0]?.game,
    staked: rounds.reduce((s, e) => s + e.staked, 0n),
    returned: rounds.reduce((s, e) => s + e.returned, 0n),
    moves: Math.max(0, ...rounds.map((e) => e.move)),
    finished: rounds.at(-1)?.finished ?? false,
    events: mine.length,
  };
}

const summary = (r: SessionRow | undefined) =>
  r && { game: r.game, staked: r.staked, returned: r.returned, moves: r.moves, finished: r.finished };

beforeAll(async () => {
  chain = await LocalChain.create({ wasm: new Uint8Array(readFileSync(WASM_PATH)) });
  chain.submit(alice, { op: "register", name: "alice" });
  chain.submit(bob, { op: "register", name: "bob" });
  seal();
  // Alice sits at roulette (id 7) for three spins and leaves; plays Casino War with the largest
  // u64 id; Bob uses the same id 7 for his own table, which must not mix with Alice's.
  chain.submit(alice, roulette.start(7n));
  chain.submit(alice, casinoWar.start(U64_MAX, 5n));
  chain.submit(bob, roulette.start(7n));
  seal();
  for (let i = 0; i < 3; i++) {
    chain.submit(alice, roulette.spin(7n, [roulette.red(10n), roulette.straight(17, 2n)]));
    chain.submit(bob, roulette.spin(7n, [roulette.black(4n)]));
    seal();
  }
  chain.submit(alice, roulette.close(7n));
  seal();
  // Alice then plays a tournament table (id 8): its events report her tournament stack, which
  // must not be taken for her balance.
  const id = 4_722_223n;
  chain.submit(alice, { op: "tournamentJoin", tournamentId: id });
  seal(id * 360_000n - chain.timestampMs);
  chain.submit(alice, { op: "tournamentStart", tournamentId: id });
  chain.submit(alice, { ...roulette.start(8n), mode: "tournament" });
  seal(60_000n);
  chain.submit(alice, roulette.spin(8n, [roulette.red(300n), roulette.straight(17, 100n)]));
  seal();
});

afterAll(async () => {
  for (const db of dbs) await db.close();
});

async function freshStore(): Promise<Store> {
  const db = await openPglite(undefined);
  dbs.push(db);
  return new Store(db, chain.core.codec);
}

describe("sessions of a player", () => {
  it("are indexed as heights are stored: stakes, returns, moves and finished per player and id", async () => {
    const store = await freshStore();
    await migrate(store.db);
    for (const h of heights) await store.put(h);

    const list = await store.sessionsOf(alice.publicKey, 10);
    // Most recently active first: the tournament table, the roulette table (closed last), then the war hand.
    expect(list.map((s) => s.sessionId)).toEqual([8n, 7n, U64_MAX]);
    expect(list.shift()).toMatchObject({ mode: 1, moves: 1 });
    expect(summary(list[0])).toEqual({ ...expected(alice.publicKey, 7n), events: undefined, game: 4 });
    expect(list[0]).toMatchObject({ finished: true, moves: 4 });
    const war = expected(alice.publicKey, U64_MAX);
    expect(summary(list[1])).toEqual({ ...war, events: undefined });
    expect(list[1]?.staked).toBeGreaterThanOrEqual(5n);

    // Bob's table 7 is his own: only his spins, not finished.
    expect(summary(await store.session(bob.publicKey, 7n))).toEqual({ ...expected(bob.publicKey, 7n), events: undefined });
    expect((await store.session(bob.publicKey, 7n))?.finished).toBe(false);
    expect(await store.session(bob.publicKey, U64_MAX)).toBeUndefined();

    // A session's events: exactly that player's, in order, paged by leaf.
    const events = await store.eventsOfSession(alice.publicKey, 7n, 100);
    expect(events).toHaveLength(expected(alice.publicKey, 7n).events);
    expect(new Set(events.map((e) => toHex(e.account)))).toEqual(new Set([toHex(alice.publicKey)]));
    const page = await store.eventsOfSession(alice.publicKey, 7n, 2, events[1]?.leaf);
    expect(page.map((e) => e.leaf)).toEqual(events.slice(2, 4).map((e) => e.leaf));
    // Paging the list: before the cursor of the first comes the second.
    expect((await store.sessionsOf(alice.publicKey, 10, list[0]?.lastLeaf)).map((s) => s.sessionId)).toEqual([U64_MAX]);

    // Balances follow game events, so the leaderboard is the chain's.
    const board = await store.leaderboard(10);
    for (const who of [alice, bob])
      expect(board.find((a) => toHex(a.account) === toHex(who.publicKey))?.chips).toBe(chain.core.account(who.publicKey)?.chips);
  });

  it("reads bounded by any u64 answer, from 0 to the largest (SQL's BIGINT stops at 2^63 − 1)", async () => {
    const store = await freshStore();
    await migrate(store.db);
    for (const h of heights) await store.put(h);
    const account = alice.publicKey;
    expect(await store.heights(100, 0n)).toEqual([]);
    expect(await store.heights(100, U64_MAX)).toEqual(await store.heights(100));
    expect(await store.height(U64_MAX)).toBeUndefined();
    expect(await store.txsOfHeight(U64_MAX)).toEqual([]);
    expect(await store.eventsOfAccount(account, 100, 0n)).toEqual([]);
    expect(await store.eventsOfAccount(account, 100, U64_MAX)).toEqual(await store.eventsOfAccount(account, 100));
    expect(await store.sessionsOf(account, 10, 0n)).toEqual([]);
    expect(await store.sessionsOf(account, 10, U64_MAX)).toEqual(await store.sessionsOf(account, 10));
    expect(await store.eventsOfSession(account, 7n, 100, U64_MAX)).toEqual([]);
    expect(await store.eventsOfSession(account, 7n, 100, (1n << 63n) - 2n)).toEqual([]);
    expect(await store.bundles(U64_MAX - 1n, U64_MAX, 10)).toEqual([]);
    expect((await store.bundles(1n, U64_MAX, 100)).map((b) => b.height)).toEqual(heights.map((h) => h.height));
  });

  it("an older store reindexed after migration 4 gives the same answers", async () => {
    const store = await freshStore();
    expect(await migrate(store.db, MIGRATIONS.slice(0, 3))).toEqual([1, 2, 3]);
    // Heights stored by a schema-3 relay: events without session or game columns.
    for (const h of heights) {
      await store.db.query(
        `INSERT INTO heights (height, digest, parent, timestamp_ms, tx_count, state_root, events_root, tx_log_root, event_start, event_end, record, bundle)
         VALUES ($1, $2, $2, 0, 0, $2, $2, $2, 0, 0, $2, $2)`,
        [h.height, sha256(h.bundle)],
      );
      for (const e of h.events) {
        const ev = chain.core.codec.decodeEvent(e.bytes);
        await store.db.query("INSERT INTO events (leaf, height, tx_index, account, kind, bytes) VALUES ($1, $2, $3, $4, $5, $6)", [
          e.index,
          h.height,
          ev.txIndex,
          Buffer.from(ev.account, "hex"),
          ev.kind,
          e.bytes,
        ]);
      }
    }
    expect(await migrate(store.db)).toEqual([4, 5, 6]);
    let progress = 0;
    const n = await store.reindex((k) => {
      progress = k;
    });
    expect(n).toBe(views.length);
    expect(progress).toBe(views.length);
    // Twice is the same as once.
    await store.reindex();
    for (const [who, id] of [
      [alice, 7n],
      [alice, U64_MAX],
      [bob, 7n],
    ] as const)
      expect(summary(await store.session(who.publicKey, id))).toEqual({ ...expected(who.publicKey, id), events: undefined });
    expect(await store.eventsOfSession(alice.publicKey, U64_MAX, 10)).toHaveLength(expected(alice.publicKey, U64_MAX).events);
    expect((await store.leaderboard(10)).find((a) => toHex(a.account) === toHex(alice.publicKey))?.chips).toBe(
      chain.core.account(alice.publicKey)?.chips,
    );
  });

  it("several rounds of a session in one height, and a tournament round after cash ones, store what event-by-event indexing gives", async () => {
    // The store folds a height's rounds into one update per session and takes each account's last
    // balance report; reindex applies the events one by one. Both must give the same rows.
    const c = await LocalChain.create({ wasm: new Uint8Array(readFileSync(WASM_PATH)) });
    const carol = LocalChain.signer(13);
    const hs: AppliedHeight[] = [];
    c.submit(carol, { op: "register", name: "carol" });
    hs.push(sealApplied(c));
    const id = 4_722_223n;
    c.submit(carol, { op: "tournamentJoin", tournamentId: id });
    c.submit(carol, roulette.start(1n));
    hs.push(sealApplied(c, id * 360_000n - c.timestampMs));
    c.submit(carol, { op: "tournamentStart", tournamentId: id });
    c.submit(carol, { ...roulette.start(8n), mode: "tournament" });
    hs.push(sealApplied(c, 60_000n));
    // One height: three cash spins, a new cash table with a spin, then a tournament spin last.
    for (let k = 0; k < 3; k++) c.submit(carol, roulette.spin(1n, [roulette.red(3n), roulette.straight(k, 1n)]));
    c.submit(carol, roulette.start(2n));
    c.submit(carol, roulette.spin(2n, [roulette.black(2n)]));
    c.submit(carol, roulette.spin(8n, [roulette.red(50n)]));
    const busy = sealApplied(c);
    hs.push(busy);
    const kinds = busy.events.map((e) => c.core.codec.decodeEvent(e.bytes).kind);
    expect(kinds.filter((k) => k === "gameRound")).toHaveLength(5);
    expect(kinds.at(-1)).toBe("gameRound");

    const store = await freshStore();
    await migrate(store.db);
    for (const h of hs) await store.put(h);
    const rows = async () => ({
      accounts: await store.db.query("SELECT account, name, chips, registered_height, last_height FROM accounts ORDER BY account"),
      sessions: await store.db.query("SELECT * FROM sessions ORDER BY account, session_id"),
    });
    const stored = await rows();
    expect(stored.sessions.map((r) => [String(r.session_id), Number(r.moves)])).toEqual([
      ["1", 3],
      ["2", 1],
      ["8", 1],
    ]);
    // The balance is the chain's, not the tournament stack the last round reported.
    expect((await store.leaderboard(10)).find((a) => toHex(a.account) === toHex(carol.publicKey))?.chips).toBe(
      c.core.account(carol.publicKey)?.chips,
    );
    await store.reindex();
    expect(await rows()).toEqual(stored);
  });
});
