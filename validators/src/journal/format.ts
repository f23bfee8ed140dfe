// The journal's on-disk format (version 1). docs/journal.md is the prose version of this file.
//
// A journal named N is the blobs `N.0000000000`, `N.0000000001`, … (segment index in decimal,
// zero-padded to 10 digits, indices contiguous). A segment is a concatenation of records and
// nothing else (no header, no padding):
//
//   offset 0        4                4+len            8+len
//          | len u32le | payload (len) | crc u32le |
//
//   crc = CRC32C(len u32le ‖ payload)
//
// The checksum covers the length field too: a length that was torn or bit-flipped into another
// plausible value fails the check instead of swallowing the following records. It also means an
// all-zero tail (a file size that reached disk before its data) never parses as a record: the
// CRC32C of four zero bytes is 0x48674bc7, not 0.

/** Bytes before the payload (the length field). */
export const HEADER_BYTES = 4;
/** Bytes after the payload (the checksum). */
export const TRAILER_BYTES = 4;
/** Framing bytes per record. */
export const RECORD_OVERHEAD = HEADER_BYTES + TRAILER_BYTES;

// CRC32C (Castagnoli): polynomial 0x1EDC6F41, used here in its reflected form 0x82F63B78, initial
// value 0xFFFFFFFF, final XOR 0xFFFFFFFF, reflected input and output (RFC 3720 appendix B.4; the
// same checksum as iSCSI, ext4 metadata, LevelDB and Commonware's journal). Check value:
// CRC32C("123456789") = 0xE3069283. Chosen over CRC32 (IEEE) for its better Hamming distance at
// record sizes. Computed slicing-by-8: eight 256-entry tables let the loop consume 8 bytes per
// step (about 4x a byte-at-a-time table in V8).
const POLY_REFLECTED = 0x82f63b78;

const TABLES: Uint32Array[] = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  const t0 = tables[0]!;
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
    t0[n] = c >>> 0;
  }
  // tables[k][n] = CRC of byte n followed by k zero bytes.
  for (let k = 1; k < 8; k++) {
    const prev = tables[k - 1]!;
    const cur = tables[k]!;
    for (let n = 0; n < 256; n++) cur[n] = (prev[n]! >>> 8) ^ t0[prev[n]! & 0xff]!;
  }
  return tables;
})();
const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES as [
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
];

/**
 * CRC32C of `data`. Pass the result of an earlier call as `crc` to continue it:
 * crc32c(b, crc32c(a)) === crc32c(a ‖ b).
 */
export function crc32c(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  let i = 0;
  const n = data.length;
  const end8 = n - (n % 8);
  for (; i < end8; i += 8) {
    const lo = (c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
    c =
      T7[lo & 0xff]! ^
      T6[(lo >>> 8) & 0xff]! ^
      T5[(lo >>> 16) & 0xff]! ^
      T4[lo >>> 24]! ^
      T3[data[i + 4]!]! ^
      T2[data[i + 5]!]! ^
      T1[data[i + 6]!]! ^
      T0[data[i + 7]!]!;
  }
  for (; i < n; i++) c = (c >>> 8) ^ T0[(c ^ data[i]!) & 0xff]!;
  return ~c >>> 0;
}

/** The checksum stored after a record: CRC32C over the length field and the payload. */
export function recordChecksum(header: Uint8Array, payload: Uint8Array): number {
  return crc32c(payload, crc32c(header));
}

/** Frames one record: len u32le ‖ payload ‖ CRC32C(len ‖ payload) u32le. */
export function encodeRecord(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(RECORD_OVERHEAD + payload.length);
  writeRecord(out, 0, payload);
  return out;
}

/** Writes a framed record into `out` at `offset` (which must have room). Returns the bytes written. */
export function writeRecord(out: Uint8Array, offset: number, payload: Uint8Array): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(offset, payload.length, true);
  out.set(payload, offset + HEADER_BYTES);
  const crc = recordChecksum(out.subarray(offset, offset + HEADER_BYTES), payload);
  view.setUint32(offset + HEADER_BYTES + payload.length, crc, true);
  return RECORD_OVERHEAD + payload.length;
}

/** Why a record failed to parse. Stable strings: they appear in errors and recovery reports. */
export type BadRecordReason =
  | "torn-header" // fewer than 4 bytes left for the length field
  | "torn-record" // the length points past the end of the segment
  | "checksum"; // the bytes are all there but the checksum does not match

export type DecodeResult =
  | { kind: "end" }
  | { kind: "record"; payload: Uint8Array; size: number }
  | { kind: "bad"; reason: BadRecordReason };

/**
 * Decodes the record at `offset` of a buffer holding a whole segment (or all of it that matters).
 * "end" only at exactly the end of the buffer. The payload is a view into `buf`.
 */
export function decodeRecord(buf: Uint8Array, offset: number): DecodeResult {
  const left = buf.length - offset;
  if (left === 0) return { kind: "end" };
  if (left < HEADER_BYTES) return { kind: "bad", reason: "torn-header" };
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const len = view.getUint32(offset, true);
  if (len > left - RECORD_OVERHEAD) return { kind: "bad", reason: "torn-record" };
  const header = buf.subarray(offset, offset + HEADER_BYTES);
  const payload = buf.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + len);
  const stored = view.getUint32(offset + HEADER_BYTES + len, true);
  if (stored !== recordChecksum(header, payload)) return { kind: "bad", reason: "checksum" };
  return { kind: "record", payload, size: RECORD_OVERHEAD + len };
}

// Segment names. Journal names exclude "." so `N.` is a prefix no other journal's segments share.
const JOURNAL_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const INDEX_DIGITS = 10;

export function isValidJournalName(name: string): boolean {
  return typeof name === "string" && JOURNAL_NAME.test(name);
}

export function segmentPrefix(journal: string): string {
  return `${journal}.`;
}

export function segmentName(journal: string, index: number): string {
  return `${journal}.${String(index).padStart(INDEX_DIGITS, "0")}`;
}

/** The index in a segment name of this journal, or undefined if the name is not one. */
export function parseSegmentName(journal: string, name: string): number | undefined {
  const prefix = segmentPrefix(journal);
  if (!name.startsWith(prefix)) return undefined;
  const digits = name.slice(prefix.length);
  if (!/^[0-9]+$/.test(digits) || digits.length < INDEX_DIGITS) return undefined;
  const index = Number(digits);
  if (!Number.isSafeInteger(index) || segmentName(journal, index) !== name) return undefined;
  return index;
}
