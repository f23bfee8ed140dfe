// Consensus messages (docs/formats.md, "Consensus messages and certificates"): proposals, votes,
// certificates and progress certificates. Signatures are checked by hosts (the wasm has no
// ed25519); this codec only fixes the bytes, canonically.
import { Reader } from "./reader";
import { Writer } from "./writer";
import { Json } from "./json";
import { FORMAT_VERSION, DIGEST_LEN, SIG_LEN } from "./limits";
import { Progress, decodeProgress } from "./progress";
import { E_UNKNOWN_VERSION, E_UNKNOWN_TAG, E_INVALID_VALUE, E_TOO_MANY_ITEMS, E_FIELD_TOO_LONG } from "../errors";

/** Vote and certificate kinds (wire values). */
export const KIND_NOTARIZE: u8 = 1;
export const KIND_NULLIFY: u8 = 2;
export const KIND_FINALIZE: u8 = 3;

/** Largest validator set a certificate can name (its bitmap is at most 128 bytes). */
export const MAX_VALIDATORS: u32 = 1024;
/** Largest progress record inside a progress certificate (the record itself is at most 221 bytes). */
export const MAX_PROGRESS_BYTES: u32 = 256;

export function isKind(k: u32): bool {
  return k >= 1 && k <= 3;
}

export class Proposal {
  view: u64 = 0;
  height: u64 = 0;
  parent: Uint8Array = new Uint8Array(DIGEST_LEN);
  digest: Uint8Array = new Uint8Array(DIGEST_LEN);
}

/** A vote or certificate body: a proposal (notarize, finalize) or a view (nullify). */
export class Body {
  kind: u8 = 0;
  view: u64 = 0;
  proposal: Proposal | null = null;
  /** Where the body's bytes are (inside the reader's input) and how many. */
  ptr: usize = 0;
  len: usize = 0;
}

export function encodeProposal(p: Proposal, w: Writer): void {
  w.u8(FORMAT_VERSION).varint(p.view).varint(p.height).bytes(p.parent).bytes(p.digest);
}

function decodeProposal(r: Reader): Proposal {
  const p = new Proposal();
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  p.view = r.varint();
  p.height = r.varint();
  p.parent = r.bytes(DIGEST_LEN);
  p.digest = r.bytes(DIGEST_LEN);
  return p;
}

/** Reads the body of a vote or certificate of `kind` (which must be valid). */
export function decodeBody(r: Reader, kind: u8): Body {
  const b = new Body();
  b.kind = kind;
  b.ptr = r.pos;
  if (kind == KIND_NULLIFY) {
    b.view = r.varint();
  } else {
    const p = decodeProposal(r);
    b.view = p.view;
    b.proposal = p;
  }
  b.len = r.pos - b.ptr;
  return b;
}

/** Reads a body that must fill exactly [ptr, ptr+len); null (with `r.err`) otherwise. */
export function decodeBodyExact(r: Reader, kind: u8): Body | null {
  const b = decodeBody(r, kind);
  return r.finish() ? b : null;
}

export function bodyToJson(b: Body, j: Json): void {
  j.big("view", b.view);
  const p = b.proposal;
  if (p != null) j.big("height", p.height).hexBytes("parent", p.parent).hexBytes("digest", p.digest);
  j.hex("body", b.ptr, b.len);
}

export function voteKindName(k: u8): string {
  return k == KIND_NOTARIZE ? "notarize" : k == KIND_NULLIFY ? "nullify" : "finalize";
}

export function certificateKindName(k: u8): string {
  return k == KIND_NOTARIZE ? "notarization" : k == KIND_NULLIFY ? "nullification" : "finalization";
}

export class Vote {
  kind: u8 = 0;
  signer: u32 = 0;
  body: Body = new Body();
  sigPtr: usize = 0;
}

export function decodeVote(r: Reader): Vote | null {
  const v = new Vote();
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  const kind = r.u8();
  if (r.ok && !isKind(kind)) r.fail(E_UNKNOWN_TAG);
  v.kind = kind;
  v.signer = r.varintMax(MAX_VALIDATORS - 1, E_INVALID_VALUE);
  if (r.ok) v.body = decodeBody(r, kind);
  v.sigPtr = r.skip(SIG_LEN);
  return r.finish() ? v : null;
}

/** The signer bitmap and signatures that close a certificate. */
export class Signers {
  n: u32 = 0;
  indices: u32[] = [];
  /** indices.length × 64 signature bytes, in the reader's input. */
  sigPtr: usize = 0;
}

export function decodeSigners(r: Reader): Signers {
  const s = new Signers();
  const n = r.varintMax(MAX_VALIDATORS, E_TOO_MANY_ITEMS);
  if (r.ok && n == 0) r.fail(E_INVALID_VALUE);
  const bitmapLen = (n + 7) >> 3;
  const bm = r.skip(bitmapLen);
  if (!r.ok) return s;
  s.n = n;
  for (let i: u32 = 0; i < n; i++) {
    if ((load<u8>(bm + (i >> 3)) >> (i & 7)) & 1) s.indices.push(i);
  }
  // Padding bits past n in the last byte must be zero.
  if ((n & 7) != 0 && load<u8>(bm + bitmapLen - 1) >> (n & 7) != 0) r.fail(E_INVALID_VALUE);
  if (r.ok && s.indices.length == 0) r.fail(E_INVALID_VALUE);
  s.sigPtr = r.skip(<usize>s.indices.length * SIG_LEN);
  return s;
}

export function signersToJson(s: Signers, j: Json): void {
  j.num("n", s.n).arr("signatures");
  for (let i = 0; i < s.indices.length; i++) {
    j.itemObj().num("signer", s.indices[i]).hex("signature", s.sigPtr + <usize>i * SIG_LEN, SIG_LEN).end();
  }
  j.endArray();
}

/**
 * Writes `varint n ‖ bitmap ‖ signatures` from `m` entries at `entries`, each `u16le index ‖ [64]
 * signature`, in any order. Returns 0, or an error code: n outside 1..1024, no entry, an index
 * >= n or a repeated index.
 */
export function encodeSigners(w: Writer, n: u32, entries: usize, m: u32): u16 {
  if (n == 0) return E_INVALID_VALUE;
  if (n > MAX_VALIDATORS) return E_TOO_MANY_ITEMS;
  if (m == 0) return E_INVALID_VALUE;
  const slot = new Int32Array(<i32>n).fill(-1);
  for (let e: u32 = 0; e < m; e++) {
    const idx = <u32>load<u16>(entries + <usize>e * (2 + SIG_LEN));
    if (idx >= n || slot[idx] != -1) return E_INVALID_VALUE;
    slot[idx] = <i32>e;
  }
  w.varint(<u64>n);
  const bitmapLen = (n + 7) >> 3;
  for (let b: u32 = 0; b < bitmapLen; b++) {
    let byte: u32 = 0;
    for (let k: u32 = 0; k < 8; k++) {
      const i = (b << 3) + k;
      if (i < n && slot[i] != -1) byte |= 1 << k;
    }
    w.u8(<u8>byte);
  }
  for (let i: u32 = 0; i < n; i++) {
    if (slot[i] != -1) w.raw(entries + <usize>slot[i] * (2 + SIG_LEN) + 2, SIG_LEN);
  }
  return 0;
}

export class Certificate {
  kind: u8 = 0;
  body: Body = new Body();
  signers: Signers = new Signers();
}

export function decodeCertificate(r: Reader): Certificate | null {
  const c = new Certificate();
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  const kind = r.u8();
  if (r.ok && !isKind(kind)) r.fail(E_UNKNOWN_TAG);
  c.kind = kind;
  if (r.ok) c.body = decodeBody(r, kind);
  if (r.ok) c.signers = decodeSigners(r);
  return r.finish() ? c : null;
}

export class ProgressCertificate {
  progress: Progress = new Progress();
  recordPtr: usize = 0;
  recordLen: usize = 0;
  signers: Signers = new Signers();
}

/** Decodes a progress record that must fill [ptr, ptr+len) exactly; records its error in `r`. */
export function decodeRecordInto(r: Reader, ptr: usize, len: usize): Progress | null {
  const sub = new Reader(ptr, len);
  const p = decodeProgress(sub);
  if (p == null) r.fail(sub.err);
  return p;
}

export function decodeProgressCertificate(r: Reader): ProgressCertificate | null {
  const c = new ProgressCertificate();
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  const len = r.varintMax(MAX_PROGRESS_BYTES, E_FIELD_TOO_LONG);
  const ptr = r.skip(len);
  if (r.ok) {
    const p = decodeRecordInto(r, ptr, len);
    if (p != null) c.progress = p;
  }
  c.recordPtr = ptr;
  c.recordLen = len;
  if (r.ok) c.signers = decodeSigners(r);
  return r.finish() ? c : null;
}
