import { E_INT_OVERFLOW, E_NON_CANONICAL_INT, E_TRAILING_BYTES, E_TRUNCATED, E_FIELD_TOO_LONG, E_INVALID_VALUE } from "../errors";

/**
 * A bounds-checked reader over raw memory. It never traps: the first failure records an error
 * code, and every later read returns zero and keeps that first code. Callers read a whole
 * structure, then check `err` once (and `finish()` for trailing bytes).
 */
export class Reader {
  pos: usize;
  end: usize;
  start: usize;
  err: u16 = 0;

  constructor(ptr: usize, len: usize) {
    this.start = ptr;
    this.pos = ptr;
    this.end = ptr + len;
  }

  /** Points this reader at new input (readers are reused on hot paths to avoid allocation). */
  reset(ptr: usize, len: usize): Reader {
    this.start = ptr;
    this.pos = ptr;
    this.end = ptr + len;
    this.err = 0;
    return this;
  }

  static of(bytes: Uint8Array): Reader {
    return new Reader(bytes.dataStart, <usize>bytes.length);
  }

  @inline get ok(): bool {
    return this.err == 0;
  }

  @inline get offset(): u32 {
    return <u32>(this.pos - this.start);
  }

  @inline get remaining(): usize {
    return this.end - this.pos;
  }

  fail(code: u16): void {
    if (this.err == 0) this.err = code;
    this.pos = this.end;
  }

  /** Ensures `n` more bytes exist; on failure records E_TRUNCATED. */
  @inline need(n: usize): bool {
    if (this.err != 0) return false;
    if (this.end - this.pos < n) {
      this.fail(E_TRUNCATED);
      return false;
    }
    return true;
  }

  @inline u8(): u8 {
    if (!this.need(1)) return 0;
    const v = load<u8>(this.pos);
    this.pos += 1;
    return v;
  }

  /** A byte that must be 0 or 1. */
  bool(): bool {
    const v = this.u8();
    if (v > 1) this.fail(E_INVALID_VALUE);
    return v == 1;
  }

  u16le(): u16 {
    if (!this.need(2)) return 0;
    const v = load<u16>(this.pos);
    this.pos += 2;
    return v;
  }

  u32le(): u32 {
    if (!this.need(4)) return 0;
    const v = load<u32>(this.pos);
    this.pos += 4;
    return v;
  }

  u64le(): u64 {
    if (!this.need(8)) return 0;
    const v = load<u64>(this.pos);
    this.pos += 8;
    return v;
  }

  /**
   * Unsigned LEB128, at most 10 bytes, minimal: no trailing zero groups (0x80 0x00 is refused),
   * and the tenth byte may only carry the top bit of a u64.
   */
  varint(): u64 {
    let result: u64 = 0;
    let shift: u32 = 0;
    for (let i = 0; i < 10; i++) {
      if (!this.need(1)) return 0;
      const b = load<u8>(this.pos);
      this.pos += 1;
      if (i == 9 && b > 1) {
        this.fail(E_INT_OVERFLOW);
        return 0;
      }
      result |= (<u64>(b & 0x7f)) << shift;
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          this.fail(E_NON_CANONICAL_INT);
          return 0;
        }
        return result;
      }
      shift += 7;
    }
    this.fail(E_INT_OVERFLOW);
    return 0;
  }

  /** A varint that must fit in u32 and be <= max. */
  varintMax(max: u64, tooBig: u16 = E_FIELD_TOO_LONG): u32 {
    const v = this.varint();
    if (v > max) {
      this.fail(tooBig);
      return 0;
    }
    return <u32>v;
  }

  /** Copies `n` bytes into `dst` (which must hold n); false on failure. */
  bytesInto(dst: Uint8Array, n: usize): bool {
    if (!this.need(n)) return false;
    memory.copy(dst.dataStart, this.pos, n);
    this.pos += n;
    return true;
  }

  /** Copies `n` bytes into a new array (empty on failure). */
  bytes(n: usize): Uint8Array {
    if (!this.need(n)) return new Uint8Array(0);
    const out = new Uint8Array(<i32>n);
    memory.copy(out.dataStart, this.pos, n);
    this.pos += n;
    return out;
  }

  /** Skips `n` bytes, returning where they start (0 on failure). */
  skip(n: usize): usize {
    if (!this.need(n)) return 0;
    const p = this.pos;
    this.pos += n;
    return p;
  }

  /** A varint length (<= max) followed by that many bytes. */
  varBytes(max: u32): Uint8Array {
    const n = this.varintMax(max);
    if (this.err != 0) return new Uint8Array(0);
    return this.bytes(n);
  }

  /** Records E_TRAILING_BYTES if anything is left; returns whether the read succeeded. */
  finish(): bool {
    if (this.err == 0 && this.pos != this.end) this.fail(E_TRAILING_BYTES);
    return this.err == 0;
  }
}
