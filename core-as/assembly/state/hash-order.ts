// Orders entry pointers by the 32-byte key hash each holds (the snapshot's order): a counting sort
// on the hash's leading bits, then each bucket sorted on its own. Key hashes are SHA-256 outputs,
// so a bucket holds about one entry and the whole is linear; a comparison sort over every entry
// was about half of a checkpoint's time on the thread that takes it (docs/benchmarks.md, "Core").
// Keys are chosen by players, who can grind hashes into one bucket: a bucket of more than a few
// entries is heapsorted, so the worst case is O(n log n), not quadratic.

/** Buckets up to this size are insertion-sorted; larger ones heapsorted. */
const SMALL_BUCKET: u32 = 16;

/**
 * Sorts `n` u32 entry pointers at `ptr` by the 32 bytes at `hashOffset` in each entry
 * (memory.compare order), in place.
 */
export function sortByHash(ptr: usize, n: u32, hashOffset: usize): void {
  if (n < 2) return;
  // About one entry a bucket: the leading ceil(log2 n) bits, at most 16.
  const bits: u32 = min<u32>(16, 32 - clz<u32>(n - 1));
  const shift: u32 = 16 - bits;
  const buckets: u32 = 1 << bits;
  // starts[b]: where bucket b begins in the output (then, while placing, where its next entry goes).
  const starts = heap.alloc(<usize>(buckets + 1) << 2);
  memory.fill(starts, 0, <usize>(buckets + 1) << 2);
  for (let i: u32 = 0; i < n; i++) {
    const slot = starts + ((<usize>bucketOf(load<u32>(ptr + (<usize>i << 2)), hashOffset, shift) + 1) << 2);
    store<u32>(slot, load<u32>(slot) + 1);
  }
  for (let b: u32 = 1; b <= buckets; b++) {
    const slot = starts + (<usize>b << 2);
    store<u32>(slot, load<u32>(slot) + load<u32>(slot - 4));
  }
  const sorted = heap.alloc(<usize>n << 2);
  const next = heap.alloc(<usize>buckets << 2);
  memory.copy(next, starts, <usize>buckets << 2);
  for (let i: u32 = 0; i < n; i++) {
    const e = load<u32>(ptr + (<usize>i << 2));
    const slot = next + (<usize>bucketOf(e, hashOffset, shift) << 2);
    const at = load<u32>(slot);
    store<u32>(sorted + (<usize>at << 2), e);
    store<u32>(slot, at + 1);
  }
  heap.free(next);
  for (let b: u32 = 0; b < buckets; b++) {
    const from = load<u32>(starts + (<usize>b << 2));
    const to = load<u32>(starts + (<usize>(b + 1) << 2));
    if (to - from < 2) continue;
    if (to - from <= SMALL_BUCKET) insertionSort(sorted + (<usize>from << 2), to - from, hashOffset);
    else comparisonSort(sorted + (<usize>from << 2), to - from, hashOffset);
  }
  memory.copy(ptr, sorted, <usize>n << 2);
  heap.free(sorted);
  heap.free(starts);
}

/** The leading `16 - shift` bits of an entry's hash. */
@inline function bucketOf(e: u32, hashOffset: usize, shift: u32): u32 {
  const h = <usize>e + hashOffset;
  return ((<u32>load<u8>(h) << 8) | <u32>load<u8>(h, 1)) >> shift;
}

@inline function hashCompare(a: u32, b: u32, hashOffset: usize): i32 {
  return memory.compare(<usize>a + hashOffset, <usize>b + hashOffset, 32);
}

function insertionSort(ptr: usize, n: u32, hashOffset: usize): void {
  for (let i: u32 = 1; i < n; i++) {
    const e = load<u32>(ptr + (<usize>i << 2));
    let j = i;
    while (j > 0 && hashCompare(load<u32>(ptr + (<usize>(j - 1) << 2)), e, hashOffset) > 0) {
      store<u32>(ptr + (<usize>j << 2), load<u32>(ptr + (<usize>(j - 1) << 2)));
      j--;
    }
    store<u32>(ptr + (<usize>j << 2), e);
  }
}

/** A large bucket (ground keys): heapsort, O(n log n) in place. */
function comparisonSort(ptr: usize, n: u32, hashOffset: usize): void {
  for (let i = n >> 1; i > 0; i--) siftDown(ptr, i - 1, n, hashOffset);
  for (let end = n - 1; end > 0; end--) {
    swap(ptr, 0, end);
    siftDown(ptr, 0, end, hashOffset);
  }
}

function siftDown(ptr: usize, root: u32, n: u32, hashOffset: usize): void {
  for (let i = root; ; ) {
    let largest = i;
    const left: u32 = 2 * i + 1;
    if (left < n && hashCompare(at(ptr, left), at(ptr, largest), hashOffset) > 0) largest = left;
    if (left + 1 < n && hashCompare(at(ptr, left + 1), at(ptr, largest), hashOffset) > 0) largest = left + 1;
    if (largest == i) return;
    swap(ptr, i, largest);
    i = largest;
  }
}

@inline function at(ptr: usize, i: u32): u32 {
  return load<u32>(ptr + (<usize>i << 2));
}

@inline function swap(ptr: usize, i: u32, j: u32): void {
  const a = at(ptr, i);
  store<u32>(ptr + (<usize>i << 2), at(ptr, j));
  store<u32>(ptr + (<usize>j << 2), a);
}
