// The wait before a rebuild: none for a first failure or one after progress, then 1 s, 2 s, 4 s, …
// capped, for failures that come back with nothing served since; a wait ends early when woken.
import { describe, expect, it } from "vitest";
import { RebuildBackoff } from "../src/chain/rebuild-backoff.js";

describe("rebuild backoff", () => {
  it("waits longer for each failure with nothing served since, up to the cap, and not after progress", () => {
    const b = new RebuildBackoff(5000);
    expect([10n, 10n, 10n, 9n, 10n, 10n].map((h) => b.failed(h))).toEqual([0, 1000, 2000, 4000, 5000, 5000]);
    expect(b.failed(11n)).toBe(0); // a height served since: a new fault
    expect(b.failed(11n)).toBe(1000);
  });

  it("ends a wait when woken (the relay stops), and waits nothing for 0", async () => {
    const b = new RebuildBackoff();
    const started = performance.now();
    const waiting = b.wait(60_000);
    setTimeout(() => b.wakeAll(), 20);
    await waiting;
    await b.wait(0);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
