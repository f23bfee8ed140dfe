// The relay process's own metrics (src/api/process-metrics.ts), read as /metrics reads them: a
// loop held busy shows as lag and as CPU time, opened sockets as descriptors.
import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { describe, expect, it } from "vitest";
import { Registry, relayMetrics } from "../src/api/metrics.js";
import { ProcessMetrics } from "../src/api/process-metrics.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("process metrics", () => {
  it("report a blocked event loop, CPU time, open descriptors and memory", async () => {
    const registry = new Registry();
    const m = relayMetrics(registry);
    const probe = new ProcessMetrics(m);
    const servers: Server[] = [];
    try {
      await sleep(50);
      probe.update();
      const cpuBefore = m.cpuSeconds.get();
      const fdsBefore = m.openFds.get();
      // Hold the event loop 0.3 s by both clocks (cpuUsage counts every thread; the lag is wall time).
      const start = process.cpuUsage();
      const held = () => {
        const used = process.cpuUsage(start);
        return used.user + used.system;
      };
      const since = performance.now();
      while (held() < 300_000 || performance.now() - since < 300) {}
      await sleep(30);
      for (let i = 0; i < 10; i++) {
        const s = createServer().listen(0, "127.0.0.1");
        await once(s, "listening");
        servers.push(s);
      }
      probe.update();
      expect(m.loopLag.get()).toBeGreaterThanOrEqual(0.28); // its timer was due up to 10 ms before the hold
      expect(m.cpuSeconds.get() - cpuBefore).toBeGreaterThanOrEqual(0.3);
      expect(m.openFds.get()).toBeGreaterThanOrEqual(fdsBefore + 10);
      expect(m.residentBytes.get()).toBeGreaterThan(10 * 2 ** 20);
      expect(m.heapUsedBytes.get()).toBeGreaterThan(2 ** 20);
      const text = registry.render();
      for (const name of ["relay_event_loop_lag_seconds", "process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds"])
        expect(text).toMatch(new RegExp(`^${name} [0-9.e+]+$`, "m"));
    } finally {
      probe.stop();
      for (const s of servers) s.close();
    }
  });
});
