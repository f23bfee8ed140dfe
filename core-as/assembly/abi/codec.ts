// ABI: the one codec, for hosts. Builders take primitive arguments and return canonical bytes;
// decoders return a JSON view (or a coded error for malformed bytes).
import { inputPtr, reserveOutput } from "../io";
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Json } from "../codec/json";
import { Tx, Op, decodeTx, decodeTxInto, encodeTxBody, txToJson } from "../codec/tx";
import { BlockHeader, decodeBlock, encodeHeader, headerDigest, headerToJson } from "../codec/block";
import { eventToJson } from "../codec/event";
import { eventToFrame } from "../codec/event-frame";
import { decodeProgress, progressToJson } from "../codec/progress";
import { Genesis, encodeGenesis, decodeGenesis } from "../codec/genesis";
import { isValidUtf8 } from "../codec/utf8";
import {
  KIND_NULLIFY,
  MAX_VALIDATORS,
  MAX_PROGRESS_BYTES,
  Proposal,
  Body,
  isKind,
  encodeProposal,
  decodeBodyExact,
  bodyToJson,
  decodeVote,
  voteKindName,
  certificateKindName,
  encodeSigners,
  signersToJson,
  decodeCertificate,
  decodeProgressCertificate,
  decodeRecordInto,
} from "../codec/consensus";
import { FLAG_SIGMA, FLAG_PROGRESS, KNOWN_FLAGS, encodeFinalized, decodeFinalized } from "../codec/finalized";
import { isValidAdminSet } from "../state/chain";
import { mmrRootOf } from "../commit/mmr";
import { sha256Raw } from "../crypto/sha256";
import { RandomStream } from "../random/stream";
import { KEY_LEN, SIG_LEN, BEACON_LEN, FORMAT_VERSION, MAX_NAME_BYTES, MAX_TX_BYTES, MAX_BLOCK_TXS, MAX_ADMIN_KEYS } from "../codec/limits";
import { fail, E_BAD_ARGUMENTS, E_INVALID_UTF8, E_FIELD_TOO_LONG, E_INVALID_VALUE, E_TOO_MANY_ITEMS } from "../errors";

const out = new Writer(4096);

function wrapInput(offset: u32, len: u32): Uint8Array {
  const b = new Uint8Array(<i32>len);
  memory.copy(b.dataStart, inputPtr() + offset, len);
  return b;
}

function emitJson(j: Json): i32 {
  const buf = String.UTF8.encode(j.toString());
  return out.reset().raw(changetype<usize>(buf), <usize>buf.byteLength).toOutput();
}

/** Starts a transaction body from the signer (first 32 input bytes); null if the input is short. */
function txFor(len: u32, nonce: u64, op: u8): Tx | null {
  if (len < <u32>KEY_LEN) return null;
  const tx = new Tx();
  tx.nonce = nonce;
  tx.signer = wrapInput(0, KEY_LEN);
  tx.op = op;
  return tx;
}

function bodyOutput(tx: Tx): i32 {
  const w = out.reset();
  encodeTxBody(tx, w);
  return w.toOutput();
}

/** Input: signer ‖ name (UTF-8). Output: the unsigned body of a Register transaction. */
export function tx_register(len: u32, nonce: u64): i32 {
  const tx = txFor(len, nonce, Op.REGISTER);
  if (tx == null) return fail(E_BAD_ARGUMENTS);
  const n = len - KEY_LEN;
  if (n == 0) return fail(E_INVALID_VALUE);
  if (n > MAX_NAME_BYTES) return fail(E_FIELD_TOO_LONG);
  if (!isValidUtf8(inputPtr() + KEY_LEN, n)) return fail(E_INVALID_UTF8);
  tx.name = wrapInput(KEY_LEN, n);
  return bodyOutput(tx);
}

/** Input: signer. */
export function tx_faucet(len: u32, nonce: u64): i32 {
  const tx = txFor(len, nonce, Op.FAUCET);
  if (tx == null || len != <u32>KEY_LEN) return fail(E_BAD_ARGUMENTS);
  return bodyOutput(tx);
}

/** Input: signer ‖ new admin keys (k × 32). */
export function tx_rotate_admins(len: u32, nonce: u64): i32 {
  const tx = txFor(len, nonce, Op.ADMIN_ROTATE_KEYS);
  if (tx == null || (len - KEY_LEN) % KEY_LEN != 0) return fail(E_BAD_ARGUMENTS);
  const k = (len - KEY_LEN) / KEY_LEN;
  if (k > MAX_ADMIN_KEYS) return fail(E_TOO_MANY_ITEMS);
  for (let i: u32 = 0; i < k; i++) tx.keys.push(wrapInput(KEY_LEN * (i + 1), KEY_LEN));
  if (!isValidAdminSet(tx.keys)) return fail(E_INVALID_VALUE);
  return bodyOutput(tx);
}

/** Input: signer. */
export function tx_set_policy(len: u32, nonce: u64, field: u32, value: u64): i32 {
  const tx = txFor(len, nonce, Op.ADMIN_SET_POLICY);
  if (tx == null || len != <u32>KEY_LEN || field > 255) return fail(E_BAD_ARGUMENTS);
  tx.policyField = <u8>field;
  tx.policyValue = value;
  return bodyOutput(tx);
}

/** Input: a whole signed transaction. Output: its JSON view with its hash and signed length. */
export function tx_decode(len: u32): i32 {
  const r = new Reader(inputPtr(), len);
  const tx = decodeTx(r);
  if (tx == null) return fail(r.err);
  const hash = new Uint8Array(32);
  sha256Raw(inputPtr(), len, hash.dataStart);
  const j = new Json().begin();
  txToJson(tx, j);
  j.hexBytes("hash", hash).num("bodyLength", tx.bodyLen);
  return emitJson(j.end());
}

const summaryTx = new Tx();
const summaryReader = new Reader(0, 0);

/**
 * Input: a whole signed transaction. Output (an ABI frame, docs/core-abi.md): op u8 ‖ bodyLength
 * u32le ‖ nonce u64le ‖ signer [32] ‖ sha256(tx) [32]. The cheap path for mempools and relays,
 * which check every submission: same validation as tx_decode, no JSON.
 */
export function tx_summary(len: u32): i32 {
  const tx = decodeTxInto(summaryReader.reset(inputPtr(), len), summaryTx);
  if (tx == null) return fail(summaryReader.err);
  const out = reserveOutput(77);
  store<u8>(out, tx.op);
  store<u32>(out + 1, tx.bodyLen);
  store<u64>(out + 5, tx.nonce);
  memory.copy(out + 13, tx.signer.dataStart, 32);
  sha256Raw(inputPtr(), len, out + 45);
  return 77;
}

// A block under construction by block_begin / block_add_tx / block_finish.
let building: Uint8Array[] = [];

export function block_begin(len: u32): i32 {
  building = [];
  return 0;
}

/** Input: one transaction's bytes (not decoded here: blocks only delimit them). */
export function block_add_tx(len: u32): i32 {
  if (len == 0 || len > MAX_TX_BYTES) return fail(E_FIELD_TOO_LONG);
  if (<u32>building.length >= MAX_BLOCK_TXS) return fail(E_TOO_MANY_ITEMS);
  building.push(wrapInput(0, len));
  return building.length;
}

/** Input: parent digest (32). Output: header ‖ body of the block built so far. */
export function block_finish(len: u32, chainId: u64, height: u64, view: u64, timestampMs: u64, proposer: u32): i32 {
  if (len != 32 || proposer > 0xffff) return fail(E_BAD_ARGUMENTS);
  const h = new BlockHeader();
  h.chainId = chainId;
  h.height = height;
  h.view = view;
  h.timestampMs = timestampMs;
  h.proposer = proposer;
  h.parent = wrapInput(0, 32);
  const n = building.length;
  const digests = new Uint8Array(n * 32 + 1);
  for (let i = 0; i < n; i++) {
    const t = building[i];
    sha256Raw(t.dataStart, <usize>t.length, digests.dataStart + (<usize>i << 5));
  }
  mmrRootOf(digests.dataStart, <u32>n, h.txRoot.dataStart);
  const w = out.reset();
  encodeHeader(h, w);
  w.varint(<u64>n);
  for (let i = 0; i < n; i++) w.varBytes(building[i]);
  building = [];
  return w.toOutput();
}

/** Input: a whole block. Output: JSON {header, digest, headerLength, txs: [hex]}. */
export function block_decode(len: u32): i32 {
  const r = new Reader(inputPtr(), len);
  const b = decodeBlock(r);
  if (b == null) return fail(r.err);
  const digest = new Uint8Array(32);
  headerDigest(b.header, digest.dataStart);
  const j = new Json().begin().obj("header");
  headerToJson(b.header, j);
  j.end().hexBytes("digest", digest).num("headerLength", b.header.len).arr("txs");
  for (let i: u32 = 0; i < b.txs.count; i++) {
    const bytes = new Uint8Array(<i32>b.txs.len(i));
    memory.copy(bytes.dataStart, b.txs.ptr(i), b.txs.len(i));
    j.itemHex(bytes);
  }
  b.txs.free();
  return emitJson(j.endArray().end());
}

export function event_decode(len: u32): i32 {
  const r = new Reader(inputPtr(), len);
  const s = eventToJson(r);
  if (s == null) return fail(r.err);
  const buf = String.UTF8.encode(s);
  return out.reset().raw(changetype<usize>(buf), <usize>buf.byteLength).toOutput();
}

/** The event as an ABI frame (no JSON): the fields of event_decode's view, fixed-width. */
export function event_frame(len: u32): i32 {
  const r = new Reader(inputPtr(), len);
  if (!eventToFrame(r, out.reset())) return fail(r.err);
  return out.toOutput();
}

export function progress_decode(len: u32): i32 {
  const r = new Reader(inputPtr(), len);
  const p = decodeProgress(r);
  if (p == null) return fail(r.err);
  const j = new Json().begin();
  progressToJson(p, j);
  return emitJson(j.end());
}

/** Input: admin keys (k × 32). Output: the genesis record. */
export function genesis_encode(len: u32, chainId: u64, genesisTimeMs: u64, faucetEnabled: u32): i32 {
  if (len % KEY_LEN != 0 || faucetEnabled > 1) return fail(E_BAD_ARGUMENTS);
  const g = new Genesis();
  g.chainId = chainId;
  g.genesisTimeMs = genesisTimeMs;
  g.faucetEnabled = faucetEnabled == 1;
  for (let i: u32 = 0; i < len / KEY_LEN; i++) g.admins.push(wrapInput(i * KEY_LEN, KEY_LEN));
  if (!isValidAdminSet(g.admins)) return fail(E_INVALID_VALUE);
  const w = out.reset();
  encodeGenesis(g, w);
  return w.toOutput();
}

export function genesis_decode(len: u32): i32 {
  const r = new Reader(inputPtr(), len);
  const g = decodeGenesis(r);
  if (g == null) return fail(r.err);
  const digest = new Uint8Array(32);
  sha256Raw(inputPtr(), len, digest.dataStart);
  const j = new Json().begin().big("chainId", g.chainId).big("genesisTimeMs", g.genesisTimeMs).arr("admins");
  for (let i = 0; i < g.admins.length; i++) j.itemHex(g.admins[i]);
  return emitJson(j.endArray().bool("faucetEnabled", g.faucetEnabled).hexBytes("digest", digest).end());
}

/** Input: σ. Output: `count` draws below `bound` (u32 LE each) from the stream of (σ, session, move). */
export function random_draws(len: u32, sessionId: u64, move: u32, count: u32, bound: u32): i32 {
  if (count > 1 << 20) return fail(E_BAD_ARGUMENTS);
  const sigma = wrapInput(0, len);
  const rs = new RandomStream(sigma, sessionId, move);
  const w = out.reset();
  for (let i: u32 = 0; i < count; i++) w.u32le(bound == 0 ? rs.nextU32() : rs.below(bound));
  return w.toOutput();
}

/** Input: σ. Output: a Fisher–Yates permutation of 0..n-1 (n <= 256) from the stream. */
export function random_shuffle(len: u32, sessionId: u64, move: u32, n: u32): i32 {
  if (n > 256) return fail(E_BAD_ARGUMENTS);
  const rs = new RandomStream(wrapInput(0, len), sessionId, move);
  const w = out.reset();
  for (let i: u32 = 0; i < n; i++) w.u8(<u8>i);
  rs.shuffleBytes(w.ptr, n);
  return w.toOutput();
}


// Consensus messages (docs/formats.md, "Consensus messages and certificates").

/**
 * The body of a vote or certificate of `kind` (1 notarize, 2 nullify, 3 finalize): what is signed
 * after the domain prefix. Input: parent ‖ block digest (64 bytes) for notarize and finalize (the
 * proposal), nothing for nullify (`height` is then ignored and must be 0).
 */
export function vote_body(len: u32, kind: u32, view: u64, height: u64): i32 {
  if (!isKind(kind)) return fail(E_BAD_ARGUMENTS);
  const w = out.reset();
  if (<u8>kind == KIND_NULLIFY) {
    if (len != 0 || height != 0) return fail(E_BAD_ARGUMENTS);
    w.varint(view);
  } else {
    if (len != 64) return fail(E_BAD_ARGUMENTS);
    const p = new Proposal();
    p.view = view;
    p.height = height;
    p.parent = wrapInput(0, 32);
    p.digest = wrapInput(32, 32);
    encodeProposal(p, w);
  }
  return w.toOutput();
}

/** Input: body ‖ signature (64). Output: the vote of `kind` by validator `signer` (< 1024). */
export function vote_encode(len: u32, kind: u32, signer: u32): i32 {
  if (!isKind(kind) || len < <u32>SIG_LEN) return fail(E_BAD_ARGUMENTS);
  if (signer >= MAX_VALIDATORS) return fail(E_INVALID_VALUE);
  const bodyLen = len - <u32>SIG_LEN;
  const r = new Reader(inputPtr(), bodyLen);
  if (decodeBodyExact(r, <u8>kind) == null) return fail(r.err);
  const w = out.reset();
  w.u8(FORMAT_VERSION).u8(<u8>kind).varint(<u64>signer).raw(inputPtr(), len);
  return w.toOutput();
}

/** Input: a vote. Output: JSON {kind, signer, view, height?, parent?, digest?, body, signature}. */
export function vote_decode(len: u32): i32 {
  const r = new Reader(inputPtr(), len);
  const v = decodeVote(r);
  if (v == null) return fail(r.err);
  const j = new Json().begin().str("kind", voteKindName(v.kind)).num("signer", v.signer);
  bodyToJson(v.body, j);
  return emitJson(j.hex("signature", v.sigPtr, SIG_LEN).end());
}

/** Checks an entries region (m × (u16le index ‖ [64] signature)) of the input; m, or -1. */
function entryCount(offset: u32, len: u32): i32 {
  if (offset > len || (len - offset) % <u32>(2 + SIG_LEN) != 0) return -1;
  return <i32>((len - offset) / <u32>(2 + SIG_LEN));
}

/**
 * Input: body (bodyLen bytes) ‖ m × (u16le signer index ‖ [64] signature), in any order.
 * Output: the certificate of `kind` over a set of `n` validators, signatures in index order.
 * Refuses a body that does not decode, n outside 1..1024, no signature, an index >= n, a repeat.
 */
export function certificate_encode(len: u32, kind: u32, n: u32, bodyLen: u32): i32 {
  if (!isKind(kind)) return fail(E_BAD_ARGUMENTS);
  const m = entryCount(bodyLen, len);
  if (m < 0) return fail(E_BAD_ARGUMENTS);
  const r = new Reader(inputPtr(), bodyLen);
  if (decodeBodyExact(r, <u8>kind) == null) return fail(r.err);
  const w = out.reset();
  w.u8(FORMAT_VERSION).u8(<u8>kind).raw(inputPtr(), bodyLen);
  const code = encodeSigners(w, n, inputPtr() + bodyLen, <u32>m);
  if (code != 0) return fail(code);
  return w.toOutput();
}

/** Input: a certificate. Output: JSON {kind, view, height?, parent?, digest?, body, n, signatures: [{signer, signature}]}. */
export function certificate_decode(len: u32): i32 {
  const r = new Reader(inputPtr(), len);
  const c = decodeCertificate(r);
  if (c == null) return fail(r.err);
  const j = new Json().begin().str("kind", certificateKindName(c.kind));
  bodyToJson(c.body, j);
  signersToJson(c.signers, j);
  return emitJson(j.end());
}

/** Input: progress record (recordLen bytes) ‖ m × (u16le signer index ‖ [64] signature). Output: the progress certificate. */
export function progress_certificate_encode(len: u32, n: u32, recordLen: u32): i32 {
  const m = entryCount(recordLen, len);
  if (m < 0) return fail(E_BAD_ARGUMENTS);
  if (recordLen > MAX_PROGRESS_BYTES) return fail(E_FIELD_TOO_LONG);
  const r = new Reader(0, 0);
  if (decodeRecordInto(r, inputPtr(), recordLen) == null) return fail(r.err);
  const w = out.reset();
  w.u8(FORMAT_VERSION).varint(<u64>recordLen).raw(inputPtr(), recordLen);
  const code = encodeSigners(w, n, inputPtr() + recordLen, <u32>m);
  if (code != 0) return fail(code);
  return w.toOutput();
}

/** Input: a progress certificate. Output: JSON {progress: {…}, record, n, signatures: [{signer, signature}]}. */
export function progress_certificate_decode(len: u32): i32 {
  const r = new Reader(inputPtr(), len);
  const c = decodeProgressCertificate(r);
  if (c == null) return fail(r.err);
  const j = new Json().begin().obj("progress");
  progressToJson(c.progress, j);
  j.end().hex("record", c.recordPtr, c.recordLen);
  signersToJson(c.signers, j);
  return emitJson(j.end());
}

// Finalized-height bundles (docs/formats.md, "Finalized bundle").

/**
 * Input: block (blockLen) ‖ finalization certificate (finalizationLen) ‖ σ (48, if flags bit 0) ‖
 * progress certificate (the rest, if flags bit 1). Output: the bundle of `height`, after decoding
 * it exactly as finalized_decode would (so every refusal of the decoder is one of the builder).
 */
export function finalized_encode(len: u32, height: u64, blockLen: u32, finalizationLen: u32, flags: u32): i32 {
  if ((flags & ~(<u32>KNOWN_FLAGS)) != 0) return fail(E_INVALID_VALUE);
  const sigmaLen: u64 = (flags & FLAG_SIGMA) != 0 ? <u64>BEACON_LEN : 0;
  const fixed = <u64>blockLen + <u64>finalizationLen + sigmaLen;
  if (fixed > <u64>len || ((flags & FLAG_PROGRESS) == 0 && fixed != <u64>len)) return fail(E_BAD_ARGUMENTS);
  const p = inputPtr();
  const w = out.reset();
  const finalization = p + blockLen;
  const sigma = finalization + finalizationLen;
  const progress = sigma + <usize>sigmaLen;
  encodeFinalized(w, height, p, blockLen, finalization, finalizationLen, sigma, progress, len - <u32>fixed, <u8>flags);
  const r = new Reader(w.ptr, <usize>w.len);
  if (decodeFinalized(r) == null) return fail(r.err);
  return w.toOutput();
}

/**
 * Input: a bundle. Output (an ABI frame, no JSON: blocks can be megabytes): u8 flags ‖ u64le height
 * ‖ [32] block digest ‖ [32] parent digest ‖ u32le offset ‖ u32le length of the block ‖ the same of
 * the finalization ‖ u32le offset of σ ‖ u32le offset ‖ u32le length of the progress certificate;
 * offsets are into the input, and 0 with length 0 for an absent part.
 */
export function finalized_decode(len: u32): i32 {
  const base = inputPtr();
  const r = new Reader(base, len);
  const f = decodeFinalized(r);
  if (f == null) return fail(r.err);
  const o = reserveOutput(101);
  store<u8>(o, f.flags);
  store<u64>(o + 1, f.height);
  memory.copy(o + 9, f.digest.dataStart, 32);
  memory.copy(o + 41, f.parent.dataStart, 32);
  store<u32>(o + 73, <u32>(f.blockPtr - base));
  store<u32>(o + 77, <u32>f.blockLen);
  store<u32>(o + 81, <u32>(f.finalizationPtr - base));
  store<u32>(o + 85, <u32>f.finalizationLen);
  store<u32>(o + 89, f.sigmaPtr == 0 ? 0 : <u32>(f.sigmaPtr - base));
  store<u32>(o + 93, f.progressPtr == 0 ? 0 : <u32>(f.progressPtr - base));
  store<u32>(o + 97, <u32>f.progressLen);
  return 101;
}

// Binary views of votes and certificates for hosts on the vote path (validators decode thousands
// per second; the JSON views cost ~20× more). Offsets are into the input.

function bodyToFrame(b: Body, base: usize, o: usize): void {
  store<u64>(o, b.view);
  const p = b.proposal;
  if (p != null) {
    store<u64>(o + 8, p.height);
    memory.copy(o + 16, p.parent.dataStart, 32);
    memory.copy(o + 48, p.digest.dataStart, 32);
  } else {
    memory.fill(o + 8, 0, 72);
  }
  store<u32>(o + 80, <u32>(b.ptr - base));
  store<u32>(o + 84, <u32>b.len);
}

/**
 * Input: a vote. Output: u8 kind ‖ u16le signer ‖ u64le view ‖ u64le height ‖ [32] parent ‖
 * [32] digest ‖ u32le body offset ‖ u32le body length ‖ u32le signature offset (height, parent and
 * digest zero for nullify).
 */
export function vote_decode_frame(len: u32): i32 {
  const base = inputPtr();
  const r = new Reader(base, len);
  const v = decodeVote(r);
  if (v == null) return fail(r.err);
  const o = reserveOutput(95);
  store<u8>(o, v.kind);
  store<u16>(o + 1, <u16>v.signer);
  bodyToFrame(v.body, base, o + 3);
  store<u32>(o + 91, <u32>(v.sigPtr - base));
  return 95;
}

/**
 * Input: a certificate. Output: u8 kind ‖ u64le view ‖ u64le height ‖ [32] parent ‖ [32] digest ‖
 * u32le body offset ‖ u32le body length ‖ u16le n ‖ u16le m ‖ u32le offset of the m signatures ‖
 * m × u16le signer index (increasing).
 */
export function certificate_decode_frame(len: u32): i32 {
  const base = inputPtr();
  const r = new Reader(base, len);
  const c = decodeCertificate(r);
  if (c == null) return fail(r.err);
  const m = c.signers.indices.length;
  const size = 97 + 2 * m;
  const o = reserveOutput(<u32>size);
  store<u8>(o, c.kind);
  bodyToFrame(c.body, base, o + 1);
  store<u16>(o + 89, <u16>c.signers.n);
  store<u16>(o + 91, <u16>m);
  store<u32>(o + 93, <u32>(c.signers.sigPtr - base));
  for (let i = 0; i < m; i++) store<u16>(o + 97 + <usize>i * 2, <u16>c.signers.indices[i]);
  return size;
}

/**
 * Input: a block. Output (no JSON: blocks are large): u64le chainId ‖ u64le height ‖ u64le view ‖
 * [32] parent ‖ u64le timestampMs ‖ [32] txRoot ‖ u32le proposer ‖ [32] digest ‖ u32le header
 * length ‖ u32le count ‖ count × (u32le offset ‖ u32le length) of each transaction in the input.
 */
export function block_decode_frame(len: u32): i32 {
  const base = inputPtr();
  const r = new Reader(base, len);
  const b = decodeBlock(r);
  if (b == null) return fail(r.err);
  const h = b.header;
  const count = b.txs.count;
  const size = 144 + 8 * count;
  const o = reserveOutput(size);
  store<u64>(o, h.chainId);
  store<u64>(o + 8, h.height);
  store<u64>(o + 16, h.view);
  memory.copy(o + 24, h.parent.dataStart, 32);
  store<u64>(o + 56, h.timestampMs);
  memory.copy(o + 64, h.txRoot.dataStart, 32);
  store<u32>(o + 96, h.proposer);
  headerDigest(h, o + 100);
  store<u32>(o + 132, h.len);
  store<u32>(o + 136, count);
  for (let i: u32 = 0; i < count; i++) {
    store<u32>(o + 140 + 8 * <usize>i, <u32>(b.txs.ptr(i) - base));
    store<u32>(o + 144 + 8 * <usize>i, b.txs.len(i));
  }
  b.txs.free();
  return size;
}
