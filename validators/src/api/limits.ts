// Per-address guards of the API: a token bucket of requests and a count of open connections.
// Addresses are the socket's remote address: the validator API is for relays and operators that
// connect directly, so no X-Forwarded-For is trusted (anyone could forge it).

import { ApiConfigError } from "./errors.js";

export interface RateLimitOptions {
  /** Tokens added per second (sustained requests per second per address). */
  ratePerSecond: number;
  /** Bucket size (requests an idle address may send at once). */
  burst: number;
  /** Addresses remembered; past it the least recently seen is forgotten (default 65,536). */
  maxAddresses?: number;
  /** Monotonic milliseconds. */
  now: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly rate: number;
  private readonly burst: number;
  private readonly maxAddresses: number;
  private readonly now: () => number;
  /** Least recently seen first (re-inserted on every use), so eviction takes the first key. */
  private readonly buckets = new Map<string, Bucket>();

  constructor(o: RateLimitOptions) {
    this.rate = positiveNumber("rateLimit.ratePerSecond", o.ratePerSecond);
    this.burst = positiveNumber("rateLimit.burst", o.burst);
    this.maxAddresses = positiveNumber("rateLimit.maxAddresses", o.maxAddresses ?? 65_536);
    this.now = o.now;
  }

  /**
   * Spends one token of `address`: 0 when the request may proceed, else the seconds until a token
   * is back (for Retry-After). A refused request spends nothing, so a flood does not push its own
   * wait further out; the bucket alone paces it.
   */
  take(address: string): number {
    const now = this.now();
    let b = this.buckets.get(address);
    if (b === undefined) {
      b = { tokens: this.burst, at: now };
      if (this.buckets.size >= this.maxAddresses) {
        const oldest = this.buckets.keys().next();
        if (!oldest.done) this.buckets.delete(oldest.value);
      }
    } else {
      this.buckets.delete(address);
      b.tokens = Math.min(this.burst, b.tokens + (Math.max(0, now - b.at) / 1000) * this.rate);
      b.at = now;
    }
    this.buckets.set(address, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (1 - b.tokens) / this.rate;
  }

  /** Addresses currently remembered. */
  get size(): number {
    return this.buckets.size;
  }
}

/** Open connections in total and per address. */
export class ConnectionCounter {
  private readonly perAddress = new Map<string, number>();
  private total = 0;

  constructor(
    readonly max: number,
    readonly maxPerAddress: number,
  ) {
    positiveNumber("maxConnections", max);
    positiveNumber("maxConnectionsPerIp", maxPerAddress);
  }

  /** Counts a new connection, or returns false (and counts nothing) when a cap is reached. */
  open(address: string): boolean {
    const mine = this.perAddress.get(address) ?? 0;
    if (this.total >= this.max || mine >= this.maxPerAddress) return false;
    this.perAddress.set(address, mine + 1);
    this.total++;
    return true;
  }

  close(address: string): void {
    const mine = this.perAddress.get(address);
    if (mine === undefined) return;
    if (mine <= 1) this.perAddress.delete(address);
    else this.perAddress.set(address, mine - 1);
    this.total--;
  }

  get count(): number {
    return this.total;
  }
}

export function positiveNumber(option: string, value: number): number {
  if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value)) {
    throw new ApiConfigError(option, `must be a positive number, got ${value}`);
  }
  return value;
}
