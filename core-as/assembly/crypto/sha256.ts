// SHA-256 (FIPS 180-4) inside the wasm, so the state machine needs no host crypto.
// Hot path of every commitment: words are read with load<u32> + bswap and the 64 rounds work
// on locals; the message schedule lives in a fixed scratch area.

/** The 64 round constants of FIPS 180-4 (shared with the 4-lane hasher). */
export const K: usize = memory.data<u32>([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const W: usize = memory.data(256);
const H: usize = memory.data(32);
const TAIL: usize = memory.data(128);

@inline function rotr(x: u32, n: u32): u32 {
  return (x >>> n) | (x << (32 - n));
}

/** Runs the compression function over `blocks` 64-byte blocks at `p`, updating state at H. */
function compress(p: usize, blocks: usize): void {
  let h0 = load<u32>(H, 0), h1 = load<u32>(H, 4), h2 = load<u32>(H, 8), h3 = load<u32>(H, 12);
  let h4 = load<u32>(H, 16), h5 = load<u32>(H, 20), h6 = load<u32>(H, 24), h7 = load<u32>(H, 28);
  for (let b: usize = 0; b < blocks; b++) {
    for (let i: usize = 0; i < 16; i++) {
      store<u32>(W + (i << 2), bswap<u32>(load<u32>(p + (i << 2))));
    }
    for (let i: usize = 16; i < 64; i++) {
      const w15 = load<u32>(W + ((i - 15) << 2));
      const w2 = load<u32>(W + ((i - 2) << 2));
      const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
      const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
      store<u32>(W + (i << 2), load<u32>(W + ((i - 16) << 2)) + s0 + load<u32>(W + ((i - 7) << 2)) + s1);
    }
    let a = h0, bb = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    let t: u32 = 0;
    // Eight rounds per pass with the roles of the variables rotated, so no value is moved.
    for (let i: usize = 0; i < 64; i += 8) {
      t = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + load<u32>(K + ((i + 0) << 2)) + load<u32>(W + ((i + 0) << 2));
      d += t;
      h = t + (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & bb) ^ (a & c) ^ (bb & c));
      t = g + (rotr(d, 6) ^ rotr(d, 11) ^ rotr(d, 25)) + ((d & e) ^ (~d & f)) + load<u32>(K + ((i + 1) << 2)) + load<u32>(W + ((i + 1) << 2));
      c += t;
      g = t + (rotr(h, 2) ^ rotr(h, 13) ^ rotr(h, 22)) + ((h & a) ^ (h & bb) ^ (a & bb));
      t = f + (rotr(c, 6) ^ rotr(c, 11) ^ rotr(c, 25)) + ((c & d) ^ (~c & e)) + load<u32>(K + ((i + 2) << 2)) + load<u32>(W + ((i + 2) << 2));
      bb += t;
      f = t + (rotr(g, 2) ^ rotr(g, 13) ^ rotr(g, 22)) + ((g & h) ^ (g & a) ^ (h & a));
      t = e + (rotr(bb, 6) ^ rotr(bb, 11) ^ rotr(bb, 25)) + ((bb & c) ^ (~bb & d)) + load<u32>(K + ((i + 3) << 2)) + load<u32>(W + ((i + 3) << 2));
      a += t;
      e = t + (rotr(f, 2) ^ rotr(f, 13) ^ rotr(f, 22)) + ((f & g) ^ (f & h) ^ (g & h));
      t = d + (rotr(a, 6) ^ rotr(a, 11) ^ rotr(a, 25)) + ((a & bb) ^ (~a & c)) + load<u32>(K + ((i + 4) << 2)) + load<u32>(W + ((i + 4) << 2));
      h += t;
      d = t + (rotr(e, 2) ^ rotr(e, 13) ^ rotr(e, 22)) + ((e & f) ^ (e & g) ^ (f & g));
      t = c + (rotr(h, 6) ^ rotr(h, 11) ^ rotr(h, 25)) + ((h & a) ^ (~h & bb)) + load<u32>(K + ((i + 5) << 2)) + load<u32>(W + ((i + 5) << 2));
      g += t;
      c = t + (rotr(d, 2) ^ rotr(d, 13) ^ rotr(d, 22)) + ((d & e) ^ (d & f) ^ (e & f));
      t = bb + (rotr(g, 6) ^ rotr(g, 11) ^ rotr(g, 25)) + ((g & h) ^ (~g & a)) + load<u32>(K + ((i + 6) << 2)) + load<u32>(W + ((i + 6) << 2));
      f += t;
      bb = t + (rotr(c, 2) ^ rotr(c, 13) ^ rotr(c, 22)) + ((c & d) ^ (c & e) ^ (d & e));
      t = a + (rotr(f, 6) ^ rotr(f, 11) ^ rotr(f, 25)) + ((f & g) ^ (~f & h)) + load<u32>(K + ((i + 7) << 2)) + load<u32>(W + ((i + 7) << 2));
      e += t;
      a = t + (rotr(bb, 2) ^ rotr(bb, 13) ^ rotr(bb, 22)) + ((bb & c) ^ (bb & d) ^ (c & d));
    }
    h0 += a; h1 += bb; h2 += c; h3 += d; h4 += e; h5 += f; h6 += g; h7 += h;
    p += 64;
  }
  store<u32>(H, h0, 0); store<u32>(H, h1, 4); store<u32>(H, h2, 8); store<u32>(H, h3, 12);
  store<u32>(H, h4, 16); store<u32>(H, h5, 20); store<u32>(H, h6, 24); store<u32>(H, h7, 28);
}

@inline function init(): void {
  store<u32>(H, 0x6a09e667, 0); store<u32>(H, 0xbb67ae85, 4);
  store<u32>(H, 0x3c6ef372, 8); store<u32>(H, 0xa54ff53a, 12);
  store<u32>(H, 0x510e527f, 16); store<u32>(H, 0x9b05688c, 20);
  store<u32>(H, 0x1f83d9ab, 24); store<u32>(H, 0x5be0cd19, 28);
}

/** Pads the last partial block (already copied to TAIL, `rem` bytes) and writes the digest. */
function finish(rem: usize, total: u64, out: usize): void {
  store<u8>(TAIL + rem, 0x80);
  let n = rem + 1;
  const blocks: usize = n > 56 ? 2 : 1;
  memory.fill(TAIL + n, 0, (blocks << 6) - 8 - n);
  store<u64>(TAIL + (blocks << 6) - 8, bswap<u64>(total << 3));
  compress(TAIL, blocks);
  for (let i: usize = 0; i < 8; i++) store<u32>(out + (i << 2), bswap<u32>(load<u32>(H + (i << 2))));
}

/** sha256 of `len` bytes at `p`, written to 32 bytes at `out`. */
export function sha256Raw(p: usize, len: usize, out: usize): void {
  init();
  const full = len >> 6;
  compress(p, full);
  const rem = len & 63;
  memory.copy(TAIL, p + (full << 6), rem);
  finish(rem, <u64>len, out);
}

/**
 * sha256(prefix ‖ a[32] ‖ b[32]) into `out`: the node hash of every Merkle structure here
 * (prefix 0x01 for inner nodes). `out` may alias `a` or `b`.
 */
export function hashNode(prefix: u8, a: usize, b: usize, out: usize): void {
  init();
  store<u8>(TAIL, prefix);
  memory.copy(TAIL + 1, a, 32);
  memory.copy(TAIL + 33, b, 31);
  compress(TAIL, 1);
  store<u8>(TAIL, load<u8>(b + 31));
  finish(1, 65, out);
}

/** sha256(prefix ‖ data[len]) into `out`. */
export function hashPrefixed(prefix: u8, p: usize, len: usize, out: usize): void {
  const s = new Sha256();
  s.updateByte(prefix);
  s.update(p, len);
  s.digestTo(out);
}

/** Incremental sha256 for messages assembled from pieces. */
export class Sha256 {
  private state: StaticArray<u32> = new StaticArray<u32>(8);
  private buf: StaticArray<u8> = new StaticArray<u8>(64);
  private fill: usize = 0;
  private total: u64 = 0;

  constructor() {
    this.reset();
  }

  reset(): Sha256 {
    init();
    memory.copy(changetype<usize>(this.state), H, 32);
    this.fill = 0;
    this.total = 0;
    return this;
  }

  updateByte(b: u8): Sha256 {
    const tmp = memory.data(1);
    store<u8>(tmp, b);
    return this.update(tmp, 1);
  }

  update(p: usize, len: usize): Sha256 {
    if (len == 0) return this;
    this.total += <u64>len;
    const st = changetype<usize>(this.state);
    const buf = changetype<usize>(this.buf);
    memory.copy(H, st, 32);
    if (this.fill > 0) {
      const take = min<usize>(64 - this.fill, len);
      memory.copy(buf + this.fill, p, take);
      this.fill += take;
      p += take;
      len -= take;
      if (this.fill == 64) {
        compress(buf, 1);
        this.fill = 0;
      }
    }
    const full = len >> 6;
    if (full > 0) compress(p, full);
    const rem = len & 63;
    if (rem > 0) {
      memory.copy(buf, p + (full << 6), rem);
      this.fill = rem;
    }
    memory.copy(st, H, 32);
    return this;
  }

  updateBytes(b: Uint8Array): Sha256 {
    return this.update(b.dataStart, <usize>b.length);
  }

  digestTo(out: usize): void {
    memory.copy(H, changetype<usize>(this.state), 32);
    memory.copy(TAIL, changetype<usize>(this.buf), this.fill);
    finish(this.fill, this.total, out);
  }

  digest(): Uint8Array {
    const out = new Uint8Array(32);
    this.digestTo(out.dataStart);
    return out;
  }
}

export function sha256(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  sha256Raw(data.dataStart, <usize>data.length, out.dataStart);
  return out;
}
