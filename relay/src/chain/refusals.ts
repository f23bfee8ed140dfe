// What the relay refused (a bundle, a validator's tip claim) since its served height last moved.
// A relay that can verify nothing (a genesis of another chain, validators of another) refuses the
// same thing for ever: each validator's stream on every reconnect, its tip once a second. /readyz
// used to say only "no validator has yet said how far the chain is"; it now adds the latest
// refusal. And the warnings are logged once a minute per kind and source, with the count of those
// not logged in between (`repeated`): the relay_refused_total counter still counts every one.
import { LogThrottle } from "../log-throttle.js";
import type { LogFn } from "../relay.js";

export interface RefusalsOptions {
  log: LogFn;
  /** A kind of refusal from one source is logged at most this often (default 60,000 ms). */
  logEveryMs?: number;
  now?: () => number;
}

export class Refusals {
  private since: { count: number; from: string; what: string } | undefined;
  private readonly warnings: LogThrottle;

  constructor(o: RefusalsOptions) {
    this.warnings = new LogThrottle(o.log, o.logEveryMs ?? 60_000, o.now ?? Date.now);
  }

  /** `from` sent something refused: `what` says why; `fields` are the warning's. */
  note(event: string, from: string, what: string, fields: Record<string, unknown>): void {
    this.since = { count: (this.since?.count ?? 0) + 1, from, what };
    this.warnings.warn(event, from, fields);
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
