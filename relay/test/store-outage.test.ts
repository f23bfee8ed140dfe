// The pipeline's retry of store steps (src/store/store-outage.ts) and the classification of
// database errors it relies on (asStoreError); postgres.test.ts crashes a real server under relays.
import { describe, expect, it } from "vitest";
import { asStoreError, StoreUnavailable } from "../src/store/db.js";
import { StoreOutage } from "../src/store/store-outage.js";

const unavailable = () => new StoreUnavailable("connect ECONNREFUSED 127.0.0.1:5432");

function outage(stopped = () => false) {
  const events: string[] = [];
  const o = new StoreOutage({
    log: (level, event) => events.push(`${level} ${event}`),
    onAvailable: (up) => events.push(up ? "up" : "down"),
    isStopped: stopped,
    firstPauseMs: 1,
    maxPauseMs: 4,
  });
  return { o, events };
}

describe("StoreOutage", () => {
  it("retries a step while the store is unreachable, says so once, and once when it is back", async () => {
    const { o, events } = outage();
    let calls = 0;
    const out = await o.retry("store", async () => {
      if (++calls <= 40) throw unavailable();
      return "stored";
    });
    expect([out, calls]).toEqual(["stored", 41]);
    expect(events).toEqual(["down", "error store_unavailable", "warn store_still_unavailable", "info store_available", "up"]);
    expect(o.since).toBeUndefined();
  });

  it("passes any other error straight through, untried again", async () => {
    const { o, events } = outage();
    let calls = 0;
    const failing = o.retry("store", async () => {
      calls++;
      throw new Error('duplicate key value violates unique constraint "heights_pkey"');
    });
    await expect(failing).rejects.toThrow("duplicate key");
    expect([calls, events]).toEqual([1, []]);
  });

  it("gives up when the relay stops, with the store's error", async () => {
    let stopping = false;
    const { o } = outage(() => stopping);
    let calls = 0;
    const step = o.retry("replay", async () => {
      if (++calls === 3) stopping = true;
      throw unavailable();
    });
    await expect(step).rejects.toBeInstanceOf(StoreUnavailable);
    expect(calls).toBe(3);
    expect(o.since).toBeDefined(); // still down: /readyz keeps saying so until the relay is gone
  });
});

describe("asStoreError", () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
  it("takes lost and refused connections for an unreachable store", () => {
    for (const e of [
      withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"),
      withCode("read ECONNRESET", "ECONNRESET"),
      withCode("terminating connection due to administrator command", "57P01"),
      withCode("the database system is starting up", "57P03"),
      withCode("connection failure", "08006"),
      new Error("Connection terminated unexpectedly"),
      new Error("timeout exceeded when trying to connect"),
    ])
      expect(asStoreError(e), e.message).toBeInstanceOf(StoreUnavailable);
  });

  it("takes a resource run out (a full disk above all) for an unavailable store", () => {
    for (const e of [
      // What PGlite and PostgreSQL say when a height's rows do not fit on the disk.
      withCode('could not extend file "base/5/16395": No space left on device', "53100"),
      withCode("out of memory", "53200"),
      withCode("sorry, too many clients already", "53300"),
      withCode("ENOSPC: no space left on device, write", "ENOSPC"),
      withCode("EDQUOT: disk quota exceeded, write", "EDQUOT"),
    ])
      expect(asStoreError(e), e.message).toBeInstanceOf(StoreUnavailable);
  });

  it("leaves failed statements and non-errors as they are", () => {
    for (const e of [
      withCode('duplicate key value violates unique constraint "heights_pkey"', "23505"),
      withCode('relation "heights" does not exist', "42P01"),
      withCode("canceling statement due to statement timeout", "57014"),
      new TypeError("not an integer column: x"),
      "a string",
    ])
      expect(asStoreError(e)).toBe(e);
  });
});
