// The height a relay answers at (verified, stored, held for /log and published), and whoever
// waits for it to pass a height. A rebuild replays beside it (relay.ts), so it goes down only when
// the store cannot be replayed as far as it had served (a row changed under it since).

export class ServedHeight {
  private value = 0n;
  private readonly waiters = new Set<{ height: bigint; resolve: () => void }>();

  get height(): bigint {
    return this.value;
  }

  /** Resolves once the height is at least `h` (or `releaseAll` is called). */
  waitFor(h: bigint): Promise<void> {
    if (this.value >= h) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add({ height: h, resolve }));
  }

  set(h: bigint): void {
    this.value = h;
    for (const w of this.waiters)
      if (h >= w.height) {
        this.waiters.delete(w);
        w.resolve();
      }
  }

  /** Resolves every waiter (the relay is stopping: nothing more will be served). */
  releaseAll(): void {
    for (const w of this.waiters) w.resolve();
    this.waiters.clear();
  }
}
