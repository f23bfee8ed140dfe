// /submit's rate limits shared by relays through one real Redis (a throwaway redis-server on
// loopback): two relays' limiters spend one bucket; while Redis is down each relay keeps limiting
// with its own bucket; back up, they share again; a take that meets a silent Redis sends the next
// second's to the relay's own bucket at once. The script is the same token bucket as
// rate-limit.ts, timed by the Redis server's clock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { limiterRedis, SharedRateLimiter } from "../src/api/shared-rate-limit.js";
import { freeBase, waitUntil } from "./support/devnet.js";
import { type RedisServer, redisMissing, startRedis } from "./support/redis.js";

const missing = redisMissing();
if (missing && process.env.CI === "true") throw new Error(missing);
if (missing) console.log(`[relay] shared rate-limit tests not run: ${missing}`);

let redis: RedisServer;
const connections: ReturnType<typeof limiterRedis>[] = [];

function relayLimiter(prefix: string, rate: number, burst: number, fallbacks: { n: number }) {
  const conn = limiterRedis(redis.url, () => {});
  connections.push(conn);
  return { conn, limiter: new SharedRateLimiter(conn, prefix, { rate, burst }, () => fallbacks.n++) };
}

describe.skipIf(missing !== undefined)("shared rate limits", () => {
  beforeAll(async () => {
    redis = await startRedis(await freeBase(1));
  });

  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await redis?.stop();
  });

  it("spend one bucket across relays, fall back to each relay's own while Redis is down, and share again after", async () => {
    const fallbacks = { n: 0 };
    // Two relays, a token every 20 s, burst 3: no take here waits for a refill, however loaded the
    // machine (at 1 a second, a suite run busy enough to stall this test for a second refilled one).
    const a = relayLimiter("nullspace:1:rl:ip:", 0.05, 3, fallbacks);
    const b = relayLimiter("nullspace:1:rl:ip:", 0.05, 3, fallbacks);
    await waitUntil("both limiter connections are ready", () => a.conn.status === "ready" && b.conn.status === "ready");
    const takes = [await a.limiter.take("10.0.0.1"), await b.limiter.take("10.0.0.1"), await a.limiter.take("10.0.0.1")];
    expect(takes).toEqual([0, 0, 0]);
    // The bucket is empty for both: each relay alone would still have allowed 1–2 more.
    const wait = await b.limiter.take("10.0.0.1");
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(await a.limiter.take("10.0.0.1")).toBeGreaterThanOrEqual(1);
    // Another address, another bucket; another chain's prefix, another bucket.
    expect(await a.limiter.take("10.0.0.2")).toBe(0);
    const other = relayLimiter("nullspace:2:rl:ip:", 0.05, 3, fallbacks);
    await waitUntil("the other chain's connection is ready", () => other.conn.status === "ready");
    expect(await other.limiter.take("10.0.0.1")).toBe(0);
    expect(fallbacks.n).toBe(0);

    // Redis dies: answers come at once from each relay's own bucket (burst 3 each), counted as fallbacks.
    await redis.kill();
    await waitUntil("the connections notice", () => a.conn.status !== "ready" && b.conn.status !== "ready");
    const local = [];
    for (let i = 0; i < 4; i++) local.push(await a.limiter.take("10.0.0.9"));
    expect(local).toEqual([0, 0, 0, expect.any(Number)]);
    expect(local[3]).toBeGreaterThanOrEqual(1);
    expect(await b.limiter.take("10.0.0.9")).toBe(0);
    expect(fallbacks.n).toBe(5);

    // Back up: shared again (a fresh server holds no buckets: the first three of the pair pass, the fourth waits).
    await redis.start();
    await waitUntil("both reconnect", () => a.conn.status === "ready" && b.conn.status === "ready", 20_000);
    const again = [await a.limiter.take("10.0.0.7"), await b.limiter.take("10.0.0.7"), await a.limiter.take("10.0.0.7")];
    expect(again).toEqual([0, 0, 0]);
    expect(await b.limiter.take("10.0.0.7")).toBeGreaterThanOrEqual(1);
    expect(fallbacks.n).toBe(5);

    // Redis stops answering (frozen): the take that meets it waits out the command timeout and
    // falls back; for the next second the relay's own bucket answers without asking, even though
    // Redis answers again (thawed at once here); then they share again.
    redis.freeze();
    try {
      expect(await a.limiter.take("10.0.0.5")).toBe(0);
    } finally {
      redis.thaw();
    }
    expect(fallbacks.n).toBe(6);
    expect(await a.limiter.take("10.0.0.5")).toBe(0);
    expect(fallbacks.n).toBe(7); // answered locally: Redis was not asked
    await new Promise((r) => setTimeout(r, 1100));
    expect(await a.limiter.take("10.0.0.5")).toBe(0);
    expect(fallbacks.n).toBe(7);
  }, 60_000);
});
