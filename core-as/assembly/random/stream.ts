// The game randomness of DESIGN.md section 5: block i of the stream of (σ_h, session, move) is
//   sha256(σ_h ‖ u64le(session id) ‖ u32le(move number) ‖ u32le(i)),
// read as little-endian u32 words. Bounded draws use rejection sampling (no modulo bias) and
// shuffles are Fisher–Yates from the top. Nothing here touches a clock or the host.
import { sha256Raw } from "../crypto/sha256";

export class RandomStream {
  private input: Uint8Array;
  private block: Uint8Array = new Uint8Array(32);
  private used: i32 = 32;
  private counter: u32 = 0;
  private sigmaLen: i32;

  constructor(sigma: Uint8Array, sessionId: u64, move: u32) {
    this.sigmaLen = sigma.length;
    this.input = new Uint8Array(sigma.length + 16);
    this.reset(sigma, sessionId, move);
  }

  /** Points this stream at (σ, session, move) from its start (hot paths reuse one stream). */
  reset(sigma: Uint8Array, sessionId: u64, move: u32): RandomStream {
    if (this.input.length != sigma.length + 16) this.input = new Uint8Array(sigma.length + 16);
    this.sigmaLen = sigma.length;
    memory.copy(this.input.dataStart, sigma.dataStart, <usize>sigma.length);
    store<u64>(this.input.dataStart + <usize>sigma.length, sessionId);
    store<u32>(this.input.dataStart + <usize>sigma.length + 8, move);
    this.used = 32;
    this.counter = 0;
    return this;
  }

  /** The next 32-bit word of the stream. */
  nextU32(): u32 {
    if (this.used == 32) {
      store<u32>(this.input.dataStart + <usize>this.sigmaLen + 12, this.counter);
      sha256Raw(this.input.dataStart, <usize>this.input.length, this.block.dataStart);
      this.counter++;
      this.used = 0;
    }
    const v = load<u32>(this.block.dataStart + <usize>this.used);
    this.used += 4;
    return v;
  }

  /** Uniform in [0, n) for 1 <= n <= 2^32 - 1: words at or above the largest multiple of n are redrawn. */
  below(n: u32): u32 {
    if (n <= 1) return 0;
    // limit = 2^32 - (2^32 mod n): the count of words that map evenly onto [0, n).
    const limit: u64 = 0x1_0000_0000 - (0x1_0000_0000 % <u64>n);
    let x = this.nextU32();
    while (<u64>x >= limit) x = this.nextU32();
    return x % n;
  }

  /** Shuffles the first `n` bytes at `p` in place. */
  shuffleBytes(p: usize, n: u32): void {
    if (n < 2) return;
    for (let i = n - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const a = load<u8>(p + <usize>i);
      store<u8>(p + <usize>i, load<u8>(p + <usize>j));
      store<u8>(p + <usize>j, a);
    }
  }
}
