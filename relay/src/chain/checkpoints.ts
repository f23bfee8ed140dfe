// Start from a checkpoint instead of genesis (docs/decisions/026-relay-checkpoints.md). Every
// `every` heights the relay writes its state machine's snapshot to the store; a start-up or a
// rebuild restores the newest one that gives its height's certified record, and replays only the
// stored heights after it. Without them a relay's start grew with the chain (12,456 heights: 19 s).
import type { RelayMetrics } from "../api/metrics.js";
import type { LogFn } from "../relay.js";
import type { CheckpointStore } from "../store/checkpoints.js";
import type { StoreOutage } from "../store/store-outage.js";
import { withDescendants } from "./apply-linked.js";
import { BundleRefused, CheckpointRefused, type VerifiedChain } from "./chain.js";

export interface ChainCheckpointsOptions {
  store: CheckpointStore;
  /** Store reads are retried while the database cannot be reached. */
  outage: StoreOutage;
  /** A new chain at genesis. */
  newChain: () => Promise<VerifiedChain>;
  /** A stored height's bundle. */
  bundleAt: (h: bigint) => Promise<Uint8Array | undefined>;
  /** Heights between checkpoints (0: none written). */
  every: bigint;
  log: LogFn;
  metrics: RelayMetrics;
}

export class ChainCheckpoints {
  /** The highest checkpoint written or restored: none is taken at or below it again. */
  private newest = 0n;
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly o: ChainCheckpointsOptions) {}

  /**
   * A new chain at the newest checkpoint at or below `atMost` that checks out, or undefined. A
   * checkpoint whose snapshot is not its height's certified state is dropped; one whose stored
   * height is itself refused is passed over (the replay meets that row and has it replaced).
   */
  async chainAt(atMost: bigint): Promise<VerifiedChain | undefined> {
    const read = <T>(run: () => Promise<T>) => this.o.outage.retry("checkpoint", run);
    for (const height of await read(() => this.o.store.heights(atMost))) {
      const snapshot = await read(() => this.o.store.snapshot(height));
      const bundle = await read(() => this.o.bundleAt(height));
      if (!snapshot || !bundle) continue;
      const startMs = performance.now();
      const chain = await this.o.newChain();
      try {
        await withDescendants(
          chain,
          (h) => read(() => this.o.bundleAt(h)),
          (views) => chain.restore(height, bundle, snapshot, views),
        );
      } catch (e) {
        chain.free();
        if (!(e instanceof CheckpointRefused || e instanceof BundleRefused)) throw e;
        this.o.metrics.checkpoints.inc({ outcome: "refused" });
        const isSnapshotBad = e instanceof CheckpointRefused;
        this.o.log("warn", "checkpoint_refused", {
          height: height.toString(),
          message: e.message,
          note: isSnapshotBad
            ? "dropped; an older checkpoint or genesis is used"
            : "its stored height is refused; an older checkpoint or genesis is used",
        });
        if (isSnapshotBad) await read(() => this.o.store.drop(height));
        continue;
      }
      this.o.metrics.checkpoints.inc({ outcome: "restored" });
      this.o.log("info", "checkpoint_restored", {
        height: height.toString(),
        bytes: snapshot.length,
        ms: Math.round(performance.now() - startMs),
      });
      if (height > this.newest) this.newest = height;
      return chain;
    }
    return undefined;
  }

  /** A new chain at the newest checkpoint at or below `atMost` that checks out, else at genesis. */
  async chainFrom(atMost: bigint): Promise<VerifiedChain> {
    return (await this.chainAt(atMost)) ?? this.o.newChain();
  }

  /**
   * After `chain` applied `height`: every `every` heights, its snapshot is written. The snapshot is
   * taken now (the state moves on with the next height); the pipeline does not wait for the write,
   * and a write that fails (the store away) is logged and skipped: the next one comes `every` later.
   */
  take(chain: VerifiedChain, height: bigint): void {
    if (this.o.every <= 0n || height % this.o.every !== 0n || height <= this.newest) return;
    this.newest = height;
    const startMs = performance.now();
    const snapshot = chain.core.snapshot();
    const snapshotMs = Math.round(performance.now() - startMs);
    this.writes = this.writes
      .then(() => this.o.store.put(height, snapshot))
      .then(
        () => {
          this.o.metrics.checkpoints.inc({ outcome: "written" });
          this.o.log("info", "checkpoint_written", { height: height.toString(), bytes: snapshot.length, snapshotMs });
        },
        (e: Error) => {
          this.o.metrics.checkpoints.inc({ outcome: "failed" });
          this.o.log("warn", "checkpoint_write_failed", { height: height.toString(), message: e.message });
        },
      );
  }

  /** Resolves once every write begun so far has ended. */
  settled(): Promise<void> {
    return this.writes;
  }
}
