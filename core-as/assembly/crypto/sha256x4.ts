// Four SHA-256 computations at once over wasm SIMD (FIPS 180-4, same digests as sha256.ts).
//
// Lane k of every v128 holds message k's 32-bit word, so one i32x4 instruction advances four
// independent messages. Merkle structures hash many equal-shaped messages whose results do not
// depend on each other (one tree level, a batch of MMR leaves), which is exactly what lanes
// want. All four messages of a group have the same length, so padding and block count are the
// same in every lane and nothing here branches per lane.
//
// wasm SIMD has no rotate: rotr is shr_u | shl (3 instructions), so a 4-lane round costs about
// 1.4 scalar rounds and lanes alone gain about 2.8× (measured in Node 20 and Chromium); node
// hashes gain more from a table for their constant-shaped second block (below).
//
// Loading transposes the messages: each lane's 16 bytes are loaded as one v128 row, byte-swapped
// with one shuffle, and 4 rows × 4 lanes are transposed with 8 unpack-style shuffles (V8 maps
// each to one instruction). Gathering each word lane by lane (load32_zero + 3 × load32_lane)
// measured ~2% slower. The rounds run 8 per loop pass: fully unrolled measured ~5% slower.
//
// The 4-pointer functions read all of their inputs before they write any output, so their
// outputs may alias their inputs.

import { K, hashNode, sha256Raw } from "./sha256";


const IV: usize = memory.data<u32>([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

// Scratch, 16-byte aligned so every v128 access is aligned. Vector i sits at base + 16·i.
const W: usize = memory.data(64 << 4, 16); // message schedule
const WK: usize = memory.data(64 << 4, 16); // W[i] + K[i]: the only form the rounds read
const S: usize = memory.data(8 << 4, 16); // chaining state a..h
const PAD: usize = memory.data(64 << 4, 16); // WK of sha256Many's all-constant last block
const TAILS: usize = memory.data(4 << 6, 16); // sha256Many: each lane's last message bytes, padded
const ONE: usize = memory.data(64); // one staged message for the scalar remainder

// ---- lane arithmetic ----

@inline function add(x: v128, y: v128): v128 {
  return i32x4.add(x, y);
}

@inline function rotr(x: v128, n: i32): v128 {
  return v128.or(i32x4.shr_u(x, n), i32x4.shl(x, 32 - n));
}

@inline function bigSigma0(x: v128): v128 {
  return v128.xor(v128.xor(rotr(x, 2), rotr(x, 13)), rotr(x, 22));
}

@inline function bigSigma1(x: v128): v128 {
  return v128.xor(v128.xor(rotr(x, 6), rotr(x, 11)), rotr(x, 25));
}

@inline function smallSigma0(x: v128): v128 {
  return v128.xor(v128.xor(rotr(x, 7), rotr(x, 18)), i32x4.shr_u(x, 3));
}

@inline function smallSigma1(x: v128): v128 {
  return v128.xor(v128.xor(rotr(x, 17), rotr(x, 19)), i32x4.shr_u(x, 10));
}

/** Ch(e,f,g): f where e is 1, g where e is 0 — exactly bitselect. */
@inline function ch(e: v128, f: v128, g: v128): v128 {
  return v128.bitselect(f, g, e);
}

/** Reverses the bytes of each 32-bit lane (big-endian words ↔ wasm's little-endian loads). */
@inline function swapWords(v: v128): v128 {
  return i8x16.shuffle(v, v, 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
}

/** The 16 bytes starting at byte 15 of x ‖ y: x's last byte, then y's first 15 (one palignr). */
@inline function shiftIn(x: v128, y: v128): v128 {
  return i8x16.shuffle(x, y, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30);
}

// ---- schedule ----

/** Stores word i of all four lanes, and W[i] + K[i] for the rounds. */
@inline function putWord(i: usize, w: v128): void {
  v128.store(W + (i << 4), w);
  v128.store(WK + (i << 4), add(w, v128.load32_splat(K + (i << 2))));
}

/**
 * Words i..i+3 from one 16-byte row of each lane (already byte-swapped): row x_k holds words
 * i..i+3 of message k, and word i+j wants lane j of every row — a 4×4 transpose.
 */
@inline function putRows(i: usize, x0: v128, x1: v128, x2: v128, x3: v128): void {
  const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
  putWord(i, i64x2.shuffle(t0, t2, 0, 2));
  putWord(i + 1, i64x2.shuffle(t0, t2, 1, 3));
  putWord(i + 2, i64x2.shuffle(t1, t3, 0, 2));
  putWord(i + 3, i64x2.shuffle(t1, t3, 1, 3));
}

/** Word i is the same constant in every lane. */
@inline function putConst(i: usize, w: u32): void {
  putWord(i, i32x4.splat(w));
}

/** W[16..63] from W[0..15]. */
function expand(): void {
  for (let i: usize = 16; i < 64; i++) {
    const p = W + (i << 4);
    const w = add(add(v128.load(p - 256), smallSigma0(v128.load(p - 240))), add(v128.load(p - 112), smallSigma1(v128.load(p - 32))));
    v128.store(p, w);
    v128.store(WK + (i << 4), add(w, v128.load32_splat(K + (i << 2))));
  }
}

/** Block at 64 bytes per lane from four pointers (word-aligned message bytes). */
@inline function loadBlock(p0: usize, p1: usize, p2: usize, p3: usize): void {
  for (let r: usize = 0; r < 64; r += 16) {
    putRows(r >> 2, swapWords(v128.load(p0 + r)), swapWords(v128.load(p1 + r)), swapWords(v128.load(p2 + r)), swapWords(v128.load(p3 + r)));
  }
}

// ---- compression ----

function initState(): void {
  for (let i: usize = 0; i < 8; i++) v128.store(S + (i << 4), v128.load32_splat(IV + (i << 2)));
}

/** One compression of all four lanes with the W+K vectors at `wk`, updating S. */
function compress(wk: usize): void {
  let a = v128.load(S, 0), b = v128.load(S, 16), c = v128.load(S, 32), d = v128.load(S, 48);
  let e = v128.load(S, 64), f = v128.load(S, 80), g = v128.load(S, 96), h = v128.load(S, 112);
  let t: v128, x: v128;
  // Maj(a,b,c) = ((a^b) & (b^c)) ^ b, and this round's b^c is the last round's a^b: y carries it.
  let y = v128.xor(b, c);
  // Eight rounds per pass with the roles of the variables rotated, so no value is moved.
  for (let p = wk, end = wk + (64 << 4); p < end; p += 128) {
    t = add(bigSigma1(e), add(add(h, v128.load(p, 0)), ch(e, f, g)));
    d = add(d, t);
    x = v128.xor(a, b);
    h = add(t, add(bigSigma0(a), v128.xor(v128.and(x, y), b)));
    y = x;
    t = add(bigSigma1(d), add(add(g, v128.load(p, 16)), ch(d, e, f)));
    c = add(c, t);
    x = v128.xor(h, a);
    g = add(t, add(bigSigma0(h), v128.xor(v128.and(x, y), a)));
    y = x;
    t = add(bigSigma1(c), add(add(f, v128.load(p, 32)), ch(c, d, e)));
    b = add(b, t);
    x = v128.xor(g, h);
    f = add(t, add(bigSigma0(g), v128.xor(v128.and(x, y), h)));
    y = x;
    t = add(bigSigma1(b), add(add(e, v128.load(p, 48)), ch(b, c, d)));
    a = add(a, t);
    x = v128.xor(f, g);
    e = add(t, add(bigSigma0(f), v128.xor(v128.and(x, y), g)));
    y = x;
    t = add(bigSigma1(a), add(add(d, v128.load(p, 64)), ch(a, b, c)));
    h = add(h, t);
    x = v128.xor(e, f);
    d = add(t, add(bigSigma0(e), v128.xor(v128.and(x, y), f)));
    y = x;
    t = add(bigSigma1(h), add(add(c, v128.load(p, 80)), ch(h, a, b)));
    g = add(g, t);
    x = v128.xor(d, e);
    c = add(t, add(bigSigma0(d), v128.xor(v128.and(x, y), e)));
    y = x;
    t = add(bigSigma1(g), add(add(b, v128.load(p, 96)), ch(g, h, a)));
    f = add(f, t);
    x = v128.xor(c, d);
    b = add(t, add(bigSigma0(c), v128.xor(v128.and(x, y), d)));
    y = x;
    t = add(bigSigma1(f), add(add(a, v128.load(p, 112)), ch(f, g, h)));
    e = add(e, t);
    x = v128.xor(b, c);
    a = add(t, add(bigSigma0(b), v128.xor(v128.and(x, y), c)));
    y = x;
  }
  v128.store(S, add(v128.load(S, 0), a), 0);
  v128.store(S, add(v128.load(S, 16), b), 16);
  v128.store(S, add(v128.load(S, 32), c), 32);
  v128.store(S, add(v128.load(S, 48), d), 48);
  v128.store(S, add(v128.load(S, 64), e), 64);
  v128.store(S, add(v128.load(S, 80), f), 80);
  v128.store(S, add(v128.load(S, 96), g), 96);
  v128.store(S, add(v128.load(S, 112), h), 112);
}

/** Writes lane k's digest (state words, big-endian) to o_k: the transpose of loading. */
function digestTo(o0: usize, o1: usize, o2: usize, o3: usize): void {
  for (let half: usize = 0; half < 32; half += 16) {
    const s = S + (half << 2);
    const x0 = v128.load(s, 0), x1 = v128.load(s, 16), x2 = v128.load(s, 32), x3 = v128.load(s, 48);
    const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
    const t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
    const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
    const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
    v128.store(o0 + half, swapWords(i64x2.shuffle(t0, t2, 0, 2)));
    v128.store(o1 + half, swapWords(i64x2.shuffle(t0, t2, 1, 3)));
    v128.store(o2 + half, swapWords(i64x2.shuffle(t1, t3, 0, 2)));
    v128.store(o3 + half, swapWords(i64x2.shuffle(t1, t3, 1, 3)));
  }
}

// ---- node hashes: sha256(prefix ‖ a[32] ‖ b[32]), 65 bytes, two blocks ----

// The second block of a node message is b[31] ‖ 0x80 ‖ zeros ‖ 520 as a bit length: only its
// first byte varies, so its 64 W+K words are tabled for all 256 values of that byte (64 KiB of
// static memory, filled on first use) and a node's second block needs no message schedule at
// all: one of a node's two expansions saved, ~15% of a node hash measured. Entry [v][t] at
// NODE_TAIL + 256·v + 4·t keeps one lane's words together (4 cache lines).
const NODE_TAIL: usize = memory.data(256 << 8, 16);
let nodeTailReady = false;

function fillNodeTail(): void {
  for (let v: u32 = 0; v < 256; v += 4) {
    putWord(0, i32x4(<i32>(v << 24 | 0x800000), <i32>((v + 1) << 24 | 0x800000), <i32>((v + 2) << 24 | 0x800000), <i32>((v + 3) << 24 | 0x800000)));
    for (let i: usize = 1; i < 15; i++) putConst(i, 0);
    putConst(15, 520);
    expand();
    for (let t: usize = 0; t < 64; t++) {
      const w = WK + (t << 4);
      const e = NODE_TAIL + (<usize>v << 8) + (t << 2);
      store<u32>(e, load<u32>(w, 0));
      store<u32>(e, load<u32>(w, 4), 256);
      store<u32>(e, load<u32>(w, 8), 512);
      store<u32>(e, load<u32>(w, 12), 768);
    }
  }
  nodeTailReady = true;
}

/** WK of the second node block for last bytes v0..v3: the tabled rows, transposed into lanes. */
@inline function gatherNodeTail(v0: u32, v1: u32, v2: u32, v3: u32): void {
  if (!nodeTailReady) fillNodeTail();
  const r0 = NODE_TAIL + (<usize>v0 << 8), r1 = NODE_TAIL + (<usize>v1 << 8);
  const r2 = NODE_TAIL + (<usize>v2 << 8), r3 = NODE_TAIL + (<usize>v3 << 8);
  for (let j: usize = 0; j < 256; j += 16) {
    const x0 = v128.load(r0 + j), x1 = v128.load(r1 + j), x2 = v128.load(r2 + j), x3 = v128.load(r3 + j);
    const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
    const t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
    const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
    const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
    const w = WK + (j << 2);
    v128.store(w, i64x2.shuffle(t0, t2, 0, 2), 0);
    v128.store(w, i64x2.shuffle(t0, t2, 1, 3), 16);
    v128.store(w, i64x2.shuffle(t1, t3, 0, 2), 32);
    v128.store(w, i64x2.shuffle(t1, t3, 1, 3), 48);
  }
}

/**
 * sha256(prefix ‖ a_k ‖ b_k) into o_k for k = 0..3, each pointer anywhere (tree nodes are
 * scattered). The same bytes as four hashNode calls; outputs may alias any input.
 */
export function hashNode4(
  prefix: u8,
  a0: usize, b0: usize, a1: usize, b1: usize, a2: usize, b2: usize, a3: usize, b3: usize,
  o0: usize, o1: usize, o2: usize, o3: usize,
): void {
  // Block 1 is prefix ‖ a[0..32) ‖ b[0..31): every row is one byte behind the 16-byte grid of a
  // and b, so rows 1 and 3 are unaligned loads and rows 0 and 2 splice one byte in front.
  const pv = i8x16.splat(<i8>prefix);
  putRows(0, swapWords(shiftIn(pv, v128.load(a0))), swapWords(shiftIn(pv, v128.load(a1))), swapWords(shiftIn(pv, v128.load(a2))), swapWords(shiftIn(pv, v128.load(a3))));
  putRows(4, swapWords(v128.load(a0 + 15)), swapWords(v128.load(a1 + 15)), swapWords(v128.load(a2 + 15)), swapWords(v128.load(a3 + 15)));
  putRows(
    8,
    swapWords(shiftIn(v128.load(a0 + 16), v128.load(b0))),
    swapWords(shiftIn(v128.load(a1 + 16), v128.load(b1))),
    swapWords(shiftIn(v128.load(a2 + 16), v128.load(b2))),
    swapWords(shiftIn(v128.load(a3 + 16), v128.load(b3))),
  );
  putRows(12, swapWords(v128.load(b0 + 15)), swapWords(v128.load(b1 + 15)), swapWords(v128.load(b2 + 15)), swapWords(v128.load(b3 + 15)));
  // Block 2 is b[31], 0x80, zeros, the bit length 520: its schedule depends on b[31] alone.
  const last0 = load<u8>(b0 + 31), last1 = load<u8>(b1 + 31), last2 = load<u8>(b2 + 31), last3 = load<u8>(b3 + 31);
  initState();
  expand();
  compress(WK);
  gatherNodeTail(last0, last1, last2, last3);
  compress(WK);
  digestTo(o0, o1, o2, o3);
}

/**
 * Node hashes of n contiguous pairs: out[i·32..] = sha256(prefix ‖ pairs[i·64 .. i·64+64)).
 * Groups of four go through the lanes, the last n % 4 through the scalar hashNode. `out` may
 * equal `pairs` (a tree level reduced in place: each output lands on pairs already read); any
 * other overlap is not supported.
 */
export function hashNodeMany(prefix: u8, pairs: usize, n: u32, out: usize): void {
  let p = pairs, o = out;
  for (let g = n >> 2; g > 0; g--) {
    hashNode4(prefix, p, p + 32, p + 64, p + 96, p + 128, p + 160, p + 192, p + 224, o, o + 32, o + 64, o + 96);
    p += 256;
    o += 128;
  }
  for (let i: u32 = 0; i < (n & 3); i++) {
    hashNode(prefix, p, p + 32, o);
    p += 64;
    o += 32;
  }
}

// ---- prefixed 32-byte items: sha256(prefix ‖ item[32]), 33 bytes, one block ----

/** sha256(prefix ‖ p_k[0..32)) into o_k for k = 0..3; outputs may alias inputs. */
export function hashPrefixed33x4(prefix: u8, p0: usize, p1: usize, p2: usize, p3: usize, o0: usize, o1: usize, o2: usize, o3: usize): void {
  // The block is prefix ‖ item ‖ 0x80 ‖ zeros ‖ bit length 264: rows 0 and 1 as in hashNode4,
  // word 8 = item[31] << 24 | 0x80 << 16, words 9..15 constants.
  const pv = i8x16.splat(<i8>prefix);
  putRows(0, swapWords(shiftIn(pv, v128.load(p0))), swapWords(shiftIn(pv, v128.load(p1))), swapWords(shiftIn(pv, v128.load(p2))), swapWords(shiftIn(pv, v128.load(p3))));
  putRows(4, swapWords(v128.load(p0 + 15)), swapWords(v128.load(p1 + 15)), swapWords(v128.load(p2 + 15)), swapWords(v128.load(p3 + 15)));
  let w8 = i32x4.splat(0x00800000);
  w8 = v128.load8_lane(p0 + 31, w8, 3);
  w8 = v128.load8_lane(p1 + 31, w8, 7);
  w8 = v128.load8_lane(p2 + 31, w8, 11);
  w8 = v128.load8_lane(p3 + 31, w8, 15);
  putWord(8, w8);
  for (let i: usize = 9; i < 15; i++) putConst(i, 0);
  putConst(15, 264);
  initState();
  expand();
  compress(WK);
  digestTo(o0, o1, o2, o3);
}

/**
 * out[i·32..] = sha256(prefix ‖ items[i·32 .. i·32+32)) for i < n (MMR leaf hashes). `out` may
 * equal `items`; any other overlap is not supported.
 */
export function hashPrefixed33Many(prefix: u8, items: usize, n: u32, out: usize): void {
  let p = items, o = out;
  for (let g = n >> 2; g > 0; g--) {
    hashPrefixed33x4(prefix, p, p + 32, p + 64, p + 96, o, o + 32, o + 64, o + 96);
    p += 128;
    o += 128;
  }
  for (let i: u32 = 0; i < (n & 3); i++) {
    store<u8>(ONE, prefix);
    memory.copy(ONE + 1, p, 32);
    sha256Raw(ONE, 33, o);
    p += 32;
    o += 32;
  }
}

// ---- equal-length messages of any length ----

/**
 * The final block that holds no message bytes — 0x80 first when the message fills whole blocks,
 * else (after a tail of 56..63 bytes) zeros — then the bit length. It is the same in every lane
 * and every group, so its schedule is computed once per call, into PAD.
 */
function preparePad(msgLen: u32): void {
  memory.fill(ONE, 0, 64);
  if ((msgLen & 63) == 0) store<u8>(ONE, 0x80);
  store<u64>(ONE + 56, bswap<u64>(<u64>msgLen << 3));
  loadBlock(ONE, ONE, ONE, ONE);
  expand();
  memory.copy(PAD, WK, 64 << 4);
}

/**
 * Copies lane k's last rem = msgLen % 64 (> 0) bytes from `p` to its tail slot and pads them:
 * with the bit length when it fits (rem < 56), else the length follows in PAD.
 */
@inline function stageTail(k: usize, p: usize, rem: usize, msgLen: u32): void {
  const t = TAILS + (k << 6);
  memory.copy(t, p, rem);
  store<u8>(t + rem, 0x80);
  memory.fill(t + rem + 1, 0, 63 - rem);
  if (rem < 56) store<u64>(t + 56, bswap<u64>(<u64>msgLen << 3));
}

/**
 * sha256 of n messages of msgLen bytes each, back to back at `msgs`, into out[i·32..]. Groups of
 * four go through the lanes, the last n % 4 through the scalar sha256Raw. `out` must not
 * overlap `msgs`.
 */
export function sha256Many(msgs: usize, msgLen: u32, n: u32, out: usize): void {
  const len = <usize>msgLen;
  const full = len >> 6;
  const rem = len & 63;
  if (n >= 4 && (rem == 0 || rem >= 56)) preparePad(msgLen);
  let p = msgs, o = out;
  for (let g = n >> 2; g > 0; g--) {
    const p0 = p, p1 = p + len, p2 = p + 2 * len, p3 = p + 3 * len;
    initState();
    for (let j: usize = 0; j < full << 6; j += 64) {
      loadBlock(p0 + j, p1 + j, p2 + j, p3 + j);
      expand();
      compress(WK);
    }
    if (rem > 0) {
      const at = full << 6;
      stageTail(0, p0 + at, rem, msgLen);
      stageTail(1, p1 + at, rem, msgLen);
      stageTail(2, p2 + at, rem, msgLen);
      stageTail(3, p3 + at, rem, msgLen);
      loadBlock(TAILS, TAILS + 64, TAILS + 128, TAILS + 192);
      expand();
      compress(WK);
    }
    if (rem == 0 || rem >= 56) compress(PAD);
    digestTo(o, o + 32, o + 64, o + 96);
    p += 4 * len;
    o += 128;
  }
  for (let i: u32 = 0; i < (n & 3); i++) {
    sha256Raw(p, len, o);
    p += len;
    o += 32;
  }
}

/** sha256 of four messages of the same length at any addresses (outputs may alias inputs). */
export function sha256x4(p0: usize, p1: usize, p2: usize, p3: usize, msgLen: u32, o0: usize, o1: usize, o2: usize, o3: usize): void {
  const len = <usize>msgLen;
  const full = len >> 6;
  const rem = len & 63;
  if (rem == 0 || rem >= 56) preparePad(msgLen);
  initState();
  for (let j: usize = 0; j < full << 6; j += 64) {
    loadBlock(p0 + j, p1 + j, p2 + j, p3 + j);
    expand();
    compress(WK);
  }
  if (rem > 0) {
    const at = full << 6;
    stageTail(0, p0 + at, rem, msgLen);
    stageTail(1, p1 + at, rem, msgLen);
    stageTail(2, p2 + at, rem, msgLen);
    stageTail(3, p3 + at, rem, msgLen);
    loadBlock(TAILS, TAILS + 64, TAILS + 128, TAILS + 192);
    expand();
    compress(WK);
  }
  if (rem == 0 || rem >= 56) compress(PAD);
  digestTo(o0, o1, o2, o3);
}
