// The most recent heights' bundles as /log writes them (JSON strings of lowercase hex), kept from
// the heights this relay verified and applied itself. A crowd reconnecting after a restart or a
// failover asks /log for the same few recent heights thousands of times: each answer from the
// store cost a store round trip, hex encoding and JSON serialization of ~141 KiB on the relay's
// main thread (benchmarks.md, "GET /log for a crowd catching up"); from here it is a string join.
// The heights held are contiguous: a height that does not follow the newest (a rebuild from
// genesis) starts the window again.

export interface RecentBundlesOptions {
  /** Heights held at most (default 1,024: four /log answers of 256). */
  maxHeights?: number;
  /** Bundle bytes held at most (default 16 MiB; their hex is twice that). */
  maxBytes?: number;
}

interface Held {
  /** `"<hex>"`: a JSON string, ready to join. */
  json: string;
  bytes: number;
}

export class RecentBundles {
  readonly maxHeights: number;
  readonly maxBytes: number;
  private readonly held = new Map<bigint, Held>();
  private lo = 0n;
  private hi = -1n;
  private bytes = 0;

  constructor(o: RecentBundlesOptions = {}) {
    this.maxHeights = o.maxHeights ?? 1024;
    this.maxBytes = o.maxBytes ?? 16 * 1024 * 1024;
  }

  /** The lowest and highest height held (undefined when none). */
  get window(): { from: bigint; to: bigint } | undefined {
    return this.held.size > 0 ? { from: this.lo, to: this.hi } : undefined;
  }

  /** Whether a height applied now would be held at all (replaying a long store, most are not). */
  wouldHold(height: bigint, tip: bigint): boolean {
    return this.maxHeights > 0 && height + BigInt(this.maxHeights) > tip;
  }

  /** A height this relay verified and applied, with its bundle's bytes. */
  add(height: bigint, bundle: Uint8Array): void {
    if (this.maxHeights === 0 || bundle.length > this.maxBytes) {
      this.clear(); // not held, so the window cannot go on past it
      return;
    }
    if (this.held.size > 0 && height !== this.hi + 1n) this.clear();
    if (this.held.size === 0) this.lo = height;
    this.hi = height;
    this.held.set(height, { json: bundleJson(bundle), bytes: bundle.length });
    this.bytes += bundle.length;
    while (this.held.size > this.maxHeights || this.bytes > this.maxBytes) {
      this.bytes -= (this.held.get(this.lo) as Held).bytes;
      this.held.delete(this.lo);
      this.lo += 1n;
    }
  }

  /**
   * Heights `from`..`to` as /log writes them, cut as /log cuts (after the first bundle, none that
   * would take the answer's bundle bytes past `maxBytes`) and at the newest held, as the store cuts
   * at the newest stored (the height being stored is applied but not yet held); undefined unless
   * `from` is held.
   */
  range(from: bigint, to: bigint, maxBytes: number): { json: string[]; to: bigint } | undefined {
    if (this.held.size === 0 || from > to || from < this.lo || from > this.hi) return undefined;
    if (to > this.hi) to = this.hi;
    const heights: bigint[] = [];
    for (let h = from; h <= to; h++) heights.push(h);
    const kept = cutToBytes(heights, (h) => (this.held.get(h) as Held).bytes, maxBytes);
    return { json: kept.map((h) => (this.held.get(h) as Held).json), to: kept.at(-1) ?? from - 1n };
  }

  clear(): void {
    this.held.clear();
    this.bytes = 0;
    this.lo = 0n;
    this.hi = -1n;
  }
}

/** A bundle as /log writes it: a JSON string of lowercase hex. */
export function bundleJson(bundle: Uint8Array): string {
  return `"${Buffer.from(bundle.buffer, bundle.byteOffset, bundle.byteLength).toString("hex")}"`;
}

/** /log's answer, from bundles already written by `bundleJson`; `to` is the last height included. */
export function logAnswerJson(from: bigint, to: bigint, tip: bigint, bundles: readonly string[]): string {
  return `{"from":"${from}","to":"${to}","tip":"${tip}","bundles":[${bundles.join(",")}]}`;
}

/** The first items whose bytes stay within `maxBytes`, and always the first: /log's cut (the client asks again from `to + 1`). */
export function cutToBytes<T>(items: readonly T[], bytesOf: (item: T) => number, maxBytes: number): T[] {
  const kept: T[] = [];
  let bytes = 0;
  for (const item of items) {
    bytes += bytesOf(item);
    if (kept.length > 0 && bytes > maxBytes) break;
    kept.push(item);
  }
  return kept;
}
