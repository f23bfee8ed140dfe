// Follows the shared store (PostgreSQL written by other relays) instead of, or beside, the
// validators' streams: on a bus message, on a (re)subscription, or on a poll while the bus is
// down, it reads the stored bundles after the relay's height and offers them to the relay's
// pipeline, which verifies and replays each one exactly as if a validator had sent it. Nothing
// read here is trusted: other relays' writes are just bytes that claim to be finalized heights.
//
// One read at a time, one batch in memory: the next batch is read once the pipeline has taken
// the previous one, so a relay far behind catches up at its own verification speed. A read that
// meets the store unavailable is a pipeline step like storing (store-outage.ts): retried in place,
// with the relay's /readyz and relay_store_available saying so, until the store answers.
import type { StoreOutage } from "../store/store-outage.js";

export interface StoreFollowerOptions {
  /** Stored bundles from `from` to `to` in height order, at most `limit` (Store.bundles). */
  bundles(from: bigint, to: bigint, limit: number): Promise<{ height: bigint; bundle: Uint8Array }[]>;
  /** The next height the relay needs. */
  nextHeight(): bigint;
  /** Hands a bundle to the relay's pipeline (RelayCore.offer with from = "store"). */
  onBundle(height: bigint, bundle: Uint8Array): void;
  /** Resolves once the pipeline has handled everything offered so far. */
  settled(): Promise<void>;
  log(level: "info" | "warn", event: string, fields?: Record<string, unknown>): void;
  /** The relay's store outage: a read the store cannot answer waits in it. */
  outage: StoreOutage;
  /** Bundles per read (default 64). */
  batch?: number;
  /** Poll period while polling is on (bus down or absent; default 1,000 ms). */
  pollMs?: number;
}

/** "No upper bound" for a height range: PostgreSQL's bigint is signed. */
const I64_MAX = (1n << 63n) - 1n;

export class StoreFollower {
  private reading: Promise<void> | undefined;
  private again = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly o: StoreFollowerOptions) {}

  /** Reads whatever the store holds after the relay's height. Coalesces: calls during a read cause one more read. */
  poke(): void {
    if (this.stopped) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = this.readAll().finally(() => {
      this.reading = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        this.poke();
      }
    });
  }

  /** Polls the store every pollMs while on (the bus is down, or there is none). */
  setPolling(on: boolean): void {
    if (on && !this.pollTimer && !this.stopped) {
      this.pollTimer = setInterval(() => this.poke(), this.o.pollMs ?? 1000);
      this.pollTimer.unref();
    } else if (!on && this.pollTimer) {
      clearInterval(this.pollTimer);
      this.pollTimer = undefined;
    }
  }

  get isPolling(): boolean {
    return this.pollTimer !== undefined;
  }

  private async readAll(): Promise<void> {
    const limit = this.o.batch ?? 64;
    try {
      while (!this.stopped) {
        const from = this.o.nextHeight();
        const rows = await this.o.outage.retry("reading the shared store", () => this.o.bundles(from, I64_MAX, limit));
        if (rows.length === 0) return;
        for (const r of rows) this.o.onBundle(r.height, r.bundle);
        await this.o.settled();
        // No progress: the next height is refused or waits for a descendant not stored yet. The
        // relay handles a refusal; a later poke reads again.
        if (this.o.nextHeight() === from || rows.length < limit) return;
      }
    } catch (e) {
      if (!this.stopped) this.o.log("warn", "store_follow_failed", { message: (e as Error).message });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.setPolling(false);
    await this.reading;
  }
}
