// Block headers and bodies. The block digest is sha256 of the header; the header commits to the
// body through txRoot, the MMR root (docs/mmr.md) of the sha256 of each transaction.
import { Reader } from "./reader";
import { Writer } from "./writer";
import { FORMAT_VERSION, DIGEST_LEN, MAX_BLOCK_TXS, MAX_TX_BYTES } from "./limits";
import { E_UNKNOWN_VERSION, E_TOO_MANY_ITEMS } from "../errors";
import { Json } from "./json";
import { sha256Raw } from "../crypto/sha256";
import { MessageList } from "../crypto/batch";

export class BlockHeader {
  chainId: u64 = 0;
  height: u64 = 0;
  view: u64 = 0;
  parent: Uint8Array = new Uint8Array(DIGEST_LEN);
  timestampMs: u64 = 0;
  txRoot: Uint8Array = new Uint8Array(DIGEST_LEN);
  proposer: u32 = 0;
  /** Where the header's bytes lie (for the digest), valid while the source bytes are. */
  start: usize = 0;
  len: u32 = 0;
}

export class Block {
  header: BlockHeader = new BlockHeader();
  /** Where each transaction's bytes lie in the source buffer (valid while it is). */
  txs: MessageList = new MessageList();
}

export function decodeHeader(r: Reader): BlockHeader {
  const h = new BlockHeader();
  h.start = r.pos;
  const version = r.u8();
  if (r.ok && version != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  h.chainId = r.varint();
  h.height = r.varint();
  h.view = r.varint();
  h.parent = r.bytes(DIGEST_LEN);
  h.timestampMs = r.varint();
  h.txRoot = r.bytes(DIGEST_LEN);
  h.proposer = r.varintMax(0xffff);
  h.len = <u32>(r.pos - h.start);
  return h;
}

export function encodeHeader(h: BlockHeader, w: Writer): void {
  w.u8(FORMAT_VERSION).varint(h.chainId).varint(h.height).varint(h.view).bytes(h.parent);
  w.varint(h.timestampMs).bytes(h.txRoot).varint(<u64>h.proposer);
}

/**
 * Decodes header ‖ varint count ‖ (varint len ‖ tx)*. Transactions are only delimited here:
 * a malformed transaction inside a well-formed block becomes an error event at execution.
 * The caller frees `txs` (raw memory) when done with the block.
 */
export function decodeBlock(r: Reader): Block | null {
  const b = new Block();
  b.header = decodeHeader(r);
  const n = r.varintMax(MAX_BLOCK_TXS, E_TOO_MANY_ITEMS);
  for (let i: u32 = 0; i < n && r.ok; i++) {
    const len = r.varintMax(MAX_TX_BYTES);
    const p = r.skip(len);
    if (r.ok) b.txs.push(p, len);
  }
  if (!r.finish()) {
    b.txs.free();
    return null;
  }
  return b;
}

export function headerDigest(h: BlockHeader, out: usize): void {
  sha256Raw(h.start, h.len, out);
}

export function headerToJson(h: BlockHeader, j: Json): void {
  j.big("chainId", h.chainId).big("height", h.height).big("view", h.view).hexBytes("parent", h.parent);
  j.big("timestampMs", h.timestampMs).hexBytes("txRoot", h.txRoot).num("proposer", h.proposer);
}
