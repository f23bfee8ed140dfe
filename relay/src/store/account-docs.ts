// The Yjs updates of account rooms (rooms/), so a player's settings and pending moves survive a
// relay restart. Append-only: each update the owner wrote is one row, and a load folds many rows
// into one. Appending rather than overwriting one state row means two relays on one PostgreSQL
// never lose each other's writes: Yjs updates merge in any order.
import { big, bytes, type Db } from "./db.js";

export interface StoredDoc {
  updates: Uint8Array[];
  /** Sum of the stored updates' lengths. */
  bytes: number;
  /** Highest row read (for compaction), 0n when none. */
  throughSeq: bigint;
}

export class AccountDocs {
  constructor(private readonly db: Db) {}

  async load(account: Uint8Array): Promise<StoredDoc> {
    const rows = await this.db.query("SELECT seq, bytes FROM account_doc_updates WHERE account = $1 ORDER BY seq", [account]);
    const updates = rows.map((r) => bytes(r.bytes));
    return {
      updates,
      bytes: updates.reduce((n, u) => n + u.length, 0),
      throughSeq: rows.length ? big(rows[rows.length - 1]?.seq) : 0n,
    };
  }

  async append(account: Uint8Array, update: Uint8Array): Promise<void> {
    await this.db.query("INSERT INTO account_doc_updates (account, bytes) VALUES ($1, $2)", [account, update]);
  }

  /** Replaces the rows up to `throughSeq` by `merged` (their merge), in one transaction. */
  async compact(account: Uint8Array, merged: Uint8Array, throughSeq: bigint): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query("DELETE FROM account_doc_updates WHERE account = $1 AND seq <= $2", [account, throughSeq]);
      await tx.query("INSERT INTO account_doc_updates (account, bytes) VALUES ($1, $2)", [account, merged]);
    });
  }
}
