// Versioned schema: each migration runs once, in order, in its own transaction, and is recorded
// in schema_migrations. Never edit a released migration; append a new one. The SQL is plain
// PostgreSQL that PGlite runs unchanged.
import type { Db } from "./db.js";

export interface Migration {
  version: number;
  name: string;
  sql: string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "finalized heights, transactions, events",
    sql: [
      `CREATE TABLE heights (
        height BIGINT PRIMARY KEY,
        digest BYTEA NOT NULL,
        parent BYTEA NOT NULL,
        timestamp_ms BIGINT NOT NULL,
        tx_count INTEGER NOT NULL,
        state_root BYTEA NOT NULL,
        events_root BYTEA NOT NULL,
        tx_log_root BYTEA NOT NULL,
        event_start BIGINT NOT NULL,
        event_end BIGINT NOT NULL,
        record BYTEA NOT NULL,
        bundle BYTEA NOT NULL,
        stored_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE txs (
        hash BYTEA PRIMARY KEY,
        height BIGINT NOT NULL REFERENCES heights(height),
        tx_index INTEGER NOT NULL,
        signer BYTEA,
        nonce BIGINT,
        op TEXT,
        bytes BYTEA NOT NULL
      )`,
      "CREATE INDEX txs_signer ON txs (signer, height)",
      `CREATE TABLE events (
        leaf BIGINT PRIMARY KEY,
        height BIGINT NOT NULL REFERENCES heights(height),
        tx_index INTEGER NOT NULL,
        account BYTEA NOT NULL,
        kind TEXT NOT NULL,
        session_id BIGINT,
        game_id BIGINT,
        bytes BYTEA NOT NULL
      )`,
      "CREATE INDEX events_account ON events (account, leaf)",
      "CREATE INDEX events_session ON events (session_id, leaf) WHERE session_id IS NOT NULL",
      "CREATE INDEX events_game ON events (game_id, leaf) WHERE game_id IS NOT NULL",
      "CREATE INDEX events_height ON events (height)",
    ],
  },
  {
    version: 2,
    name: "accounts for the leaderboard and search",
    sql: [
      `CREATE TABLE accounts (
        account BYTEA PRIMARY KEY,
        name TEXT,
        chips BIGINT NOT NULL DEFAULT 0,
        registered_height BIGINT,
        last_height BIGINT NOT NULL
      )`,
      "CREATE INDEX accounts_chips ON accounts (chips DESC, account)",
      "CREATE INDEX accounts_name ON accounts (lower(name) text_pattern_ops)",
    ],
  },
  {
    version: 3,
    name: "Yjs updates of account rooms",
    sql: [
      `CREATE TABLE account_doc_updates (
        seq BIGSERIAL PRIMARY KEY,
        account BYTEA NOT NULL,
        bytes BYTEA NOT NULL,
        stored_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
      "CREATE INDEX account_doc_updates_account ON account_doc_updates (account, seq)",
    ],
  },
  {
    version: 4,
    name: "game sessions of each player; session ids are u64",
    sql: [
      // Session ids are chosen by clients over the whole u64 range; BIGINT stops at 2^63 − 1.
      "ALTER TABLE events ALTER COLUMN session_id TYPE NUMERIC(20,0)",
      `CREATE TABLE sessions (
        account BYTEA NOT NULL,
        session_id NUMERIC(20,0) NOT NULL,
        game_id INTEGER NOT NULL,
        mode INTEGER NOT NULL,
        serial NUMERIC(20,0) NOT NULL,
        started_height BIGINT NOT NULL,
        last_height BIGINT NOT NULL,
        last_leaf BIGINT NOT NULL,
        moves INTEGER NOT NULL DEFAULT 0,
        staked NUMERIC NOT NULL DEFAULT 0,
        returned NUMERIC NOT NULL DEFAULT 0,
        finished BOOLEAN NOT NULL DEFAULT false,
        PRIMARY KEY (account, session_id)
      )`,
      "CREATE INDEX sessions_recent ON sessions (account, last_leaf DESC)",
    ],
  },
  {
    version: 5,
    name: "state checkpoints to start from instead of genesis",
    sql: [
      // A state machine snapshot after `height` (core_snapshot): a relay restores the newest one it
      // can check against that height's certified record and replays only the heights after it.
      `CREATE TABLE checkpoints (
        height BIGINT PRIMARY KEY,
        snapshot BYTEA NOT NULL,
        stored_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
    ],
  },
  {
    version: 6,
    name: "the chain a store holds",
    sql: [
      // One row: the genesis digest of the chain whose heights the store holds (store-chain.ts).
      `CREATE TABLE store_chain (
        singleton BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
        genesis_digest TEXT NOT NULL,
        chain_id TEXT NOT NULL,
        bound_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
    ],
  },
];

/** A migration may rebuild an index of a large store, or wait for another relay's: no time limit. */
const UNBOUNDED = { unbounded: true } as const;

/** Brings the schema to the latest version; returns the versions it applied. */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  // Relays sharing one PostgreSQL may start together: every step holds the same advisory lock, so
  // one creates and migrates while the others wait, then find the work done. (Two concurrent
  // CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL's catalog without it.)
  await db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(7301)");
    await tx.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    );
  }, UNBOUNDED);
  const applied: number[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(7301)");
      const seen = await tx.query("SELECT 1 FROM schema_migrations WHERE version = $1", [m.version]);
      if (seen.length > 0) return false;
      for (const statement of m.sql) await tx.query(statement);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
      return true;
    }, UNBOUNDED);
    if (done) applied.push(m.version);
  }
  return applied;
}
