import { output } from "../io";

/** A growable byte buffer for canonical encodings. */
export class Writer {
  buf: Uint8Array;
  len: i32 = 0;
  /** buf.length, kept in a field: the typed-array getter is a call on every write's bounds check. */
  private cap: i32;

  constructor(capacity: i32 = 128) {
    this.buf = new Uint8Array(capacity);
    this.cap = capacity;
  }

  @inline reset(): Writer {
    this.len = 0;
    return this;
  }

  @inline ensure(n: i32): void {
    const need = this.len + n;
    if (need > this.cap) {
      let cap = this.cap << 1;
      if (cap < need) cap = need;
      const next = new Uint8Array(cap);
      memory.copy(next.dataStart, this.buf.dataStart, <usize>this.len);
      this.buf = next;
      this.cap = cap;
    }
  }

  @inline get ptr(): usize {
    return this.buf.dataStart;
  }

  @inline u8(v: u8): Writer {
    this.ensure(1);
    store<u8>(this.buf.dataStart + <usize>this.len, v);
    this.len += 1;
    return this;
  }

  bool(v: bool): Writer {
    return this.u8(v ? 1 : 0);
  }

  u16le(v: u16): Writer {
    this.ensure(2);
    store<u16>(this.buf.dataStart + <usize>this.len, v);
    this.len += 2;
    return this;
  }

  u32le(v: u32): Writer {
    this.ensure(4);
    store<u32>(this.buf.dataStart + <usize>this.len, v);
    this.len += 4;
    return this;
  }

  u64le(v: u64): Writer {
    this.ensure(8);
    store<u64>(this.buf.dataStart + <usize>this.len, v);
    this.len += 8;
    return this;
  }

  u64be(v: u64): Writer {
    return this.u64le(bswap<u64>(v));
  }

  varint(v: u64): Writer {
    this.ensure(10);
    let p = this.buf.dataStart + <usize>this.len;
    if (v < 0x80) {
      // Most varints (counts, small indices, single-byte lengths) are one byte.
      store<u8>(p, <u8>v);
      this.len += 1;
      return this;
    }
    const start = p;
    while (v >= 0x80) {
      store<u8>(p, <u8>(v & 0x7f) | 0x80);
      v >>= 7;
      p++;
    }
    store<u8>(p, <u8>v);
    this.len += <i32>(p - start + 1);
    return this;
  }

  raw(ptr: usize, n: usize): Writer {
    this.ensure(<i32>n);
    memory.copy(this.buf.dataStart + <usize>this.len, ptr, n);
    this.len += <i32>n;
    return this;
  }

  bytes(b: Uint8Array): Writer {
    return this.raw(b.dataStart, <usize>b.length);
  }

  varBytes(b: Uint8Array): Writer {
    this.varint(<u64>b.length);
    return this.bytes(b);
  }

  /** A copy of what was written. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.len);
    memory.copy(out.dataStart, this.buf.dataStart, <usize>this.len);
    return out;
  }

  /** Hands the written bytes to the host as an ABI result. */
  toOutput(): i32 {
    return output(this.buf.dataStart, <u32>this.len);
  }
}
