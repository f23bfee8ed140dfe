// A warning that can come many times a second for as long as a fault lasts (a refused validator, a
// follow buffer full while catching up), logged once per window per kind and source; the next line
// carries `repeated`, the count not logged in between. Counters still count every one.
import type { LogFn } from "./relay.js";

export class LogThrottle {
  /** Keyed by event and source: bounded by the sources a relay has (its validators, the store). */
  private readonly logged = new Map<string, { atMs: number; repeated: number }>();

  constructor(
    private readonly log: LogFn,
    private readonly everyMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  warn(event: string, source: string, fields: Record<string, unknown>): void {
    const now = this.now();
    const key = `${event} ${source}`;
    const last = this.logged.get(key);
    if (last !== undefined && now - last.atMs < this.everyMs) {
      last.repeated++;
      return;
    }
    this.log("warn", event, last?.repeated ? { ...fields, repeated: last.repeated } : fields);
    this.logged.set(key, { atMs: now, repeated: 0 });
  }
}
