// sha256 of many messages of any lengths, four lanes at a time: messages of equal length share
// a SIMD pass (a block's transactions, events and account values mostly come in a few lengths).
import { sha256Raw } from "./sha256";
import { sha256x4 } from "./sha256x4";

/**
 * Hashes message i (at load<u32>(ptrs + 4i), load<u32>(lens + 4i) bytes) into out + 32i.
 * Outputs must not overlap inputs.
 */
export function hashMany(ptrs: usize, lens: usize, n: u32, out: usize): void {
  if (n < 4) {
    for (let i: u32 = 0; i < n; i++) sha256Raw(msgPtr(ptrs, i), msgLen(lens, i), out + (<usize>i << 5));
    return;
  }
  // Order by length (index in the low half keeps it deterministic and stable).
  const order = new StaticArray<u64>(<i32>n);
  for (let i: u32 = 0; i < n; i++) unchecked((order[i] = ((<u64>msgLen(lens, i)) << 32) | <u64>i));
  order.sort((a: u64, b: u64): i32 => (a < b ? -1 : a > b ? 1 : 0));
  let k: u32 = 0;
  while (k < n) {
    const len = <u32>(unchecked(order[k]) >> 32);
    let end = k + 1;
    while (end < n && <u32>(unchecked(order[end]) >> 32) == len) end++;
    let i = k;
    for (; i + 4 <= end; i += 4) {
      const a = <u32>unchecked(order[i]);
      const b = <u32>unchecked(order[i + 1]);
      const c = <u32>unchecked(order[i + 2]);
      const d = <u32>unchecked(order[i + 3]);
      sha256x4(msgPtr(ptrs, a), msgPtr(ptrs, b), msgPtr(ptrs, c), msgPtr(ptrs, d), len, outAt(out, a), outAt(out, b), outAt(out, c), outAt(out, d));
    }
    const rest = end - i;
    if (rest == 1) {
      const a = <u32>unchecked(order[i]);
      sha256Raw(msgPtr(ptrs, a), len, outAt(out, a));
    } else if (rest > 1) {
      // Two or three left: one SIMD pass with a repeated lane beats scalar hashes.
      const a = <u32>unchecked(order[i]);
      const b = <u32>unchecked(order[i + 1]);
      const c = <u32>unchecked(order[i + rest - 1]);
      sha256x4(msgPtr(ptrs, a), msgPtr(ptrs, b), msgPtr(ptrs, c), msgPtr(ptrs, c), len, outAt(out, a), outAt(out, b), outAt(out, c), outAt(out, c));
    }
    k = end;
  }
}

@inline function msgPtr(ptrs: usize, i: u32): usize {
  return <usize>load<u32>(ptrs + (<usize>i << 2));
}

@inline function msgLen(lens: usize, i: u32): u32 {
  return load<u32>(lens + (<usize>i << 2));
}

@inline function outAt(out: usize, i: u32): usize {
  return out + (<usize>i << 5);
}

/** A growable list of (pointer, length) pairs in raw memory, for hashMany. */
export class MessageList {
  ptrs: usize;
  lens: usize;
  count: u32 = 0;
  private cap: u32;

  constructor(capacity: u32 = 16) {
    this.cap = capacity;
    this.ptrs = heap.alloc(<usize>capacity << 2);
    this.lens = heap.alloc(<usize>capacity << 2);
  }

  /** Raw memory is not collected: owners that are dropped must call this. */
  free(): void {
    heap.free(this.ptrs);
    heap.free(this.lens);
    this.cap = 0;
    this.count = 0;
  }

  reset(): void {
    this.count = 0;
  }

  push(ptr: usize, len: u32): void {
    if (this.count == this.cap) {
      this.cap <<= 1;
      this.ptrs = heap.realloc(this.ptrs, <usize>this.cap << 2);
      this.lens = heap.realloc(this.lens, <usize>this.cap << 2);
    }
    store<u32>(this.ptrs + (<usize>this.count << 2), <u32>ptr);
    store<u32>(this.lens + (<usize>this.count << 2), len);
    this.count++;
  }

  @inline ptr(i: u32): usize {
    return <usize>load<u32>(this.ptrs + (<usize>i << 2));
  }

  @inline len(i: u32): u32 {
    return load<u32>(this.lens + (<usize>i << 2));
  }

  /** Hashes every message into `out` (count × 32 bytes). */
  hashInto(out: usize): void {
    hashMany(this.ptrs, this.lens, this.count, out);
  }
}
