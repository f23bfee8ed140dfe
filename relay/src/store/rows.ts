// A verified height as SQL: the statements that store its transactions and events and keep the
// accounts and sessions derived from them in step. Pure (codec and height in, statements out); the
// store (store.ts) runs them in one transaction per height, and reindex replays the event-by-event forms.
import { type Codec, type EventView, fromHex, sha256, type TxSummary } from "@nullspace/core";
import type { AppliedHeight } from "../chain/chain.js";
import type { SqlParam, Statement } from "./db.js";

/** What keeps the accounts table in step with an event (balances come from the events that report them), if anything. */
export function accountStatement(ev: EventView): Statement | undefined {
  if (ev.kind === "registered")
    return {
      sql: `INSERT INTO accounts (account, name, chips, registered_height, last_height) VALUES ($1,$2,$3,$4,$4)
       ON CONFLICT (account) DO UPDATE SET name = $2, chips = $3, registered_height = $4, last_height = $4`,
      params: [fromHex(ev.account), ev.name, ev.chips, ev.height],
    };
  if (ev.kind === "faucetClaimed" || (ev.kind === "gameStarted" && ev.mode === 0))
    return {
      sql: `INSERT INTO accounts (account, chips, last_height) VALUES ($1,$2,$3)
       ON CONFLICT (account) DO UPDATE SET chips = $2, last_height = $3`,
      params: [fromHex(ev.account), ev.chips, ev.height],
    };
  if (ev.kind === "gameRound")
    // A tournament session's rounds report the tournament stack, not the balance: only cash
    // sessions (mode 0, from their gameStarted row) move the account's chips.
    return {
      sql: `UPDATE accounts SET chips = $2, last_height = $3 WHERE account = $1
         AND EXISTS (SELECT 1 FROM sessions WHERE account = $1 AND session_id = $4 AND mode = 0)`,
      params: [fromHex(ev.account), ev.chips, ev.height, ev.sessionId],
    };
  return undefined;
}

/** What keeps the sessions table in step with a game event, if anything; `leaf` orders a player's sessions by activity. */
export function sessionStatement(ev: EventView, leaf: bigint): Statement | undefined {
  if (ev.kind === "gameStarted")
    return {
      sql: `INSERT INTO sessions (account, session_id, game_id, mode, serial, started_height, last_height, last_leaf)
       VALUES ($1,$2,$3,$4,$5,$6,$6,$7) ON CONFLICT (account, session_id) DO NOTHING`,
      params: [fromHex(ev.account), ev.sessionId, ev.game, ev.mode, ev.serial, ev.height, leaf],
    };
  if (ev.kind === "gameRound")
    return {
      sql: `UPDATE sessions SET last_height = $3, last_leaf = $4, moves = GREATEST(moves, $5), staked = staked + $6,
         returned = returned + $7, finished = $8 WHERE account = $1 AND session_id = $2`,
      params: [fromHex(ev.account), ev.sessionId, ev.height, leaf, ev.move, ev.staked, ev.returned, ev.finished],
    };
  return undefined;
}

/** Instruction names by tag, per codec: learned from the JSON view the first time a tag is seen,
 * so a stored height decodes its transactions through `txSummary` (no JSON) after that. */
const opNames = new WeakMap<Codec, Map<number, string>>();

function opName(codec: Codec, tag: number, tx: Uint8Array): string {
  let names = opNames.get(codec);
  if (!names) {
    names = new Map();
    opNames.set(codec, names);
  }
  let name = names.get(tag);
  if (name === undefined) {
    name = codec.decodeTx(tx).op;
    names.set(tag, name);
  }
  return name;
}

/** Rows per multi-row INSERT: PostgreSQL takes at most 65,535 parameters a statement. */
const ROWS_PER_INSERT = 1000;

/** `(…),(…)` for `rows`, `$n` numbered across rows, each cast to its column's type when `casts` are given. */
function valuesOf(rows: SqlParam[][], columns: number, casts?: readonly string[]): string {
  return rows
    .map((_, r) => `(${Array.from({ length: columns }, (_, c) => `$${r * columns + c + 1}${casts ? `::${casts[c]}` : ""}`).join(",")})`)
    .join(",");
}

/** One statement per ROWS_PER_INSERT rows: `sql` gets the VALUES list of its chunk. */
function chunked(rows: SqlParam[][], columns: number, sql: (values: string) => string, casts?: readonly string[]): Statement[] {
  const out: Statement[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + ROWS_PER_INSERT);
    out.push({ sql: sql(valuesOf(chunk, columns, casts)), params: chunk.flat() });
  }
  return out;
}

/** One INSERT of many rows. */
function insertRows(head: string, columns: number, rows: SqlParam[][], tail = ""): Statement[] {
  return chunked(rows, columns, (values) => `${head} VALUES ${values}${tail}`);
}

/** A session's rounds in one height, folded: what its row gains from them. */
interface RoundsOf {
  account: Uint8Array;
  sessionId: bigint;
  lastLeaf: bigint;
  moves: number;
  staked: bigint;
  returned: bigint;
  finished: boolean;
}

/**
 * The rows a height adds besides its own (transactions, events, and the accounts and sessions they
 * move), in the order they must be written: a round's account update reads its session's row.
 * A height's rows go in a few multi-row statements, not one per row: per statement, the store
 * thread's cost was most of a row's (`npm run bench:store -w relay`: 1,772 µs a stored round one
 * statement at a time, 400 µs batched; docs/benchmarks.md).
 */
export function rowsOf(codec: Codec, a: AppliedHeight): Statement[] {
  const txs: SqlParam[][] = [];
  for (const [i, t] of a.txs.entries()) {
    let s: TxSummary | undefined;
    try {
      s = codec.txSummary(t);
    } catch {
      // A transaction that does not decode is still in the block (it became an error event).
    }
    if (s) txs.push([fromHex(s.hash), a.height, i, s.signerKey.slice(), s.nonce, opName(codec, s.op, t), t]);
    else txs.push([sha256(t), a.height, i, null, null, null, t]);
  }
  const events: SqlParam[][] = [];
  const registered: SqlParam[][] = [];
  const started: SqlParam[][] = [];
  const rounds = new Map<string, RoundsOf>();
  /** Balance reports in event order: account, chips, height, the round's session (null: unconditional), leaf. */
  const balances: SqlParam[][] = [];
  for (const e of a.events) {
    const ev = codec.decodeEventFrame(e.bytes);
    const { sessionId, gameId } = sessionOf(ev);
    const account = fromHex(ev.account);
    events.push([e.index, a.height, ev.txIndex, account, ev.kind, sessionId, gameId, e.bytes]);
    // The same rows and values as accountStatement and sessionStatement give event by event
    // (reindex still runs those), in a few statements a height: an account's registration is its
    // first event that moves its row (the chain refuses a second one, so these accounts are
    // distinct, as a multi-row upsert needs); sessions are inserted before their rounds update
    // them; a session's rounds fold into one update; each account takes its last balance report.
    if (ev.kind === "registered") registered.push([account, ev.name, ev.chips, ev.height, ev.height]);
    else if (ev.kind === "faucetClaimed") balances.push([account, ev.chips, ev.height, null, e.index]);
    else if (ev.kind === "gameStarted") {
      started.push([account, ev.sessionId, ev.game, ev.mode, ev.serial, ev.height, ev.height, e.index]);
      if (ev.mode === 0) balances.push([account, ev.chips, ev.height, null, e.index]);
    } else if (ev.kind === "gameRound") {
      const key = `${ev.account}:${ev.sessionId}`;
      const r = rounds.get(key) ?? {
        account,
        sessionId: ev.sessionId,
        lastLeaf: e.index,
        moves: 0,
        staked: 0n,
        returned: 0n,
        finished: false,
      };
      r.lastLeaf = e.index;
      r.moves = Math.max(r.moves, ev.move);
      r.staked += ev.staked;
      r.returned += ev.returned;
      r.finished = ev.finished;
      rounds.set(key, r);
      // A tournament session's rounds report its stack, not the balance: only cash sessions count.
      balances.push([account, ev.chips, ev.height, ev.sessionId, e.index]);
    }
  }
  const folded = [...rounds.values()].map((r) => [r.account, r.sessionId, a.height, r.lastLeaf, r.moves, r.staked, r.returned, r.finished]);
  return [
    ...insertRows("INSERT INTO txs (hash, height, tx_index, signer, nonce, op, bytes)", 7, txs, " ON CONFLICT (hash) DO NOTHING"),
    ...insertRows("INSERT INTO events (leaf, height, tx_index, account, kind, session_id, game_id, bytes)", 8, events),
    ...insertRows(
      "INSERT INTO accounts (account, name, chips, registered_height, last_height)",
      5,
      registered,
      ` ON CONFLICT (account) DO UPDATE SET name = EXCLUDED.name, chips = EXCLUDED.chips,
        registered_height = EXCLUDED.registered_height, last_height = EXCLUDED.last_height`,
    ),
    ...insertRows(
      "INSERT INTO sessions (account, session_id, game_id, mode, serial, started_height, last_height, last_leaf)",
      8,
      started,
      " ON CONFLICT (account, session_id) DO NOTHING",
    ),
    ...chunked(
      folded,
      8,
      (values) => `UPDATE sessions AS s SET last_height = v.h, last_leaf = v.leaf, moves = GREATEST(s.moves, v.moves),
        staked = s.staked + v.staked, returned = s.returned + v.returned, finished = v.finished
        FROM (VALUES ${values}) AS v(account, session_id, h, leaf, moves, staked, returned, finished)
        WHERE s.account = v.account AND s.session_id = v.session_id`,
      ["bytea", "numeric", "bigint", "bigint", "integer", "numeric", "numeric", "boolean"],
    ),
    ...chunked(
      balances,
      5,
      (values) => `INSERT INTO accounts (account, chips, last_height)
        SELECT DISTINCT ON (v.account) v.account, v.chips, v.h
        FROM (VALUES ${values}) AS v(account, chips, h, session_id, leaf)
        WHERE v.session_id IS NULL
          OR EXISTS (SELECT 1 FROM sessions s WHERE s.account = v.account AND s.session_id = v.session_id AND s.mode = 0)
        ORDER BY v.account, v.leaf DESC
        ON CONFLICT (account) DO UPDATE SET chips = EXCLUDED.chips, last_height = EXCLUDED.last_height`,
      ["bytea", "bigint", "bigint", "numeric", "bigint"],
    ),
  ];
}

/** The session and game an event belongs to, for the events table's indexes. */
export function sessionOf(ev: EventView): { sessionId: bigint | null; gameId: number | null } {
  if (ev.kind === "gameStarted" || ev.kind === "gameRound") return { sessionId: ev.sessionId, gameId: ev.game };
  // A Shield or Double belongs to its session's events (its game is the session's, not in the event).
  if (ev.kind === "modifierApplied") return { sessionId: ev.sessionId, gameId: null };
  return { sessionId: null, gameId: null };
}
