// The envelope of messages between validators' consensus engines. Votes, certificates and blocks
// inside are the core codec's bytes (docs/formats.md); this file only tags and delimits them, so
// a decoder here never interprets consensus data, it only bounds it.
//
//   u8 tag ‖ body
//   1 VOTE          vote
//   2 CERTIFICATE   certificate
//   3 PROPOSAL      u32le voteLength ‖ vote (the leader's notarize) ‖ block
//   4 GET_BLOCKS    [32] digest ‖ u16le max   (the block with this digest and up to max−1 ancestors)
//   5 BLOCKS        u16le count ‖ count × (u32le length ‖ block), newest first, each the parent of the one before
//   6 PARTIAL       u64le height ‖ u16le share index ‖ [48] partial beacon signature on m_h
//   7 PROGRESS      u16le signer ‖ [64] ed25519 signature (PROGRESS) ‖ progress record
//   8 GET_SIGMA     u64le height
//   9 SIGMA         u64le height ‖ [48] σ_h
//  11 GET_CERTS     u64le first view ‖ u16le count (1..256): the certificates held for those views
//  10 TXS           u16le count ‖ count × (u32le length ‖ transaction): mempool gossip
// Tags 1–5 are the voter's; 6–9 belong to execution (node/executor.ts), 10 to the mempool (node/validator.ts).

export const Tag = {
  VOTE: 1,
  CERTIFICATE: 2,
  PROPOSAL: 3,
  GET_BLOCKS: 4,
  BLOCKS: 5,
  PARTIAL: 6,
  PROGRESS: 7,
  GET_SIGMA: 8,
  SIGMA: 9,
  TXS: 10,
  GET_CERTS: 11,
} as const;

export const MAX_CERT_VIEWS = 256;

export const MAX_TXS_PER_MESSAGE = 4096;

export const SIGMA_LENGTH = 48;

export const MAX_BLOCKS_PER_REQUEST = 256;

export type WireMessage =
  | { tag: typeof Tag.VOTE; vote: Uint8Array }
  | { tag: typeof Tag.CERTIFICATE; certificate: Uint8Array }
  | { tag: typeof Tag.PROPOSAL; vote: Uint8Array; block: Uint8Array }
  | { tag: typeof Tag.GET_BLOCKS; digest: Uint8Array; max: number }
  | { tag: typeof Tag.BLOCKS; blocks: Uint8Array[] }
  | { tag: typeof Tag.PARTIAL; height: bigint; index: number; partial: Uint8Array }
  | { tag: typeof Tag.PROGRESS; signer: number; signature: Uint8Array; record: Uint8Array }
  | { tag: typeof Tag.GET_SIGMA; height: bigint }
  | { tag: typeof Tag.SIGMA; height: bigint; sigma: Uint8Array }
  | { tag: typeof Tag.TXS; txs: Uint8Array[] }
  | { tag: typeof Tag.GET_CERTS; from: bigint; count: number };

export type WireErrorCode = "WIRE_EMPTY" | "WIRE_UNKNOWN_TAG" | "WIRE_TRUNCATED" | "WIRE_TRAILING_BYTES" | "WIRE_BAD_VALUE";

export class WireError extends Error {
  override readonly name = "WireError";
  constructor(
    readonly code: WireErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

function withTag(tag: number, length: number): { out: Uint8Array; view: DataView } {
  const out = new Uint8Array(1 + length);
  out[0] = tag;
  return { out, view: new DataView(out.buffer) };
}

export function encodeVoteMessage(vote: Uint8Array): Uint8Array {
  const { out } = withTag(Tag.VOTE, vote.length);
  out.set(vote, 1);
  return out;
}

export function encodeCertificateMessage(certificate: Uint8Array): Uint8Array {
  const { out } = withTag(Tag.CERTIFICATE, certificate.length);
  out.set(certificate, 1);
  return out;
}

export function encodeProposalMessage(vote: Uint8Array, block: Uint8Array): Uint8Array {
  const { out, view } = withTag(Tag.PROPOSAL, 4 + vote.length + block.length);
  view.setUint32(1, vote.length, true);
  out.set(vote, 5);
  out.set(block, 5 + vote.length);
  return out;
}

export function encodeGetBlocks(digest: Uint8Array, max: number): Uint8Array {
  if (digest.length !== 32) throw new WireError("WIRE_BAD_VALUE", "digest must be 32 bytes");
  if (!Number.isInteger(max) || max < 1 || max > MAX_BLOCKS_PER_REQUEST) throw new WireError("WIRE_BAD_VALUE", `max ${max}`);
  const { out, view } = withTag(Tag.GET_BLOCKS, 34);
  out.set(digest, 1);
  view.setUint16(33, max, true);
  return out;
}

function encodeList(tag: number, items: readonly Uint8Array[], max: number): Uint8Array {
  if (items.length > max) throw new WireError("WIRE_BAD_VALUE", `${items.length} items`);
  let length = 2;
  for (const b of items) length += 4 + b.length;
  const { out, view } = withTag(tag, length);
  view.setUint16(1, items.length, true);
  let at = 3;
  for (const b of items) {
    view.setUint32(at, b.length, true);
    out.set(b, at + 4);
    at += 4 + b.length;
  }
  return out;
}

function decodeList(bytes: Uint8Array, view: DataView, max: number, what: string): Uint8Array[] {
  if (bytes.length < 3) throw new WireError("WIRE_TRUNCATED", `${what} count`);
  const count = view.getUint16(1, true);
  if (count > max) throw new WireError("WIRE_BAD_VALUE", `${count} ${what}`);
  const items: Uint8Array[] = [];
  let at = 3;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.length) throw new WireError("WIRE_TRUNCATED", `${what} ${i} length`);
    const length = view.getUint32(at, true);
    if (length > bytes.length - at - 4) throw new WireError("WIRE_TRUNCATED", `${what} ${i}`);
    items.push(bytes.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  if (at !== bytes.length) throw new WireError("WIRE_TRAILING_BYTES", what);
  return items;
}

export function encodeBlocks(blocks: readonly Uint8Array[]): Uint8Array {
  return encodeList(Tag.BLOCKS, blocks, MAX_BLOCKS_PER_REQUEST);
}

export function encodeTxs(txs: readonly Uint8Array[]): Uint8Array {
  return encodeList(Tag.TXS, txs, MAX_TXS_PER_MESSAGE);
}

export function encodePartial(height: bigint, index: number, partial: Uint8Array): Uint8Array {
  if (partial.length !== SIGMA_LENGTH) throw new WireError("WIRE_BAD_VALUE", "partial must be 48 bytes");
  const { out, view } = withTag(Tag.PARTIAL, 8 + 2 + SIGMA_LENGTH);
  view.setBigUint64(1, height, true);
  view.setUint16(9, index, true);
  out.set(partial, 11);
  return out;
}

export function encodeProgressVote(signer: number, signature: Uint8Array, record: Uint8Array): Uint8Array {
  if (signature.length !== 64) throw new WireError("WIRE_BAD_VALUE", "signature must be 64 bytes");
  const { out, view } = withTag(Tag.PROGRESS, 2 + 64 + record.length);
  view.setUint16(1, signer, true);
  out.set(signature, 3);
  out.set(record, 67);
  return out;
}

export function encodeGetSigma(height: bigint): Uint8Array {
  const { out, view } = withTag(Tag.GET_SIGMA, 8);
  view.setBigUint64(1, height, true);
  return out;
}

export function encodeSigma(height: bigint, sigma: Uint8Array): Uint8Array {
  if (sigma.length !== SIGMA_LENGTH) throw new WireError("WIRE_BAD_VALUE", "σ must be 48 bytes");
  const { out, view } = withTag(Tag.SIGMA, 8 + SIGMA_LENGTH);
  view.setBigUint64(1, height, true);
  out.set(sigma, 9);
  return out;
}

export function encodeGetCerts(from: bigint, count: number): Uint8Array {
  if (!Number.isInteger(count) || count < 1 || count > MAX_CERT_VIEWS) throw new WireError("WIRE_BAD_VALUE", `count ${count}`);
  const { out, view } = withTag(Tag.GET_CERTS, 10);
  view.setBigUint64(1, from, true);
  view.setUint16(9, count, true);
  return out;
}

function exactly(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length < length) throw new WireError("WIRE_TRUNCATED", what);
  if (bytes.length > length) throw new WireError("WIRE_TRAILING_BYTES", what);
}

/** Splits an envelope; the parts are views into `bytes`. Throws WireError, never anything else. */
export function decodeMessage(bytes: Uint8Array): WireMessage {
  if (bytes.length === 0) throw new WireError("WIRE_EMPTY", "empty message");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const body = bytes.subarray(1);
  switch (bytes[0]) {
    case Tag.VOTE:
      return { tag: Tag.VOTE, vote: body };
    case Tag.CERTIFICATE:
      return { tag: Tag.CERTIFICATE, certificate: body };
    case Tag.PROPOSAL: {
      if (bytes.length < 5) throw new WireError("WIRE_TRUNCATED", "proposal header");
      const voteLength = view.getUint32(1, true);
      if (voteLength > bytes.length - 5) throw new WireError("WIRE_TRUNCATED", "proposal vote");
      return { tag: Tag.PROPOSAL, vote: bytes.subarray(5, 5 + voteLength), block: bytes.subarray(5 + voteLength) };
    }
    case Tag.GET_BLOCKS: {
      if (bytes.length < 35) throw new WireError("WIRE_TRUNCATED", "get-blocks");
      if (bytes.length > 35) throw new WireError("WIRE_TRAILING_BYTES", "get-blocks");
      const max = view.getUint16(33, true);
      if (max < 1 || max > MAX_BLOCKS_PER_REQUEST) throw new WireError("WIRE_BAD_VALUE", `max ${max}`);
      return { tag: Tag.GET_BLOCKS, digest: bytes.subarray(1, 33), max };
    }
    case Tag.BLOCKS:
      return { tag: Tag.BLOCKS, blocks: decodeList(bytes, view, MAX_BLOCKS_PER_REQUEST, "blocks") };
    case Tag.GET_CERTS: {
      exactly(bytes, 11, "get-certs");
      const count = view.getUint16(9, true);
      if (count < 1 || count > MAX_CERT_VIEWS) throw new WireError("WIRE_BAD_VALUE", `count ${count}`);
      return { tag: Tag.GET_CERTS, from: view.getBigUint64(1, true), count };
    }
    case Tag.TXS:
      return { tag: Tag.TXS, txs: decodeList(bytes, view, MAX_TXS_PER_MESSAGE, "txs") };
    case Tag.PARTIAL:
      exactly(bytes, 11 + SIGMA_LENGTH, "partial");
      return { tag: Tag.PARTIAL, height: view.getBigUint64(1, true), index: view.getUint16(9, true), partial: bytes.subarray(11) };
    case Tag.PROGRESS:
      if (bytes.length < 67) throw new WireError("WIRE_TRUNCATED", "progress vote");
      return { tag: Tag.PROGRESS, signer: view.getUint16(1, true), signature: bytes.subarray(3, 67), record: bytes.subarray(67) };
    case Tag.GET_SIGMA:
      exactly(bytes, 9, "get-sigma");
      return { tag: Tag.GET_SIGMA, height: view.getBigUint64(1, true) };
    case Tag.SIGMA:
      exactly(bytes, 9 + SIGMA_LENGTH, "sigma");
      return { tag: Tag.SIGMA, height: view.getBigUint64(1, true), sigma: bytes.subarray(9) };
    default:
      throw new WireError("WIRE_UNKNOWN_TAG", `tag ${bytes[0]}`);
  }
}
