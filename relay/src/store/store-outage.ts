// How the relay's pipeline rides out a database it cannot reach (a PostgreSQL restart or failover):
// the step that met StoreUnavailable is tried again, with a growing pause, until it succeeds or the
// relay stops. The verified chain and the live subscribers are kept meanwhile: nothing new is
// served before it is stored (the relay's heights stay behind, and /readyz says why), and nothing
// already served is served again. Other errors are not retried here.
import { StoreUnavailable } from "./db.js";

export interface StoreOutageOptions {
  log: (level: "info" | "warn" | "error", event: string, fields?: Record<string, unknown>) => void;
  /** Told when the store becomes unreachable (false) and reachable again (true). */
  onAvailable: (available: boolean) => void;
  /** Whether the relay is stopping: the step then fails instead of waiting. */
  isStopped: () => boolean;
  /** First and longest pause between tries (default 100 ms and 1,000 ms). */
  firstPauseMs?: number;
  maxPauseMs?: number;
}

export class StoreOutage {
  /** When the current outage began (Date.now()), undefined while the store answers. */
  since: number | undefined;
  /** What the last failed try said. */
  lastError = "";
  private tries = 0;

  constructor(private readonly o: StoreOutageOptions) {}

  /** Runs `step`, again and again while it fails with StoreUnavailable; `what` names it in logs. */
  async retry<T>(what: string, step: () => Promise<T>): Promise<T> {
    let pause = this.o.firstPauseMs ?? 100;
    for (;;) {
      try {
        const out = await step();
        this.recovered();
        return out;
      } catch (e) {
        if (!(e instanceof StoreUnavailable) || this.o.isStopped()) throw e;
        this.failed(what, e);
      }
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(2 * pause, this.o.maxPauseMs ?? 1000);
    }
  }

  private failed(what: string, e: StoreUnavailable): void {
    this.lastError = e.message;
    this.tries++;
    if (this.since === undefined) {
      this.since = Date.now();
      this.o.onAvailable(false);
      this.o.log("error", "store_unavailable", { during: what, message: e.message });
    } else if (this.tries % 30 === 0) {
      this.o.log("warn", "store_still_unavailable", { during: what, message: e.message, seconds: this.downSeconds() });
    }
  }

  private recovered(): void {
    if (this.since === undefined) return;
    this.o.log("info", "store_available", { seconds: this.downSeconds(), tries: this.tries });
    this.since = undefined;
    this.tries = 0;
    this.o.onAvailable(true);
  }

  /** Seconds since the outage began (0 when there is none). */
  downSeconds(): number {
    return this.since === undefined ? 0 : Math.round((Date.now() - this.since) / 100) / 10;
  }
}
