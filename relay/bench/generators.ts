// The relay benchmark's load generators: child processes (subscribers.ts) that each hold a share of
// the subscribers and answer requests by op ("connect", "record", "status", "collect", "close").
import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { round } from "../../validators/bench/stats.js";
import type { SubscriberClient } from "./subscribers.js";

export interface Reply {
  op: string;
  [k: string]: unknown;
}

export type Request = { op: string; [k: string]: unknown };

const here = fileURLToPath(new URL(".", import.meta.url));

export class Generators {
  readonly procs: ChildProcess[];

  /** `count` generator processes, holding `connections` subscribers between them with `client` sockets. */
  constructor(
    count: number,
    private readonly connections: number,
    private readonly say: (line: string) => void,
    private readonly client: SubscriberClient = "lean",
  ) {
    this.procs = Array.from({ length: count }, () =>
      fork(join(here, "subscribers.ts"), [], { execArgv: ["--import", "tsx"], serialization: "advanced" }),
    );
  }

  get pids(): (number | undefined)[] {
    return this.procs.map((g) => g.pid);
  }

  /** `child`'s answer to `msg` (its next message with the same op). */
  ask<T extends Reply>(child: ChildProcess, msg: Request): Promise<T> {
    return new Promise((resolve) => {
      const on = (m: Reply) => {
        if (m.op !== msg.op) return;
        child.off("message", on);
        resolve(m as T);
      };
      child.on("message", on);
      child.send(msg);
    });
  }

  askAll<T extends Reply>(msg: Request): Promise<T[]> {
    return Promise.all(this.procs.map((g) => this.ask<T>(g, msg)));
  }

  /** Generator i's share of the subscribers. */
  private share(i: number): number {
    const n = this.procs.length;
    return Math.floor(this.connections / n) + (i < this.connections % n ? 1 : 0);
  }

  /**
   * Connects generator g's share to urls[g % urls.length] (one server each, or one per relay), all
   * generators at once, `inFlight` attempts at a time each; how many opened and how long it took.
   */
  async connectAll(urls: string[], inFlight: number): Promise<{ open: number; seconds: number }> {
    const t0 = performance.now();
    const r = await Promise.all(
      this.procs.map((g, i) =>
        this.ask<Reply & { open: number; failed: number }>(g, {
          op: "connect",
          url: urls[i % urls.length],
          count: this.share(i),
          inFlight,
          client: this.client,
        }),
      ),
    );
    const open = r.reduce((a, x) => a + x.open, 0);
    const failed = r.reduce((a, x) => a + x.failed, 0);
    const seconds = (performance.now() - t0) / 1000;
    this.say(`${open} subscribers connected to ${urls.join(" and ")} in ${round(seconds, 1)} s (${failed} failed)`);
    return { open, seconds };
  }

  kill(): void {
    for (const g of this.procs) g.kill();
  }
}
