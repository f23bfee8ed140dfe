// The finalized-height bundle (docs/formats.md, "Finalized bundle"): one height's block, its
// finalization certificate and, once they exist, σ_h and the progress certificate. Relays follow
// validators through a stream of these and the validator archive serves them. The codec checks
// that every part decodes and that the parts name the same height and block (a bundle that mixes
// heights is refused, not left for the verifier to trip over); signatures, quorums and σ against
// the group key remain the verifier's business, as for every consensus format.
import { Reader } from "./reader";
import { Writer } from "./writer";
import { FORMAT_VERSION, DIGEST_LEN, BEACON_LEN } from "./limits";
import { decodeBlock, headerDigest } from "./block";
import { KIND_FINALIZE, decodeCertificate, decodeProgressCertificate } from "./consensus";
import { E_UNKNOWN_VERSION, E_INVALID_VALUE, E_PARTS_MISMATCH } from "../errors";

/** Flag bits (wire values). Every other bit must be zero. */
export const FLAG_SIGMA: u8 = 1;
export const FLAG_PROGRESS: u8 = 2;
export const KNOWN_FLAGS: u8 = FLAG_SIGMA | FLAG_PROGRESS;

// Part lengths are bounded by the input itself (a length past it is TRUNCATED); this only keeps
// them in u32 so offsets stay 32-bit. The parts' own decoders enforce the real limits.
const MAX_PART_BYTES: u64 = 0xffffffff;

/** A decoded bundle: where each part lies in the reader's input, and what the checks learned. */
export class Finalized {
  height: u64 = 0;
  flags: u8 = 0;
  /** sha256 of the block header, and the header's parent digest. */
  digest: Uint8Array = new Uint8Array(DIGEST_LEN);
  parent: Uint8Array = new Uint8Array(DIGEST_LEN);
  blockPtr: usize = 0;
  blockLen: usize = 0;
  finalizationPtr: usize = 0;
  finalizationLen: usize = 0;
  /** 0 when σ is absent; otherwise BEACON_LEN bytes. */
  sigmaPtr: usize = 0;
  /** 0 and 0 when the progress certificate is absent. */
  progressPtr: usize = 0;
  progressLen: usize = 0;
}

/**
 * Writes `u8 version ‖ varint height ‖ bytes block ‖ bytes finalization ‖ u8 flags ‖ [48] σ? ‖
 * bytes progress?`, taking the parts as they are. Callers validate by decoding what was written
 * (finalized_encode does), so the encoder can never accept what the decoder refuses.
 */
export function encodeFinalized(
  w: Writer,
  height: u64,
  block: usize,
  blockLen: usize,
  finalization: usize,
  finalizationLen: usize,
  sigma: usize,
  progress: usize,
  progressLen: usize,
  flags: u8,
): void {
  w.u8(FORMAT_VERSION).varint(height);
  w.varint(<u64>blockLen).raw(block, blockLen);
  w.varint(<u64>finalizationLen).raw(finalization, finalizationLen);
  w.u8(flags);
  if (flags & FLAG_SIGMA) w.raw(sigma, BEACON_LEN);
  if (flags & FLAG_PROGRESS) w.varint(<u64>progressLen).raw(progress, progressLen);
}

@inline function sameDigest(a: Uint8Array, b: Uint8Array): bool {
  return memory.compare(a.dataStart, b.dataStart, DIGEST_LEN) == 0;
}

/**
 * Decodes a bundle that must fill the reader's input exactly. Errors are the first in reading
 * order: a part's own decoding error, PARTS_MISMATCH for parts that disagree (block height,
 * certificate height, digest or parent, progress record height, chain or digest), INVALID_VALUE
 * for a certificate that is not a finalization or an unknown flag bit.
 */
export function decodeFinalized(r: Reader): Finalized | null {
  const f = new Finalized();
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  f.height = r.varint();

  f.blockLen = r.varintMax(MAX_PART_BYTES);
  f.blockPtr = r.skip(f.blockLen);
  let chainId: u64 = 0;
  if (r.ok) {
    const sub = new Reader(f.blockPtr, f.blockLen);
    const b = decodeBlock(sub);
    if (b == null) {
      r.fail(sub.err);
    } else {
      headerDigest(b.header, f.digest.dataStart);
      chainId = b.header.chainId;
      f.parent = b.header.parent;
      const height = b.header.height;
      b.txs.free();
      if (height != f.height) r.fail(E_PARTS_MISMATCH);
    }
  }

  f.finalizationLen = r.varintMax(MAX_PART_BYTES);
  f.finalizationPtr = r.skip(f.finalizationLen);
  if (r.ok) {
    const sub = new Reader(f.finalizationPtr, f.finalizationLen);
    const c = decodeCertificate(sub);
    if (c == null) r.fail(sub.err);
    else if (c.kind != KIND_FINALIZE) r.fail(E_INVALID_VALUE);
    else {
      const p = c.body.proposal!;
      // A block finalized through a descendant (its own view nullified after it was notarized)
      // carries the descendant's certificate: the client links it by parent digests.
      if (p.height < f.height) r.fail(E_PARTS_MISMATCH);
      else if (p.height == f.height && (!sameDigest(p.digest, f.digest) || !sameDigest(p.parent, f.parent))) r.fail(E_PARTS_MISMATCH);
    }
  }

  const flags = r.u8();
  if (r.ok && (flags & ~KNOWN_FLAGS) != 0) r.fail(E_INVALID_VALUE);
  f.flags = flags;
  if (r.ok && (flags & FLAG_SIGMA) != 0) f.sigmaPtr = r.skip(BEACON_LEN);
  if (r.ok && (flags & FLAG_PROGRESS) != 0) {
    f.progressLen = r.varintMax(MAX_PART_BYTES);
    f.progressPtr = r.skip(f.progressLen);
    if (r.ok) {
      const sub = new Reader(f.progressPtr, f.progressLen);
      const c = decodeProgressCertificate(sub);
      if (c == null) r.fail(sub.err);
      else {
        const p = c.progress;
        if (p.height != f.height || p.chainId != chainId || !sameDigest(p.blockDigest, f.digest)) r.fail(E_PARTS_MISMATCH);
      }
    }
  }
  return r.finish() ? f : null;
}
