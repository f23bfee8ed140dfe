// Rate limits shared by every relay on one Redis (docs/decisions/015-shared-rate-limits.md): the
// same token bucket as rate-limit.ts, kept in Redis and updated by one script, so N relays behind
// a load balancer allow what one would, not N times as much. Time is the Redis server's (TIME),
// so relays with skewed clocks agree. While Redis cannot answer, each relay falls back to its own
// in-process bucket: limits stay on (per relay), submissions never wait on a dead Redis.
import { Redis } from "ioredis";
import { dropWhenSilent } from "../bus/redis-liveness.js";
import { RateLimiter, type RateLimitOptions } from "./rate-limit.js";

/** Takes one token; returns the seconds to wait (0: allowed). An expired bucket is a full one. */
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local v = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(v[1])
local at = tonumber(v[2])
if tokens == nil or at == nil then tokens = burst; at = now end
if now > at then tokens = math.min(burst, tokens + (now - at) / 1000 * rate) end
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.max(1, math.ceil((1 - tokens) / rate)) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return wait
`;

export interface Limiter {
  /** Takes one token for `key`: 0 when allowed, else the seconds to wait. */
  take(key: string): number | Promise<number>;
}

type WithTake = Redis & { nullspaceTake(key: string, rate: number, burst: number): Promise<number> };

/** A connection for the limiters of one relay: commands fail at once while it is down (no queue). */
export function limiterRedis(url: string, log: (event: string, fields: Record<string, unknown>) => void): WithTake {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 250,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2_000),
    lazyConnect: false,
  });
  redis.on("error", (e) => log("limiter_redis_error", { message: e.message }));
  // A silent server would fail every take after commandTimeout while its commands pile up in the
  // socket: dropped and reconnected instead (not ready meanwhile: the local buckets answer at once).
  const stopPings = dropWhenSilent(redis, 1000, () => log("limiter_redis_silent", {}));
  redis.once("end", stopPings);
  redis.defineCommand("nullspaceTake", { numberOfKeys: 1, lua: TAKE });
  return redis as WithTake;
}

/** After a failed take, how long the local bucket answers without asking Redis. */
const LOCAL_AFTER_FAILURE_MS = 1000;

export class SharedRateLimiter implements Limiter {
  private readonly local: RateLimiter;
  /** Until when (Date.now()) takes go to the local bucket without asking Redis. */
  private localUntil = 0;

  /** `prefix` separates chains and limit kinds (e.g. `nullspace:1337:0123456789abcdef:rl:ip:`). */
  constructor(
    private readonly redis: WithTake,
    private readonly prefix: string,
    private readonly o: RateLimitOptions,
    private readonly onFallback: () => void = () => {},
  ) {
    this.local = new RateLimiter(o);
  }

  async take(key: string): Promise<number> {
    if (this.redis.status !== "ready" || Date.now() < this.localUntil) return this.fallback(key);
    try {
      return Number(await this.redis.nullspaceTake(this.prefix + key, this.o.rate, this.o.burst));
    } catch {
      // Redis did not answer in time (or at all): the next second's submissions use the local
      // bucket at once instead of each waiting out the command timeout, until the connection is
      // found silent and dropped (redis-liveness.ts) or answers again.
      this.localUntil = Date.now() + LOCAL_AFTER_FAILURE_MS;
      return this.fallback(key);
    }
  }

  private fallback(key: string): number {
    this.onFallback();
    return this.local.take(key);
  }
}
