// The one execution entry point: a finalized block and its beacon value in; events, the progress
// record (state root, events root, transactions root) out.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Block, decodeBlock, headerDigest } from "../codec/block";
import { Tx, Op, decodeTxInto } from "../codec/tx";
import { Ev } from "../codec/event";
import { Progress, encodeProgress } from "../codec/progress";
import { BEACON_LEN } from "../codec/limits";
import { Account } from "../state/account";
import { mmrRootOfLeafHashes } from "../commit/mmr";
import { sha256Raw } from "../crypto/sha256";
import { hashPrefixed33Many, hashPrefixed33x4 } from "../crypto/sha256x4";
import { hashPrefixed } from "../crypto/sha256";
import { Prefix } from "../state/keys";
import { State } from "./state";
import { EventSink, TxContext } from "./events";
import { register, faucet, rotateAdmins, setPolicy } from "./accounts";
import { startGame, moveGame } from "./games";
import { joinTournament, startTournament, endTournament, setFreerollLimit } from "./tournaments";
import {
  E_WRONG_CHAIN, E_WRONG_HEIGHT, E_WRONG_PARENT, E_TIMESTAMP_REGRESSION, E_BAD_BEACON, E_TX_ROOT_MISMATCH,
  E_MALFORMED_TX, E_NONCE_MISMATCH, E_UNKNOWN_ACCOUNT,
} from "../errors";

export namespace Status {
  export const EXECUTED: u8 = 0;
  export const ALREADY_EXECUTED: u8 = 1;
}

const ZERO_KEY = new Uint8Array(32);

export class Executor {
  private ev: EventSink;
  private digests: Uint8Array = new Uint8Array(32 * 256);
  private leafHashes: Uint8Array = new Uint8Array(32 * 256);
  /** sha256(account key) of each transaction's signer, computed for the whole block at once. */
  private keyHashes: Uint8Array = new Uint8Array(32 * 256);
  private ctx: TxContext = new TxContext();
  private tx: Tx = new Tx();
  private reader: Reader = new Reader(0, 0);

  constructor(public state: State) {
    this.ev = new EventSink(state.eventLog);
  }

  /** Returns the raw memory of this executor and of its state (both are unusable afterwards). */
  free(): void {
    this.ev.free();
    this.state.free();
  }

  /**
   * Executes `block` with beacon value `sigma` (empty or 48 bytes). Returns 0 and writes
   * status ‖ varBytes(progress) ‖ count ‖ varBytes(event)* to `out`, or returns a block-level
   * error code having changed nothing.
   */
  execute(blockPtr: usize, blockLen: usize, sigma: Uint8Array, out: Writer): u16 {
    const r = new Reader(blockPtr, blockLen);
    const block = decodeBlock(r);
    if (block == null) return r.err;
    const code = this.run(block, sigma, out);
    block.txs.free();
    return code;
  }

  private run(block: Block, sigma: Uint8Array, out: Writer): u16 {
    const s = this.state;
    const h = block.header;
    if (h.chainId != s.meta.chainId) return E_WRONG_CHAIN;
    if (h.height <= s.meta.height) {
      out.u8(Status.ALREADY_EXECUTED).varint(0).varint(0);
      return 0;
    }
    if (h.height != s.meta.height + 1) return E_WRONG_HEIGHT;
    if (memory.compare(h.parent.dataStart, s.meta.lastDigest.dataStart, 32) != 0) return E_WRONG_PARENT;
    if (h.timestampMs < s.meta.lastTimestampMs) return E_TIMESTAMP_REGRESSION;
    if (sigma.length != 0 && sigma.length != BEACON_LEN) return E_BAD_BEACON;

    const n = <i32>block.txs.count;
    if (this.digests.length < n * 32) {
      this.digests = new Uint8Array(n * 32);
      this.leafHashes = new Uint8Array(n * 32);
      this.keyHashes = new Uint8Array(n * 32);
    }
    const digests = this.digests.dataStart;
    const leafHashes = this.leafHashes.dataStart;
    block.txs.hashInto(digests);
    // The block's root and the transaction log share the leaf hashes.
    hashPrefixed33Many(0x00, digests, <u32>n, leafHashes);
    const txRoot = new Uint8Array(32);
    mmrRootOfLeafHashes(leafHashes, <u32>n, txRoot.dataStart);
    if (memory.compare(txRoot.dataStart, h.txRoot.dataStart, 32) != 0) return E_TX_ROOT_MISMATCH;

    // From here on the block is accepted and executes in full.
    const p = new Progress();
    p.chainId = h.chainId;
    p.height = h.height;
    headerDigest(h, p.blockDigest.dataStart);
    if (sigma.length != 0) sha256Raw(sigma.dataStart, <usize>sigma.length, p.beaconHash.dataStart);
    p.txStart = s.txLog.leafCount;
    p.eventStart = s.eventLog.leafCount;
    this.ev.reset();
    const ctx = this.ctx;
    ctx.height = h.height;
    ctx.timestampMs = h.timestampMs;
    ctx.sigma = sigma;
    s.txLog.appendLeafHashes(leafHashes, <u32>n);
    hashSignerKeys(block, this.keyHashes.dataStart);
    for (let i = 0; i < n; i++) {
      ctx.txIndex = <u32>i;
      this.applyTx(block.txs.ptr(<u32>i), block.txs.len(<u32>i), this.keyHashes.dataStart + (<usize>i << 5));
    }
    s.meta.height = h.height;
    s.meta.lastTimestampMs = h.timestampMs;
    memory.copy(s.meta.lastDigest.dataStart, p.blockDigest.dataStart, 32);
    this.ev.finishBlock();
    s.writeChainRecords();
    s.store.root(p.stateRoot.dataStart);
    s.eventLog.root(p.eventsRoot.dataStart);
    s.txLog.root(p.txLogRoot.dataStart);
    p.txEnd = s.txLog.leafCount;
    p.eventEnd = s.eventLog.leafCount;

    out.u8(Status.EXECUTED);
    const pw = new Writer(256);
    encodeProgress(p, pw);
    out.varint(<u64>pw.len).raw(pw.ptr, <usize>pw.len);
    out.varint(<u64>this.ev.count).raw(this.ev.out.ptr, <usize>this.ev.out.len);
    return 0;
  }

  private applyTx(ptr: usize, len: u32, keyHash: usize): void {
    const s = this.state;
    const ctx = this.ctx;
    const tx = decodeTxInto(this.reader.reset(ptr, len), this.tx);
    if (tx == null) {
      ctx.signer = ZERO_KEY;
      ctx.nonce = 0;
      this.txError(0, E_MALFORMED_TX, false);
      return;
    }
    ctx.signer = tx.signer;
    ctx.nonce = tx.nonce;
    let a = s.loadAccount(keyHash);
    const expected: u64 = a ? a.nonce : 0;
    if (tx.nonce != expected) {
      this.txError(tx.op, E_NONCE_MISMATCH, false);
      return;
    }
    if (a == null) {
      // Only registering, or an admin acting, may bring a new key into state.
      const isAdminOp = tx.op == Op.ADMIN_ROTATE_KEYS || tx.op == Op.ADMIN_SET_POLICY || tx.op == Op.ADMIN_SET_FREEROLL_LIMIT;
      if (tx.op != Op.REGISTER && !(isAdminOp && s.admins.has(tx.signer))) {
        this.txError(tx.op, E_UNKNOWN_ACCOUNT, false);
        return;
      }
      a = s.newAccount();
    }
    a.nonce++;
    const code = this.dispatch(tx, a);
    if (code != 0) this.txError(tx.op, code, true);
    s.saveAccount(tx.signer, a);
  }

  private dispatch(tx: Tx, a: Account): u16 {
    const s = this.state;
    if (tx.op == Op.REGISTER) return register(s, this.ctx, tx, a, this.ev);
    if (tx.op == Op.FAUCET) return faucet(s, this.ctx, a, this.ev);
    if (tx.op == Op.ADMIN_ROTATE_KEYS) return rotateAdmins(s, this.ctx, tx, this.ev);
    if (tx.op == Op.ADMIN_SET_POLICY) return setPolicy(s, this.ctx, tx, this.ev);
    if (tx.op == Op.GAME_START) return startGame(s, this.ctx, tx, a, this.ev);
    if (tx.op == Op.GAME_MOVE) return moveGame(s, this.ctx, tx, a, this.ev);
    if (tx.op == Op.TOURNAMENT_JOIN) return joinTournament(s, this.ctx, tx, a, this.ev);
    if (tx.op == Op.TOURNAMENT_START) return startTournament(s, this.ctx, tx, this.ev);
    if (tx.op == Op.TOURNAMENT_END) return endTournament(s, this.ctx, tx, this.ev);
    if (tx.op == Op.ADMIN_SET_FREEROLL_LIMIT) return setFreerollLimit(s, this.ctx, tx, this.ev);
    return E_MALFORMED_TX; // unreachable: decodeTx refuses unknown ops
  }

  private txError(op: u8, code: u16, nonceConsumed: bool): void {
    this.ev.begin(this.ctx, Ev.TX_ERROR).u8(op).varint(<u64>code).bool(nonceConsumed);
    this.ev.end();
  }
}

/**
 * sha256(0x01 ‖ signer) for every transaction of a block, four at a time: the state key hash of
 * each signer's account. The signer sits after the version byte and the nonce varint; a
 * transaction too short to have one gets a hash nobody looks up (it fails to decode).
 */
function hashSignerKeys(block: Block, out: usize): void {
  const n = block.txs.count;
  const signers = new StaticArray<u32>(<i32>n);
  for (let i: u32 = 0; i < n; i++) {
    const start = block.txs.ptr(i);
    const end = start + <usize>block.txs.len(i);
    let p = start + 1;
    while (p < end && (load<u8>(p) & 0x80) != 0) p++;
    p++;
    unchecked((signers[i] = <u32>(p + 32 <= end ? p : ZERO_KEY.dataStart)));
  }
  let i: u32 = 0;
  for (; i + 4 <= n; i += 4) {
    hashPrefixed33x4(
      Prefix.ACCOUNT,
      unchecked(signers[i]), unchecked(signers[i + 1]), unchecked(signers[i + 2]), unchecked(signers[i + 3]),
      out + (<usize>i << 5), out + (<usize>(i + 1) << 5), out + (<usize>(i + 2) << 5), out + (<usize>(i + 3) << 5),
    );
  }
  for (; i < n; i++) hashPrefixed(Prefix.ACCOUNT, unchecked(signers[i]), 32, out + (<usize>i << 5));
}
