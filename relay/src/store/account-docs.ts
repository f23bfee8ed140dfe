// The Yjs updates of account rooms (rooms/), so a player's settings and pending moves survive a
// relay restart. Append-only: each update the owner wrote is one row, and compaction replaces the
// rows a room has seen by its current state. Appending rather than overwriting one state row, and
// compacting only rows by their seq, means two relays on one PostgreSQL never lose each other's
// writes: Yjs updates merge in any order.
import { big, bytes, type Db } from "./db.js";

export interface StoredDoc {
  updates: Uint8Array[];
  /** The rows read, for compaction. */
  seqs: bigint[];
}

export class AccountDocs {
  constructor(private readonly db: Db) {}

  async load(account: Uint8Array): Promise<StoredDoc> {
    const rows = await this.db.query("SELECT seq, bytes FROM account_doc_updates WHERE account = $1 ORDER BY seq", [account]);
    return { updates: rows.map((r) => bytes(r.bytes)), seqs: rows.map((r) => big(r.seq)) };
  }

  /** Stores one update; returns its row's seq. */
  async append(account: Uint8Array, update: Uint8Array): Promise<bigint> {
    const [row] = await this.db.query("INSERT INTO account_doc_updates (account, bytes) VALUES ($1, $2) RETURNING seq", [account, update]);
    return big(row?.seq);
  }

  /** Replaces the rows `seqs` by `state` (a document holding all of them), in one transaction; returns the new row's seq. */
  async compact(account: Uint8Array, state: Uint8Array, seqs: readonly bigint[]): Promise<bigint> {
    return this.db.transaction(async (tx) => {
      await tx.query("DELETE FROM account_doc_updates WHERE account = $1 AND seq = ANY(string_to_array($2, ',')::bigint[])", [
        account,
        seqs.join(","),
      ]);
      const [row] = await tx.query("INSERT INTO account_doc_updates (account, bytes) VALUES ($1, $2) RETURNING seq", [account, state]);
      return big(row?.seq);
    });
  }
}
