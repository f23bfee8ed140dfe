// Event-loop lag of this process: how late a short repeating timer fires. A validator whose loop
// runs late handles consensus messages late, so this is the overload signal its admission sheds
// on (validators/src/node/admission.ts); validators and relays report it as a metric. `recentMs`
// is the worst lag of the last window; the timer is unref'd, so it never keeps a process alive.

export interface LoopLagOptions {
  /** Probe period (default 10 ms). */
  everyMs?: number;
  /** The worst lag is remembered this long (default 500 ms). */
  windowMs?: number;
}

export class LoopLag {
  private readonly everyMs: number;
  private readonly windowMs: number;
  private timer: ReturnType<typeof setInterval> | undefined;
  private expected = 0;
  /** Worst lag of the current and the previous window: a spike is remembered for one to two windows. */
  private current = 0;
  private previous = 0;
  private windowStart = 0;

  constructor(o: LoopLagOptions = {}) {
    this.everyMs = o.everyMs ?? 10;
    this.windowMs = o.windowMs ?? 500;
  }

  start(): this {
    if (this.timer !== undefined) return this;
    this.expected = performance.now() + this.everyMs;
    this.windowStart = performance.now();
    this.timer = setInterval(() => this.tick(), this.everyMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The worst lag seen in the last one to two windows, in ms. */
  get recentMs(): number {
    return Math.max(this.current, this.previous);
  }

  private tick(): void {
    const now = performance.now();
    const lag = Math.max(0, now - this.expected);
    this.expected = now + this.everyMs;
    if (now - this.windowStart >= this.windowMs) {
      this.previous = this.current;
      this.current = 0;
      this.windowStart = now;
    }
    if (lag > this.current) this.current = lag;
  }
}
