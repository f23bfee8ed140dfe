// The relay process's own health beside its work, read at each scrape of /metrics: event-loop lag
// (how late a 10 ms timer fires, the worst of the last 0.5–1 s: a relay whose loop runs late sends
// updates and answers late, whatever else looks fine), resident memory, CPU time, open descriptors
// (every connection is one: compare with maxConnections and the process's limit) and the JS heap.
import { readdirSync } from "node:fs";
import { LoopLag } from "@nullspace/core/node";
import type { RelayMetrics } from "./metrics.js";

export class ProcessMetrics {
  private readonly lag = new LoopLag().start();
  private cpuCountedUs = 0;

  constructor(private readonly m: RelayMetrics) {}

  /** Sets the gauges and advances the CPU counter to now. */
  update(): void {
    const mem = process.memoryUsage();
    this.m.loopLag.set(this.lag.recentMs / 1000);
    this.m.residentBytes.set(mem.rss);
    this.m.heapUsedBytes.set(mem.heapUsed);
    const cpu = process.cpuUsage();
    const us = cpu.user + cpu.system;
    this.m.cpuSeconds.inc({}, (us - this.cpuCountedUs) / 1e6);
    this.cpuCountedUs = us;
    const fds = openDescriptors();
    if (fds !== undefined) this.m.openFds.set(fds);
  }

  stop(): void {
    this.lag.stop();
  }
}

/** Open file descriptors of this process (Linux /proc), or undefined where there is no /proc. */
function openDescriptors(): number | undefined {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return undefined;
  }
}
