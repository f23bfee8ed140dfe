// Unsigned LEB128 varints as every Null/Space format writes them (docs/formats.md): minimal (no
// redundant 0x80…00 tail) and at most 64 bits. For the envelopes hosts frame around the wasm's
// formats (relay update frames, validator stream frames), never for the formats themselves.

export class VarintError extends Error {
  override readonly name = "VarintError";
}

const U64_MAX = (1n << 64n) - 1n;

/** Reads a varint at `pos`; returns [value, next offset]. Throws VarintError. */
export function readVarint(b: Uint8Array, pos: number): [bigint, number] {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    const byte = b[pos + i];
    if (byte === undefined) throw new VarintError(`truncated varint at offset ${pos}`);
    if (i === 9 && byte > 1) throw new VarintError(`varint past 64 bits at offset ${pos}`);
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) {
      if (byte === 0 && i > 0) throw new VarintError(`non-minimal varint at offset ${pos}`);
      return [value, pos + i + 1];
    }
  }
  throw new VarintError(`varint past 64 bits at offset ${pos}`);
}

/** Appends the varint of `value` (0 ≤ value < 2^64) to `out`. */
export function writeVarint(out: number[], value: bigint | number): void {
  let v = BigInt(value);
  if (v < 0n || v > U64_MAX) throw new RangeError(`varint out of range: ${v}`);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}
