// How long the relay waits before rebuilding its chain from its store after a pipeline failure
// (relay.ts). A rebuild replays the whole store, which is the way back from a fault that passes;
// one that persists (a statement that keeps failing) failed again at once, and the relay replayed
// its store several times a second. So a failure that comes back with no height served past the
// highest at an earlier one waits 1 s, then 2 s, 4 s, … up to `maxMs`; the first one, and any
// after progress, none.
export class RebuildBackoff {
  private count = 0;
  private served = 0n;
  private readonly sleepers = new Set<() => void>();

  constructor(private readonly maxMs = 30_000) {}

  /** A failure, with `served` the relay's height at it: the wait before rebuilding, in ms. */
  failed(served: bigint): number {
    // Against the highest height served at any failure of the run: a height lower than that (a
    // rebuild that could not replay the store as far) is not progress either.
    const isRepeat = this.count > 0 && served <= this.served;
    this.count = isRepeat ? this.count + 1 : 1;
    if (!isRepeat) this.served = served;
    return this.count < 2 ? 0 : Math.min(1000 * 2 ** (this.count - 2), this.maxMs);
  }

  /** Waits `ms`, or until wakeAll (the relay is stopping). */
  wait(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.sleepers.add(done);
    });
  }

  wakeAll(): void {
    for (const wake of [...this.sleepers]) wake();
  }
}
