// What the relay refused (a bundle, a validator's tip claim) since its served height last moved.
// A relay that can verify nothing (a genesis of another chain, validators of another) refuses the
// same thing for ever: each validator's stream on every reconnect, its tip once a second. /readyz
// used to say only "no validator has yet said how far the chain is"; it now adds the latest
// refusal. And the warnings are logged once a minute per kind and source, with the count of those
// not logged in between (`repeated`): the relay_refused_total counter still counts every one.
import type { LogFn } from "../relay.js";

export interface RefusalsOptions {
  log: LogFn;
  /** A kind of refusal from one source is logged at most this often (default 60,000 ms). */
  logEveryMs?: number;
  now?: () => number;
}

export class Refusals {
  private since: { count: number; from: string; what: string } | undefined;
  /** Keyed by event and source: bounded by the validators configured (plus the store). */
  private readonly logged = new Map<string, { atMs: number; repeated: number }>();

  constructor(private readonly o: RefusalsOptions) {}

  /** `from` sent something refused: `what` says why; `fields` are the warning's. */
  note(event: string, from: string, what: string, fields: Record<string, unknown>): void {
    this.since = { count: (this.since?.count ?? 0) + 1, from, what };
    const now = (this.o.now ?? Date.now)();
    const key = `${event} ${from}`;
    const last = this.logged.get(key);
    if (last !== undefined && now - last.atMs < (this.o.logEveryMs ?? 60_000)) {
      last.repeated++;
      return;
    }
    this.o.log("warn", event, last?.repeated ? { ...fields, repeated: last.repeated } : fields);
    this.logged.set(key, { atMs: now, repeated: 0 });
  }

  /** The served height moved: what was refused before no longer explains anything. */
  advanced(): void {
    this.since = undefined;
  }

  /** For /readyz: the refusals since the height last moved, if any. */
  get reason(): string | undefined {
    const s = this.since;
    if (s === undefined) return undefined;
    const times = s.count === 1 ? "once" : `${s.count} times`;
    return `refused what it was sent ${times} since its height last moved, latest from ${s.from}: ${s.what}`;
  }
}
