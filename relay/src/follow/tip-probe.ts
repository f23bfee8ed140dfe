// How far the chain is, asked of a validator every second (the one followed, or one a store-fed
// relay picks: follow/height-sources.ts) and of another every fifth round (the cross-check): its
// /readyz says the height it has finalized, and /blocks/<that height> brings the bundle whose
// finalization certificate proves it (TipClaims checks the claim; this only fetches it). A
// validator's stream sends heights in order, so from the stream alone a relay catching up knows
// only how far it has read: one that restarted 60 heights behind took each height it read for the
// tip, and /readyz said ready while it was still syncing (relay/test/crash.test.ts).
//
// A validator that stops answering (hung, frozen) is left after a few failed rounds, whether or not
// it answered before. One cut off from the others (alive and answering, its finalized height
// standing while the chain goes on) is found out by the cross-check: the tip another validator
// proves puts the relay behind, and its stall check moves on. Asking only the followed validator,
// a relay stood still behind either for good, and said it was ready.
//
// Everything read here is untrusted: an answer that is not of the documented shape, or a bundle
// past `maxBundleBytes`, is ignored.
import { concatBytes } from "@nullspace/core";

export interface TipProbeOptions {
  /** The validator to ask now (API base URL), or undefined to skip the round. */
  source(): string | undefined;
  /** The highest height the relay already takes as reached: a report at or under it is not fetched. */
  tip(): bigint;
  /** Validator `from` reports `height` final, with the bundle it served for it (unverified): resolves once decided. */
  claim(height: bigint, bundle: Uint8Array, from: string): Promise<void>;
  /** Ask this often (default 1,000 ms). */
  intervalMs?: number;
  /** Give up a request after this long (default 2,000 ms). */
  timeoutMs?: number;
  /** The largest bundle read (default 64 MiB, the stream's largest frame). */
  maxBundleBytes?: number;
  /**
   * `from` failed this many rounds in a row (default 5): a validator that streams but will not say
   * how far the chain is would keep the relay from ever being ready, and one that hung would keep
   * it where it is, so the relay moves on to another.
   */
  onSilent?(from: string, rounds: number): void;
  maxSilentRounds?: number;
  /** Another validator to ask every `crossCheckEvery` rounds (default 5), if any: its failures count for nothing. */
  crossCheck?(): string | undefined;
  crossCheckEvery?: number;
}

/** A u64 in canonical decimal, as the validator API writes heights. */
const U64 = /^(0|[1-9][0-9]{0,19})$/;
const U64_MAX = (1n << 64n) - 1n;

/** The finalized height in a validator's /readyz body (200 or 503 alike), if it is one. */
export function finalizedOf(body: unknown): bigint | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const v = (body as { finalized?: unknown }).finalized;
  if (typeof v !== "string" || !U64.test(v)) return undefined;
  const h = BigInt(v);
  return h <= U64_MAX ? h : undefined;
}

export class TipProbe {
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;
  /** When a round of the asked validator last completed (Date.now()), 0 before the first: /readyz refuses a tip gone stale. */
  answeredAtMs = 0;
  private silent = { from: "", rounds: 0 };
  private ticks = 0;
  private isCrossChecking = false;

  constructor(private readonly o: TipProbeOptions) {}

  /**
   * Whether a round has completed: a validator said how far the chain is, and a report past the
   * tip proved itself. Until then the relay cannot tell whether it is synced (/readyz).
   */
  get hasAnswered(): boolean {
    return this.answeredAtMs > 0;
  }

  start(): void {
    if (this.timer) return;
    void this.probe();
    this.timer = setInterval(() => void this.probe(), this.o.intervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One round: ask, and fetch the bundle of a height past the tip. Never throws. */
  async probe(): Promise<void> {
    if (++this.ticks % (this.o.crossCheckEvery ?? 5) === 0) void this.crossCheck();
    const base = this.o.source();
    if (this.inFlight || base === undefined) return;
    this.inFlight = true;
    try {
      if (await this.round(base)) {
        this.answeredAtMs = Date.now();
        this.silent = { from: base, rounds: 0 };
      } else this.noteSilent(base);
    } catch {
      // onSilent threw: the next round tells again (a timer's promise must not reject)
    } finally {
      this.inFlight = false;
    }
  }

  /** One round of another validator than the one asked: only a tip it proves counts. Never throws. */
  private async crossCheck(): Promise<void> {
    const other = this.o.crossCheck?.();
    if (other === undefined || this.isCrossChecking) return;
    this.isCrossChecking = true;
    try {
      await this.round(other);
    } finally {
      this.isCrossChecking = false;
    }
  }

  /** Whether `base` said how far the chain is (and a report past the tip proved itself). */
  private async round(base: string): Promise<boolean> {
    try {
      // /readyz carries the figures whether the validator is ready (200) or not (503).
      const height = finalizedOf(await this.get(`${base}/readyz`, [200, 503], (r) => r.json()));
      if (height === undefined) return false;
      if (height > this.o.tip()) {
        const bundle = await this.get(`${base}/blocks/${height}`, [200], (r) => this.bytesOf(r));
        if (!bundle || bundle.length === 0) return false;
        await this.o.claim(height, bundle, base);
        return this.o.tip() >= height; // refused: it said nothing that holds
      }
      return true;
    } catch {
      return false; // unreachable, slow or unreadable: the stream and the next round go on
    }
  }

  private noteSilent(base: string): void {
    if (this.silent.from !== base) this.silent = { from: base, rounds: 0 };
    if (++this.silent.rounds < (this.o.maxSilentRounds ?? 5)) return;
    this.silent.rounds = 0;
    this.o.onSilent?.(base, this.o.maxSilentRounds ?? 5);
  }

  private async get<T>(url: string, statuses: readonly number[], read: (r: Response) => Promise<T>): Promise<T | undefined> {
    const r = await fetch(url, { signal: AbortSignal.timeout(this.o.timeoutMs ?? 2000) });
    if (!statuses.includes(r.status)) {
      await r.body?.cancel();
      return undefined;
    }
    return read(r);
  }

  /** The body's bytes, or undefined past maxBundleBytes (read no further than that). */
  private async bytesOf(r: Response): Promise<Uint8Array | undefined> {
    const max = this.o.maxBundleBytes ?? 64 * 1024 * 1024;
    if (Number(r.headers.get("content-length") ?? 0) > max) {
      await r.body?.cancel();
      return undefined;
    }
    const reader = r.body?.getReader();
    if (!reader) return undefined;
    const parts: Uint8Array[] = [];
    let length = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.length;
      if (length > max) {
        await reader.cancel();
        return undefined;
      }
      parts.push(value);
    }
    return concatBytes(...parts);
  }
}
