// Token buckets by key (remote address, account): `rate` tokens a second up to `burst`. Remembers
// at most `maxKeys` keys (least recently used forgotten, which can only be generous), so a flood of
// distinct keys costs bounded memory.

export interface RateLimitOptions {
  rate: number;
  burst: number;
  maxKeys?: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly maxKeys: number;

  constructor(
    private readonly o: RateLimitOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(o.rate > 0) || !(o.burst >= 1)) throw new RangeError("rate must be > 0 and burst ≥ 1");
    this.maxKeys = o.maxKeys ?? 65_536;
  }

  /** Takes one token for `key`: 0 when allowed, else the seconds to wait. */
  take(key: string): number {
    const t = this.now();
    let b = this.buckets.get(key);
    if (b) {
      this.buckets.delete(key); // re-insert: the map's order is least recently used first
      b.tokens = Math.min(this.o.burst, b.tokens + ((t - b.at) / 1000) * this.o.rate);
      b.at = t;
    } else {
      b = { tokens: this.o.burst, at: t };
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    }
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.o.rate));
  }
}
