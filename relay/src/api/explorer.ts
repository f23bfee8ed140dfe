// Explorer reads (docs/relay-api.md, "Explorer"): JSON views of what the store holds, for people
// and dashboards. Nothing here is certified on its own: clients that need proof use /log and /state.
import { StateKey, toHex } from "@nullspace/core";
import type { FastifyInstance } from "fastify";
import { RelayError } from "../errors.js";
import type { RelayCore } from "../relay.js";
import type { AccountRow, EventRow, HeightRow, SessionRow, TxRow } from "../store/store.js";
import { jsonSafe, parseHex, parseLimit, parseU64 } from "./params.js";
import { queryOf } from "./query.js";
import type { ReadGate } from "./read-gate.js";

function heightJson(h: HeightRow) {
  return {
    height: h.height,
    digest: h.digest,
    parent: h.parent,
    timestampMs: h.timestampMs,
    txCount: h.txCount,
    stateRoot: h.stateRoot,
    eventsRoot: h.eventsRoot,
    eventStart: h.eventStart,
    eventEnd: h.eventEnd,
  };
}

function txJson(t: TxRow) {
  return { hash: t.hash, height: t.height, index: t.txIndex, signer: t.signer, nonce: t.nonce, op: t.op, bytes: t.bytes };
}

function accountJson(a: AccountRow) {
  return { account: a.account, name: a.name, chips: a.chips, registeredHeight: a.registeredHeight, lastHeight: a.lastHeight };
}

function sessionJson(r: SessionRow) {
  return {
    sessionId: r.sessionId,
    game: r.game,
    mode: r.mode,
    serial: r.serial,
    startedHeight: r.startedHeight,
    lastHeight: r.lastHeight,
    moves: r.moves,
    staked: r.staked,
    returned: r.returned,
    net: r.returned - r.staked,
    finished: r.finished,
    cursor: r.lastLeaf,
  };
}

const U64 = /^(0|[1-9][0-9]{0,19})$/;
const HASH = /^[0-9a-f]{64}$/;

export function registerExplorer(app: FastifyInstance, relay: RelayCore, gate: ReadGate): void {
  const codec = () => relay.chain.core.codec;
  /** Every store read of a route takes its turn at the gate (read-gate.ts). */
  const read = <T>(query: () => Promise<T>): Promise<T> => gate.run(query);
  const eventJson = (e: EventRow) => ({ leaf: e.leaf, ...codec().decodeEvent(e.bytes), bytes: e.bytes });

  app.get("/blocks", async (req) => {
    const q = queryOf(req);
    const limit = parseLimit(q.limit, 20, 100);
    const before = q.before === undefined ? undefined : parseU64(q.before, "RELAY_BAD_HEIGHT", "before");
    return jsonSafe({ tip: relay.height, blocks: (await read(() => relay.store.heights(limit, before))).map(heightJson) });
  });

  app.get("/blocks/:height", async (req) => {
    const h = parseU64((req.params as { height: string }).height, "RELAY_BAD_HEIGHT", "height");
    const row = await read(() => relay.store.height(h));
    if (!row) throw new RelayError("RELAY_NOT_FOUND", `height ${h} is not stored here`);
    const txs = await read(() => relay.store.txsOfHeight(h));
    return jsonSafe({
      ...heightJson(row),
      txs: txs.map((t) => ({ hash: t.hash, signer: t.signer, nonce: t.nonce, op: t.op })),
      bundle: row.bundle,
    });
  });

  app.get("/tx/:hash", async (req) => {
    const hash = parseHex((req.params as { hash: string }).hash, 32, "hash");
    const t = await read(() => relay.store.tx(hash));
    if (!t) throw new RelayError("RELAY_NOT_FOUND", `no finalized transaction ${toHex(hash)}`);
    const events = await read(() => relay.store.eventsOfTx(t.height, t.txIndex));
    return jsonSafe({ ...txJson(t), events: events.map(eventJson) });
  });

  app.get("/accounts/:key", async (req) => {
    const key = parseHex((req.params as { key: string }).key, 32, "key");
    const q = queryOf(req);
    const limit = parseLimit(q.limit, 20, 100);
    const before = q.before === undefined ? undefined : parseU64(q.before, "RELAY_BAD_REQUEST", "before");
    const account = relay.certifiedChain().core.account(key);
    const height = relay.height;
    const events = await read(() => relay.store.eventsOfAccount(key, limit, before));
    if (!account && events.length === 0) throw new RelayError("RELAY_NOT_FOUND", `no account ${toHex(key)}`);
    return jsonSafe({ key, height, stateKey: StateKey.account(key), account, history: events.map(eventJson) });
  });

  // Sessions of a player, most recently active first; page with before=<cursor of the last one>.
  app.get("/accounts/:key/sessions", async (req) => {
    const key = parseHex((req.params as { key: string }).key, 32, "key");
    const q = queryOf(req);
    const limit = parseLimit(q.limit, 20, 100);
    const before = q.before === undefined ? undefined : parseU64(q.before, "RELAY_BAD_REQUEST", "before");
    const rows = await read(() => relay.store.sessionsOf(key, limit, before));
    return jsonSafe({ key, height: relay.height, sessions: rows.map(sessionJson) });
  });

  // One session with its events in order (every draw, bet and return); page with after=<leaf>.
  app.get("/accounts/:key/sessions/:id", async (req) => {
    const p = req.params as { key: string; id: string };
    const key = parseHex(p.key, 32, "key");
    const id = parseU64(p.id, "RELAY_BAD_REQUEST", "session id");
    const q = queryOf(req);
    const limit = parseLimit(q.limit, 100, 500);
    const after = q.after === undefined ? undefined : parseU64(q.after, "RELAY_BAD_REQUEST", "after");
    const row = await read(() => relay.store.session(key, id));
    if (!row) throw new RelayError("RELAY_NOT_FOUND", `no session ${id} of ${toHex(key)}`);
    const events = await read(() => relay.store.eventsOfSession(key, id, limit, after));
    return jsonSafe({ key, ...sessionJson(row), events: events.map(eventJson) });
  });

  app.get("/leaderboard", async (req) => {
    const limit = parseLimit(queryOf(req).limit, 20, 100);
    const rows = await read(() => relay.store.leaderboard(limit));
    return jsonSafe({ height: relay.height, leaders: rows.map((a, i) => ({ rank: i + 1, ...accountJson(a) })) });
  });

  // The chain's totals come from its latest progress record (txEnd and eventEnd count every
  // transaction and event so far): certified, and no read of the store. Counting the store's rows
  // took 40 ms at 110,000 accounts, growing with the chain, on the thread that stores heights: 16
  // readers of /stats held the relay 71 heights behind the validators.
  app.get("/stats", async () => {
    const chain = relay.certifiedChain();
    const core = chain.core;
    const latest = chain.latest;
    const players = core.meta().playerCount;
    return jsonSafe({
      height: relay.height,
      validatorTip: relay.validatorTip,
      lastBlockTimeMs: latest ? codec().blockParts(latest.view.block).header.timestampMs : null,
      heights: chain.height,
      txs: latest?.progress.txEnd ?? 0n,
      events: latest?.progress.eventEnd ?? 0n,
      // Every account with a balance registered first (UNKNOWN_ACCOUNT otherwise): the players.
      accounts: players,
      players,
      supply: core.supply(),
      subscribers: relay.hub.subscribers.size,
    });
  });

  // One box for people: a height, a transaction hash, an account key, or the start of a name.
  app.get("/search", async (req) => {
    const q = queryOf(req).q;
    // Characters are code points (as the OpenAPI document's maxLength counts them), not UTF-16 units.
    if (typeof q !== "string" || q.length === 0 || [...q].length > 64) throw new RelayError("RELAY_BAD_REQUEST", "q is 1–64 characters");
    // PostgreSQL text holds no NUL, and no name has one.
    if (q.includes("\0")) throw new RelayError("RELAY_BAD_REQUEST", "q holds a NUL character");
    const results: Record<string, unknown>[] = [];
    if (U64.test(q) && (await read(() => relay.store.height(BigInt(q))))) results.push({ kind: "height", height: q });
    if (HASH.test(q)) {
      const key = parseHex(q, 32, "q");
      const t = await read(() => relay.store.tx(key));
      if (t) results.push({ kind: "tx", hash: q, height: t.height });
      if (relay.certifiedChain().core.account(key)) results.push({ kind: "account", key: q });
    }
    for (const a of await read(() => relay.store.accountsNamed(q, 10))) results.push({ kind: "account", key: a.account, name: a.name });
    return jsonSafe({ q, results });
  });
}
