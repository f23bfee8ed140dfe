// Latency histograms that several load-generator processes can merge: 0.1 ms buckets, so a
// quantile over millions of frames costs a sort of a few thousand keys instead of the samples.

export type Histogram = Map<number, number>;

const PER_MS = 10;

export function record(h: Histogram, ms: number): void {
  const k = Math.max(0, Math.round(ms * PER_MS));
  h.set(k, (h.get(k) ?? 0) + 1);
}

export function merge(into: Histogram, from: Iterable<[number, number]>): Histogram {
  for (const [k, n] of from) into.set(k, (into.get(k) ?? 0) + n);
  return into;
}

export function count(h: Histogram): number {
  let n = 0;
  for (const c of h.values()) n += c;
  return n;
}

/** Nearest-rank quantile in ms (q in (0, 1]); NaN when empty. */
export function quantileOf(h: Histogram, q: number): number {
  const total = count(h);
  if (total === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const k of [...h.keys()].sort((a, b) => a - b)) {
    seen += h.get(k) as number;
    if (seen >= rank) return k / PER_MS;
  }
  return Number.NaN;
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes of one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Height (or baseline sequence number) of an update frame: `u8 version ‖ varint height ‖ …`. */
export function frameHeight(frame: Uint8Array): number {
  let h = 0;
  let scale = 1;
  for (let i = 1; i < frame.length && i < 10; i++) {
    const b = frame[i] as number;
    h += (b & 0x7f) * scale;
    if (b < 0x80) return h;
    scale *= 128;
  }
  return -1;
}
