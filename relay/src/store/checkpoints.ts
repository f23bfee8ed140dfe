// State checkpoints in the store: a snapshot of the state machine after a height, so that a relay
// starting or rebuilding replays only the heights after the newest one instead of the whole chain.
// A checkpoint is trusted no more than a stored height: chain/checkpoints.ts checks each against
// its height's certified record before using it, and drops one that fails.
import { big, bytes, type Db } from "./db.js";

export class CheckpointStore {
  constructor(
    private readonly db: Db,
    /** Checkpoints kept: the newest this many (an older one is the fallback if the newest is refused). */
    private readonly keep = 2,
  ) {}

  /** Stores the snapshot after `height` (the same height twice: the first stays) and drops all but the newest `keep`. */
  async put(height: bigint, snapshot: Uint8Array): Promise<void> {
    await this.db.query("INSERT INTO checkpoints (height, snapshot) VALUES ($1, $2) ON CONFLICT (height) DO NOTHING", [height, snapshot]);
    await this.db.query(
      "DELETE FROM checkpoints WHERE height < (SELECT min(height) FROM (SELECT height FROM checkpoints ORDER BY height DESC LIMIT $1) AS newest)",
      [this.keep],
    );
  }

  /** Heights of the checkpoints at or below `atMost`, newest first. */
  async heights(atMost: bigint): Promise<bigint[]> {
    const rows = await this.db.query("SELECT height FROM checkpoints WHERE height <= $1 ORDER BY height DESC", [atMost]);
    return rows.map((r) => big(r.height));
  }

  async snapshot(height: bigint): Promise<Uint8Array | undefined> {
    const rows = await this.db.query("SELECT snapshot FROM checkpoints WHERE height = $1", [height]);
    return rows[0] ? bytes(rows[0].snapshot) : undefined;
  }

  async drop(height: bigint): Promise<void> {
    await this.db.query("DELETE FROM checkpoints WHERE height = $1", [height]);
  }
}
