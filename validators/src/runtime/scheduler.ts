// Scheduler: the simulator's single event queue and the owner of virtual time.
//
// Every timer (SimClock) and every message delivery (SimNetwork) is an event here. Events run one
// at a time in (time, insertion sequence) order, so two events at the same virtual millisecond run
// in the order they were scheduled: nothing depends on the host's timers, the heap's internal
// layout or Map iteration. Time only moves forward, and only when an event runs or runUntil ends.
//
// Trace: each executed event (its time, sequence number, label and optional data) and each
// record() is fed into a running sha256. Two runs of one seeded workload must end with the same
// trace hash; a different hash pinpoints nondeterminism (or a different seed) without having to
// diff logs. An optional hook sees each entry too, for printing a replay.
//
// Promises: an event callback that resolves a promise (SimClock.sleep, SimStorage's async methods)
// only continues its `await` in a microtask, after the callback returns. The synchronous run
// methods do not wait for those; the *Async variants drain the microtask queue after every event
// (by yielding one macrotask turn), so async code observes the virtual time of the event that woke
// it. Drive any code that awaits with the Async variants, and keep real I/O and host timers out of
// the simulation: they would interleave with those turns nondeterministically.

import { sha256 } from "@noble/hashes/sha2.js";

export type SchedulerErrorCode =
  | "SCHEDULER_INVALID_TIME" // a time in the past, a negative delay, NaN or Infinity
  | "SCHEDULER_EVENT_LIMIT" // runUntilIdle ran maxEvents and the queue is still not empty
  | "SCHEDULER_REENTRANT"; // a run method called from inside an event

export class SchedulerError extends Error {
  override readonly name = "SchedulerError";
  constructor(
    readonly code: SchedulerErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** Identifies a scheduled event, for cancel(). Never reused within one Scheduler. */
export type EventId = number;

export interface EventMeta {
  /** Short name that goes into the trace ("node-2/timer", "net 0->3"). */
  label?: string;
  /** Bytes that go into the trace with the label (a message payload, for example). */
  data?: Uint8Array;
}

/** One trace entry, as passed to the trace hook. */
export interface TraceEntry {
  kind: "event" | "record";
  time: number;
  /** The event's sequence number; for a record, the sequence number of the event running it (or -1). */
  seq: number;
  label: string;
  data: Uint8Array | undefined;
}

export interface SchedulerOptions {
  /** Virtual time at which the simulation starts, in ms (default 0). */
  startTime?: number;
  /** Feed executed events into the running sha256 (default true). */
  trace?: boolean;
  /** Called with every trace entry, in order (also when `trace` is false). */
  onTrace?: (entry: TraceEntry) => void;
}

interface Event {
  time: number;
  seq: number;
  fn: () => void;
  label: string;
  data: Uint8Array | undefined;
}

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

export class Scheduler {
  private time: number;
  private nextSeq = 0;
  // Binary min-heap on (time, seq). Cancelled events are removed from `live` and skipped when
  // they reach the top (lazy deletion keeps cancel O(1)).
  private readonly heap: Event[] = [];
  private readonly live = new Map<EventId, Event>();
  private running = false;
  private driving = false;
  private currentSeq = -1;
  private readonly hasher: ReturnType<typeof sha256.create> | undefined;
  private readonly onTrace: ((entry: TraceEntry) => void) | undefined;
  private executed = 0;

  constructor(options: SchedulerOptions = {}) {
    const start = options.startTime ?? 0;
    if (!Number.isFinite(start) || start < 0) throw new SchedulerError("SCHEDULER_INVALID_TIME", `startTime ${start}`);
    this.time = start;
    this.hasher = options.trace === false ? undefined : sha256.create();
    this.onTrace = options.onTrace;
  }

  /** Current virtual time in ms. */
  get now(): number {
    return this.time;
  }

  /** Events executed so far. */
  get executedCount(): number {
    return this.executed;
  }

  /** Events scheduled and neither executed nor cancelled. */
  get pendingCount(): number {
    return this.live.size;
  }

  /** Time of the next event to run, or undefined when idle. */
  nextTime(): number | undefined {
    this.dropCancelledTop();
    return this.heap[0]?.time;
  }

  /** Runs `fn` at virtual time `at` (>= now). Events at equal times run in scheduling order. */
  schedule(at: number, fn: () => void, meta: EventMeta = {}): EventId {
    if (!Number.isFinite(at) || at < this.time) {
      throw new SchedulerError("SCHEDULER_INVALID_TIME", `schedule at ${at} but now is ${this.time}`);
    }
    const event: Event = { time: at, seq: this.nextSeq++, fn, label: meta.label ?? "event", data: meta.data };
    this.live.set(event.seq, event);
    this.push(event);
    return event.seq;
  }

  /** Runs `fn` after `delay` ms (>= 0; 0 runs after everything already queued for now). */
  scheduleAfter(delay: number, fn: () => void, meta: EventMeta = {}): EventId {
    if (!Number.isFinite(delay) || delay < 0) throw new SchedulerError("SCHEDULER_INVALID_TIME", `delay ${delay}`);
    return this.schedule(this.time + delay, fn, meta);
  }

  /** Cancels a pending event; false if it already ran, was cancelled or never existed. */
  cancel(id: EventId): boolean {
    return this.live.delete(id);
  }

  /** Adds an entry to the trace without scheduling anything (a decision worth replaying: a drop). */
  record(label: string, data?: Uint8Array): void {
    this.trace({ kind: "record", time: this.time, seq: this.currentSeq, label, data });
  }

  /** sha256 of every trace entry so far (the hash keeps running). Zero-length if tracing is off. */
  traceHash(): Uint8Array {
    return this.hasher ? this.hasher.clone().digest() : EMPTY;
  }

  /** traceHash() as lowercase hex. */
  traceHex(): string {
    let out = "";
    for (const b of this.traceHash()) out += b.toString(16).padStart(2, "0");
    return out;
  }

  /** Runs the next event, advancing time to it. False when there is nothing to run. */
  step(): boolean {
    this.enter();
    try {
      return this.runOne(Number.POSITIVE_INFINITY);
    } finally {
      this.running = false;
    }
  }

  /**
   * Runs every event due at or before `time` (including ones those events schedule), then sets
   * the clock to `time`. Returns how many events ran.
   */
  runUntil(time: number): number {
    this.checkTarget(time);
    this.enter();
    let count = 0;
    try {
      while (this.runOne(time)) count++;
      this.time = time;
    } finally {
      this.running = false;
    }
    return count;
  }

  /**
   * Runs events until none are left. Throws SCHEDULER_EVENT_LIMIT after `maxEvents` if the queue
   * is still not empty (a periodic timer never goes idle; failing beats hanging a test).
   */
  runUntilIdle(maxEvents = 1_000_000): number {
    this.enter();
    let count = 0;
    try {
      while (count < maxEvents && this.runOne(Number.POSITIVE_INFINITY)) count++;
    } finally {
      this.running = false;
    }
    if (this.nextTime() !== undefined) throw new SchedulerError("SCHEDULER_EVENT_LIMIT", `still busy after ${maxEvents} events`);
    return count;
  }

  /** step(), then lets the promise continuations it triggered run at the event's time. */
  async stepAsync(): Promise<boolean> {
    const ran = this.step();
    await drainMicrotasks();
    return ran;
  }

  /** runUntil(), settling promise continuations after each event (see the header). */
  async runUntilAsync(time: number): Promise<number> {
    this.checkTarget(time);
    this.enterAsync();
    try {
      await drainMicrotasks(); // continuations of work done before the call run at the current time
      let count = 0;
      for (;;) {
        const next = this.nextTime();
        if (next === undefined || next > time) break;
        this.step();
        count++;
        await drainMicrotasks();
      }
      this.time = time;
      return count;
    } finally {
      this.driving = false;
    }
  }

  /** runUntilIdle(), settling promise continuations after each event (see the header). */
  async runUntilIdleAsync(maxEvents = 1_000_000): Promise<number> {
    this.enterAsync();
    try {
      await drainMicrotasks();
      let count = 0;
      while (count < maxEvents && this.nextTime() !== undefined) {
        this.step();
        count++;
        await drainMicrotasks();
      }
      if (this.nextTime() !== undefined) throw new SchedulerError("SCHEDULER_EVENT_LIMIT", `still busy after ${maxEvents} events`);
      return count;
    } finally {
      this.driving = false;
    }
  }

  private enterAsync(): void {
    // Two async drivers at once would interleave their steps between microtask drains.
    if (this.driving || this.running) throw new SchedulerError("SCHEDULER_REENTRANT", "an async run is already driving this scheduler");
    this.driving = true;
  }

  private checkTarget(time: number): void {
    if (!Number.isFinite(time) || time < this.time) {
      throw new SchedulerError("SCHEDULER_INVALID_TIME", `run until ${time} but now is ${this.time}`);
    }
  }

  private enter(): void {
    // An event that runs the scheduler would execute later events inside an earlier one, and time
    // could then appear to jump backwards to the code after the nested call.
    if (this.running) throw new SchedulerError("SCHEDULER_REENTRANT", "run method called from inside an event");
    this.running = true;
  }

  private runOne(limit: number): boolean {
    this.dropCancelledTop();
    const top = this.heap[0];
    if (top === undefined || top.time > limit) return false;
    this.pop();
    this.live.delete(top.seq);
    this.time = top.time;
    this.executed++;
    this.trace({ kind: "event", time: top.time, seq: top.seq, label: top.label, data: top.data });
    const previous = this.currentSeq;
    this.currentSeq = top.seq;
    try {
      top.fn();
    } finally {
      this.currentSeq = previous;
    }
    return true;
  }

  private trace(entry: TraceEntry): void {
    if (this.hasher) {
      // Length-prefixed fields so no two different entries encode to the same bytes.
      const label = encoder.encode(entry.label);
      const data = entry.data ?? EMPTY;
      const head = new DataView(new ArrayBuffer(1 + 8 + 8 + 4 + 4 + 1));
      head.setUint8(0, entry.kind === "event" ? 1 : 2);
      head.setFloat64(1, entry.time);
      head.setFloat64(9, entry.seq);
      head.setUint32(17, label.length);
      head.setUint32(21, data.length);
      head.setUint8(25, entry.data === undefined ? 0 : 1);
      this.hasher.update(new Uint8Array(head.buffer));
      this.hasher.update(label);
      this.hasher.update(data);
    }
    this.onTrace?.(entry);
  }

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && !this.live.has(this.heap[0]!.seq)) this.pop();
  }

  private push(event: Event): void {
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(event, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = event;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}

function before(a: Event, b: Event): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/**
 * Lets every queued microtask (and the microtasks those queue) run: a macrotask turn starts only
 * once the microtask queue is empty.
 */
function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
