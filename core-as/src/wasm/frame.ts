// Reads ABI result frames (assembly/abi/*.ts): host calling convention, not a wire format.
// Wire formats are decoded only by the wasm.
import { CoreError } from "../errors.js";

export class FrameReader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  u8(): number {
    if (this.pos >= this.buf.length) throw new CoreError(100, "ABI frame truncated");
    return this.buf[this.pos++] as number;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return result;
      scale *= 128;
    }
    throw new CoreError(103, "ABI frame varint too large");
  }

  bytes(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) throw new CoreError(100, "ABI frame truncated");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  varBytes(): Uint8Array {
    return this.bytes(this.varint());
  }

  get done(): boolean {
    return this.pos === this.buf.length;
  }
}

/** varint-prefixed bytes, as ABI inputs expect. */
export function frameVarBytes(b: Uint8Array): Uint8Array {
  const head: number[] = [];
  let n = b.length;
  while (n >= 0x80) {
    head.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  head.push(n);
  const out = new Uint8Array(head.length + b.length);
  out.set(head, 0);
  out.set(b, head.length);
  return out;
}
