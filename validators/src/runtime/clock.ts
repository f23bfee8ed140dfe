// Clock: the only way consensus code reads time or waits.
//
// The real process uses RealClock (performance.now and setTimeout); the simulator gives each node a
// SimClock on the shared Scheduler, so "wait 500 ms for the leader" costs no wall time and happens
// at the same virtual instant on every replay. Times are milliseconds from an arbitrary origin:
// only differences mean anything (RealClock's origin is process start, SimClock's is the
// scheduler's start), and both are monotonic, never wall-clock time that can jump.

import type { Scheduler } from "./scheduler.js";

export type ClockErrorCode = "CLOCK_INVALID_DELAY"; // negative, NaN or infinite delay

export class ClockError extends Error {
  override readonly name = "ClockError";
  constructor(
    readonly code: ClockErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** Identifies a pending timer of one clock, for cancel(). */
export type TimerHandle = number;

export interface Clock {
  /** Monotonic milliseconds since this clock's origin. */
  now(): number;
  /** Calls `fn` once, `ms` (>= 0) from now. */
  setTimer(ms: number, fn: () => void): TimerHandle;
  /** Stops a pending timer; false if it already fired or was cancelled. */
  cancel(handle: TimerHandle): boolean;
  /** Resolves `ms` (>= 0) from now. */
  sleep(ms: number): Promise<void>;
}

function checkDelay(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new ClockError("CLOCK_INVALID_DELAY", `delay ${ms}`);
}

/** The process's clock. `now()` is performance.now(): monotonic, sub-millisecond. */
export class RealClock implements Clock {
  private nextHandle = 1;
  private readonly timers = new Map<TimerHandle, ReturnType<typeof setTimeout>>();

  now(): number {
    return performance.now();
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    checkDelay(ms);
    const handle = this.nextHandle++;
    const timer = setTimeout(() => {
      this.timers.delete(handle);
      fn();
    }, ms);
    this.timers.set(handle, timer);
    return handle;
  }

  cancel(handle: TimerHandle): boolean {
    const timer = this.timers.get(handle);
    if (timer === undefined) return false;
    clearTimeout(timer);
    this.timers.delete(handle);
    return true;
  }

  sleep(ms: number): Promise<void> {
    checkDelay(ms);
    return new Promise((resolve) => this.setTimer(ms, resolve));
  }

  /** Cancels every pending timer (shutdown: lets the process exit). */
  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

export interface SimClockOptions {
  /** Prefix of this clock's trace labels, usually the node ("node-3"); default "clock". */
  label?: string;
}

/**
 * One node's view of the scheduler's virtual time. Several SimClocks may share one Scheduler; their
 * timers interleave in (time, scheduling order). stop() models the process dying: its pending
 * timers never fire and later setTimer calls are ignored, so a crashed node's callbacks cannot act
 * (its pending sleeps never resolve, like the awaits of a killed process).
 */
export class SimClock implements Clock {
  private readonly label: string;
  private readonly pending = new Set<TimerHandle>();
  private stopped = false;

  constructor(
    readonly scheduler: Scheduler,
    options: SimClockOptions = {},
  ) {
    this.label = `${options.label ?? "clock"}/timer`;
  }

  now(): number {
    return this.scheduler.now;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    checkDelay(ms);
    // A stopped clock still hands out a handle (callers store it), but one that never fires.
    if (this.stopped) return -1;
    const handle = this.scheduler.scheduleAfter(
      ms,
      () => {
        this.pending.delete(handle);
        fn();
      },
      { label: this.label },
    );
    this.pending.add(handle);
    return handle;
  }

  cancel(handle: TimerHandle): boolean {
    if (!this.pending.delete(handle)) return false;
    return this.scheduler.cancel(handle);
  }

  sleep(ms: number): Promise<void> {
    checkDelay(ms);
    return new Promise((resolve) => this.setTimer(ms, resolve));
  }

  /** Timers set and not yet fired or cancelled. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Cancels every pending timer and ignores later ones (the node crashed). Irreversible. */
  stop(): void {
    this.stopped = true;
    for (const handle of this.pending) this.scheduler.cancel(handle);
    this.pending.clear();
  }

  get isStopped(): boolean {
    return this.stopped;
  }
}
