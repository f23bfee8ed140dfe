// Work granted in turns of the event loop: callers wait in arrival order and each turn lets through
// at most `budget` worth (an entry larger than the budget alone in its turn). An immediate queued
// from an immediate runs on the next iteration, after pending I/O, so however many wait, no turn
// grows long: consensus messages (a validator's mempool), new connections and reads (a relay's
// /submit) are handled between two turns instead of behind all of them. Node only (setImmediate).

export class TurnGate {
  private readonly waiting: { size: number; resolve: () => void }[] = [];
  private granting = false;

  constructor(readonly budget: number) {
    if (!(budget >= 1)) throw new RangeError("budget must be at least 1");
  }

  /** Callers waiting for their turn. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Resolves when the caller may run its work of `size` (in the budget's unit) this turn. */
  enter(size = 1): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push({ size, resolve });
      if (!this.granting) {
        this.granting = true;
        setImmediate(() => this.grant());
      }
    });
  }

  private grant(): void {
    if (this.waiting.length === 0) {
      this.granting = false;
      return;
    }
    let left = this.budget;
    do {
      const next = this.waiting.shift() as { size: number; resolve: () => void };
      left -= next.size;
      next.resolve();
    } while (this.waiting.length > 0 && (this.waiting[0] as { size: number }).size <= left);
    setImmediate(() => this.grant());
  }
}
