// What the relay keeps: every verified height (its bundle as served, with the certified roots),
// its transactions by hash, and its events by account, session and game. Written once per height
// in one transaction, after the height verified and replayed (chain/chain.ts); read by the API.
import { type Codec, equalBytes, fromHex } from "@nullspace/core";
import type { AppliedHeight } from "../chain/chain.js";
import { big, bytes, type Db, type Statement } from "./db.js";
import { accountStatement, rowsOf, sessionOf, sessionStatement } from "./rows.js";

export interface HeightRow {
  height: bigint;
  digest: Uint8Array;
  parent: Uint8Array;
  timestampMs: bigint;
  txCount: number;
  stateRoot: Uint8Array;
  eventsRoot: Uint8Array;
  eventStart: bigint;
  eventEnd: bigint;
}

export interface TxRow {
  hash: Uint8Array;
  height: bigint;
  txIndex: number;
  signer: Uint8Array | null;
  nonce: bigint | null;
  op: string | null;
  bytes: Uint8Array;
}

export interface EventRow {
  leaf: bigint;
  height: bigint;
  txIndex: number;
  account: Uint8Array;
  kind: string;
  bytes: Uint8Array;
}

export interface SessionRow {
  account: Uint8Array;
  sessionId: bigint;
  game: number;
  mode: number;
  serial: bigint;
  startedHeight: bigint;
  lastHeight: bigint;
  lastLeaf: bigint;
  /** The last move reported (GameStart is move 0). */
  moves: number;
  /** Chips staked and returned over every round of the session. */
  staked: bigint;
  returned: bigint;
  finished: boolean;
}

function sessionRow(r: Record<string, unknown>): SessionRow {
  return {
    account: bytes(r.account),
    sessionId: big(r.session_id),
    game: Number(r.game_id),
    mode: Number(r.mode),
    serial: big(r.serial),
    startedHeight: big(r.started_height),
    lastHeight: big(r.last_height),
    lastLeaf: big(r.last_leaf),
    moves: Number(r.moves),
    staked: big(r.staked),
    returned: big(r.returned),
    finished: Boolean(r.finished),
  };
}

export interface AccountRow {
  account: Uint8Array;
  name: string | null;
  chips: bigint;
  registeredHeight: bigint | null;
  lastHeight: bigint;
}

function accountRow(r: Record<string, unknown>): AccountRow {
  return {
    account: bytes(r.account),
    name: (r.name as string | null) ?? null,
    chips: big(r.chips),
    registeredHeight: r.registered_height == null ? null : big(r.registered_height),
    lastHeight: big(r.last_height),
  };
}

/**
 * Heights and leaves are SQL BIGINT (signed: at most 2^63 − 1) while a client's bounds are any
 * u64. A bound past that range stays out of the query (the server would refuse it): nothing
 * stored reaches it.
 */
const SQL_BIGINT_MAX = (1n << 63n) - 1n;

/** Whether the exclusive upper bound `before` leaves out anything stored (0 leaves out everything). */
function bounds(before: bigint | undefined): before is bigint {
  return before !== undefined && before <= SQL_BIGINT_MAX;
}

/** Accounts by name prefix ($1, a LIKE pattern), in the accounts_name index's order; $2 rows at most. */
export const ACCOUNTS_NAMED_SQL = "SELECT * FROM accounts WHERE lower(name) LIKE $1 ORDER BY lower(name) USING ~<~ LIMIT $2";
const HEIGHT_COLUMNS = "height, digest, parent, timestamp_ms, tx_count, state_root, events_root, event_start, event_end";

function heightRow(r: Record<string, unknown>): HeightRow {
  return {
    height: big(r.height),
    digest: bytes(r.digest),
    parent: bytes(r.parent),
    timestampMs: big(r.timestamp_ms),
    txCount: Number(r.tx_count),
    stateRoot: bytes(r.state_root),
    eventsRoot: bytes(r.events_root),
    eventStart: big(r.event_start),
    eventEnd: big(r.event_end),
  };
}

function txRow(r: Record<string, unknown>): TxRow {
  return {
    hash: bytes(r.hash),
    height: big(r.height),
    txIndex: Number(r.tx_index),
    signer: r.signer == null ? null : bytes(r.signer),
    nonce: r.nonce == null ? null : big(r.nonce),
    op: (r.op as string | null) ?? null,
    bytes: bytes(r.bytes),
  };
}

function eventRow(r: Record<string, unknown>): EventRow {
  return {
    leaf: big(r.leaf),
    height: big(r.height),
    txIndex: Number(r.tx_index),
    account: bytes(r.account),
    kind: String(r.kind),
    bytes: bytes(r.bytes),
  };
}

export class Store {
  constructor(
    readonly db: Db,
    private readonly codec: Codec,
  ) {}

  /** The highest stored height (0 when empty). */
  async tip(): Promise<bigint> {
    const rows = await this.db.query("SELECT max(height) AS h FROM heights");
    return rows[0]?.h == null ? 0n : big(rows[0].h);
  }

  /**
   * Stores one applied height (verified by this relay) with its transactions and events, all or
   * nothing. Idempotent, also across relays. Relays sharing one PostgreSQL race to store a height:
   * the first insert wins and a concurrent one waits for it. A row already there is checked against
   * this relay's verified height: the same bytes are left alone; the same block, roots and record
   * under other certificate bytes (another quorum's signatures) take this relay's verified bundle;
   * anything else was forged by whoever wrote it, and is replaced with its transactions and events
   * (docs/decisions/006-relay-bus.md). Returns which of these happened. `expectStored` (a height
   * read from the shared store) compares first and inserts only if the stored bytes differ.
   */
  async put(a: AppliedHeight, expectStored = false): Promise<"stored" | "same" | "bundle-replaced" | "forged-replaced"> {
    // A height read from the shared store is there already, almost always with these very bytes:
    // one comparison done by the server (a boolean back) instead of an insert that does nothing
    // and a transaction fetching the row (seven round trips, the bundle sent twice and read once).
    if (expectStored) {
      const found = await this.db.query("SELECT bundle = $2 AS same FROM heights WHERE height = $1", [a.height, a.bundle]);
      if (found[0]?.same === true) return "same";
    }
    const block = this.codec.blockParts(a.view.block);
    const row = [
      a.height,
      block.digest,
      block.header.parent,
      block.header.timestampMs,
      a.txs.length,
      fromHex(a.progress.stateRoot),
      fromHex(a.progress.eventsRoot),
      fromHex(a.progress.txLogRoot),
      a.progress.eventStart,
      a.progress.eventEnd,
      a.record,
      a.bundle,
    ];
    const insertHeight: Statement = {
      sql: `INSERT INTO heights (height, digest, parent, timestamp_ms, tx_count, state_root, events_root, tx_log_root,
           event_start, event_end, record, bundle) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)
         ON CONFLICT (height) DO NOTHING RETURNING height`,
      params: row,
    };
    const rows = rowsOf(this.codec, a);
    // The common case, a height not stored yet, is one request; a height already there (a replay,
    // or a peer relay's row) is compared and, where it differs, replaced below.
    if (await this.db.runIfFirstReturns(insertHeight, rows)) return "stored";
    const outcome = await this.db.transaction(async (tx) => {
      const inserted = await tx.query(insertHeight.sql, insertHeight.params);
      if (inserted.length === 0) {
        const found = (
          await tx.query("SELECT digest, state_root, events_root, record, bundle FROM heights WHERE height = $1", [a.height])
        )[0];
        if (found && equalBytes(bytes(found.bundle), a.bundle)) return "same";
        const sameContent =
          found !== undefined &&
          equalBytes(bytes(found.digest), block.digest) &&
          equalBytes(bytes(found.state_root), fromHex(a.progress.stateRoot)) &&
          equalBytes(bytes(found.events_root), fromHex(a.progress.eventsRoot)) &&
          equalBytes(bytes(found.record), a.record);
        if (sameContent) {
          await tx.query("UPDATE heights SET bundle = $2 WHERE height = $1", [a.height, a.bundle]);
          return "bundle-replaced";
        }
        await tx.query("DELETE FROM events WHERE height = $1 OR (leaf >= $2 AND leaf < $3)", [
          a.height,
          a.progress.eventStart,
          a.progress.eventEnd,
        ]);
        await tx.query("DELETE FROM txs WHERE height = $1", [a.height]);
        await tx.query(
          `UPDATE heights SET digest = $2, parent = $3, timestamp_ms = $4, tx_count = $5, state_root = $6, events_root = $7,
             tx_log_root = $8, event_start = $9, event_end = $10, record = $11, bundle = $12 WHERE height = $1`,
          row,
        );
      }
      for (const r of rows) await tx.query(r.sql, r.params);
      return inserted.length === 0 ? "forged-replaced" : "stored";
    });
    // Forged events may have moved balances and sessions: rebuild what is derived from events.
    if (outcome === "forged-replaced") await this.reindex();
    return outcome;
  }

  /**
   * Rebuilds what is derived from the stored events — the accounts and sessions tables and the
   * events' session and game columns — after a migration added one of them to an existing store,
   * or after forged events were replaced. Idempotent: accounts and sessions are rebuilt from scratch.
   */
  async reindex(onProgress?: (events: number) => void): Promise<number> {
    await this.db.query("DELETE FROM sessions");
    await this.db.query("DELETE FROM accounts");
    let after = -1n;
    let n = 0;
    for (;;) {
      const rows = await this.db.query("SELECT leaf, bytes FROM events WHERE leaf > $1 ORDER BY leaf LIMIT 1000", [after]);
      if (rows.length === 0) return n;
      await this.db.transaction(async (tx) => {
        for (const r of rows) {
          const leaf = big(r.leaf);
          const ev = this.codec.decodeEventFrame(bytes(r.bytes));
          const { sessionId, gameId } = sessionOf(ev);
          if (sessionId !== null)
            await tx.query("UPDATE events SET session_id = $2, game_id = $3 WHERE leaf = $1", [leaf, sessionId, gameId]);
          for (const st of [accountStatement(ev), sessionStatement(ev, leaf)]) if (st) await tx.query(st.sql, st.params);
        }
      });
      after = big(rows[rows.length - 1]?.leaf);
      n += rows.length;
      onProgress?.(n);
    }
  }

  /** A player's sessions, most recently active first, below activity leaf `before` when given. */
  async sessionsOf(account: Uint8Array, limit: number, before?: bigint): Promise<SessionRow[]> {
    const rows = bounds(before)
      ? await this.db.query("SELECT * FROM sessions WHERE account = $1 AND last_leaf < $2 ORDER BY last_leaf DESC LIMIT $3", [
          account,
          before,
          limit,
        ])
      : await this.db.query("SELECT * FROM sessions WHERE account = $1 ORDER BY last_leaf DESC LIMIT $2", [account, limit]);
    return rows.map(sessionRow);
  }

  async session(account: Uint8Array, sessionId: bigint): Promise<SessionRow | undefined> {
    const rows = await this.db.query("SELECT * FROM sessions WHERE account = $1 AND session_id = $2", [account, sessionId]);
    return rows[0] ? sessionRow(rows[0]) : undefined;
  }

  /** The events of one player's session in order, from leaf `after` (exclusive) when given. */
  async eventsOfSession(account: Uint8Array, sessionId: bigint, limit: number, after?: bigint): Promise<EventRow[]> {
    if (after !== undefined && after >= SQL_BIGINT_MAX) return [];
    const rows = await this.db.query("SELECT * FROM events WHERE session_id = $2 AND account = $1 AND leaf > $3 ORDER BY leaf LIMIT $4", [
      account,
      sessionId,
      after ?? -1n,
      limit,
    ]);
    return rows.map(eventRow);
  }

  /** Accounts by chips, richest first (ties by key). */
  async leaderboard(limit: number): Promise<AccountRow[]> {
    return (await this.db.query("SELECT * FROM accounts ORDER BY chips DESC, account LIMIT $1", [limit])).map(accountRow);
  }

  /**
   * Accounts whose name starts with `prefix` (case-insensitive), in code-point order of the
   * lowercased name: the order of the accounts_name index (text_pattern_ops), so the scan stops
   * after `limit` rows. In the database's collation order every match was sorted first (38 ms for
   * a prefix of 22,000 names, on the thread that also stores heights).
   */
  async accountsNamed(prefix: string, limit: number): Promise<AccountRow[]> {
    const pattern = `${prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return (await this.db.query(ACCOUNTS_NAMED_SQL, [pattern, limit])).map(accountRow);
  }

  /** Stored bundles from `from` on, in order, at most `limit`. */
  async bundles(from: bigint, to: bigint, limit: number): Promise<{ height: bigint; bundle: Uint8Array }[]> {
    if (from > SQL_BIGINT_MAX) return [];
    const rows = await this.db.query("SELECT height, bundle FROM heights WHERE height >= $1 AND height <= $2 ORDER BY height LIMIT $3", [
      from,
      to > SQL_BIGINT_MAX ? SQL_BIGINT_MAX : to,
      limit,
    ]);
    return rows.map((r) => ({ height: big(r.height), bundle: bytes(r.bundle) }));
  }

  /** One stored height's bundle (undefined: not stored). */
  async bundle(h: bigint): Promise<Uint8Array | undefined> {
    return (await this.bundles(h, h, 1))[0]?.bundle;
  }

  async height(h: bigint): Promise<(HeightRow & { bundle: Uint8Array }) | undefined> {
    if (h > SQL_BIGINT_MAX) return undefined;
    const rows = await this.db.query(`SELECT ${HEIGHT_COLUMNS}, bundle FROM heights WHERE height = $1`, [h]);
    const r = rows[0];
    return r ? { ...heightRow(r), bundle: bytes(r.bundle) } : undefined;
  }

  /** The newest heights, newest first, below `before` (exclusive) when given. */
  async heights(limit: number, before?: bigint): Promise<HeightRow[]> {
    const rows = bounds(before)
      ? await this.db.query(`SELECT ${HEIGHT_COLUMNS} FROM heights WHERE height < $1 ORDER BY height DESC LIMIT $2`, [before, limit])
      : await this.db.query(`SELECT ${HEIGHT_COLUMNS} FROM heights ORDER BY height DESC LIMIT $1`, [limit]);
    return rows.map(heightRow);
  }

  async tx(hash: Uint8Array): Promise<TxRow | undefined> {
    const rows = await this.db.query("SELECT * FROM txs WHERE hash = $1", [hash]);
    return rows[0] ? txRow(rows[0]) : undefined;
  }

  async txsOfHeight(h: bigint): Promise<TxRow[]> {
    if (h > SQL_BIGINT_MAX) return [];
    return (await this.db.query("SELECT * FROM txs WHERE height = $1 ORDER BY tx_index", [h])).map(txRow);
  }

  async eventsOfTx(height: bigint, txIndex: number): Promise<EventRow[]> {
    return (await this.db.query("SELECT * FROM events WHERE height = $1 AND tx_index = $2 ORDER BY leaf", [height, txIndex])).map(eventRow);
  }

  /** An account's events, newest first, below leaf `before` when given. */
  async eventsOfAccount(account: Uint8Array, limit: number, before?: bigint): Promise<EventRow[]> {
    const rows = bounds(before)
      ? await this.db.query("SELECT * FROM events WHERE account = $1 AND leaf < $2 ORDER BY leaf DESC LIMIT $3", [account, before, limit])
      : await this.db.query("SELECT * FROM events WHERE account = $1 ORDER BY leaf DESC LIMIT $2", [account, limit]);
    return rows.map(eventRow);
  }
}
