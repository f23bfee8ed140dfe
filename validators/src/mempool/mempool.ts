// The validator's mempool: signed transactions waiting for a block, per account in nonce order.
//
// Entry (`add`): size, decode (the wasm codec, the only parser), duplicate hash, nonce window,
// (signer, nonce) slot, bounds; then the signatures of everything that passed, in batches on the
// libuv pool (ed25519.verifyBatch, node:crypto). A signature is checked once, on entry, never again.
// Exit (`take`): a block's worth, for each account only the contiguous run from its next nonce,
// accounts interleaved round-robin. `take` does not remove: `prune` does, once a block is final.
//
// Policies (README.md): when full, new transactions are refused (no eviction); a different
// transaction for a (signer, nonce) already held is refused (no replacement), the first valid one
// wins; whatever has been held `maxAgeMs` is dropped. Data: a hash index in arrival order, one
// nonce-keyed map per account, and an insertion-ordered "ready" map of the accounts whose next
// nonce is held, so add is O(1) per transaction past decoding and verifying, take O(block),
// prune and expire O(removed).

import { hash as nodeHash } from "node:crypto";
import { type Codec, CoreError, ed25519, type TxSummary, txSignatureCheck, type VerifyItem } from "@nullspace/core";
import { TurnGate } from "@nullspace/core/node";
import { MempoolConfigError, MempoolErrorCode } from "./errors.js";

export type Hex = string;

export interface MempoolOptions {
  /** The wasm codec (only `txSummary` is used). */
  codec: Pick<Codec, "txSummary">;
  /** The chain id of the TX signing domain. */
  chainId: bigint;
  /** The signer's executed nonce (its next nonce) in state; asked when the pool holds nothing of that signer. */
  getAccountNonce: (signer: Hex) => bigint;
  /** Transactions held per signer (default 64). */
  maxPerAccount?: number;
  /** Transactions held in total (default 100,000). */
  maxTotal?: number;
  /** Bytes of transactions held in total (default 64 MiB). */
  maxTotalBytes?: number;
  /** Largest transaction accepted (default 4,096, the format's limit). */
  maxTxBytes?: number;
  /** Accepted nonces are in [next, next + nonceWindow) (default 64). */
  nonceWindow?: number;
  /** Transactions held this long are dropped, executable or not (default 10 minutes). */
  maxAgeMs?: number;
  /** Monotonic milliseconds (default performance.now; simulations pass their virtual clock). */
  now?: () => number;
  /** Signature batch verifier (default: ed25519.verifyBatch of @nullspace/core, every signature on
   * the libuv pool so admission never verifies on the thread that runs consensus). */
  verifyBatch?: (items: readonly VerifyItem[]) => Promise<boolean[]>;
}

export type AddResult =
  | { ok: true; hash: Hex }
  | {
      ok: false;
      code: MempoolErrorCode;
      /** Known once the bytes decode. */
      hash?: Hex;
      /** For MALFORMED: the codec's error code (docs/errors.md), when it gave one. */
      decodeCode?: number;
    };

export interface TakeOptions {
  /** At most this many transactions (default 20,000, a block's limit). */
  maxTxs?: number;
  /** At most this many transaction bytes (default unlimited; block framing not counted). */
  maxBytes?: number;
  /**
   * Next nonce per signer when it is past the executed one: the proposer's unfinalized ancestor
   * blocks already carry the nonces below it (pipelined proposals must not repeat them).
   */
  after?: ReadonlyMap<Hex, bigint>;
}

/** Block format limit (core-as/assembly/codec/limits.ts MAX_BLOCK_TXS). */
const MAX_BLOCK_TXS = 20_000;
/** Transactions decoded between two signature batches (and event-loop yields) in one add call:
 * ~2 ms of synchronous work, so consensus messages that arrive meanwhile wait at most that long. */
const CHUNK = 64;
/** Hashes `noteVerified` remembers: a few seconds of proposals at the admission bound's rate. */
const VERIFIED_MEMORY = 32_768;

interface Entry {
  readonly tx: Uint8Array;
  /** The wasm's summary of `tx` (hash, signer, nonce, …), taken on entry: proposals of held
   * transactions reuse it. */
  readonly summary: TxSummary;
  readonly account: Account;
  readonly addedAt: number;
}

interface Account {
  readonly signer: Hex;
  /** The next nonce to execute: nothing below it is held. */
  next: bigint;
  readonly txs: Map<bigint, Entry>;
}

interface Candidate {
  index: number;
  tx: Uint8Array;
  summary: TxSummary;
  item: VerifyItem;
  /** The signer's executed nonce as looked up for this candidate, valid while `generation` is the
   * pool's (no block executed since): admit then need not ask the host a second time. */
  stateNonce: bigint | undefined;
  generation: number;
}

export class Mempool {
  readonly maxPerAccount: number;
  readonly maxTotal: number;
  readonly maxTotalBytes: number;
  readonly maxTxBytes: number;
  readonly nonceWindow: number;
  readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly codec: Pick<Codec, "txSummary">;
  private readonly chainId: bigint;
  private readonly getAccountNonce: (signer: Hex) => bigint;
  private readonly verifyBatch: (items: readonly VerifyItem[]) => Promise<boolean[]>;
  private readonly window: bigint;

  /** Hashes of transactions verified outside `add` (noteVerified), oldest first. */
  private readonly verified = new Set<Hex>();
  /** Every entry, in arrival order (a Map keeps insertion order): expiry walks it from the front. */
  private readonly byHash = new Map<Hex, Entry>();
  private readonly bySigner = new Map<Hex, Account>();
  /** Accounts holding their next nonce, least recently served first (Map keeps insertion order). */
  private readonly ready = new Map<Hex, Account>();
  private count = 0;
  private totalBytes = 0;
  /** Executed blocks seen (prune calls): a state nonce looked up under an older one may be stale. */
  private generation = 0;
  /** Chunks of adds, at most CHUNK transactions' worth an event-loop iteration, in arrival order:
   * admission work never forms one long task however many adds are in flight. Small adds share an
   * iteration: with one turn each per iteration, 32 relays' one-transaction batches waited 32
   * iterations for the last (~140 admitted a second at 32 requests in flight, each answered after
   * ~110 ms). */
  private readonly turns = new TurnGate(CHUNK);

  constructor(o: MempoolOptions) {
    if (o == null || typeof o.codec?.txSummary !== "function") throw new MempoolConfigError("codec", "needs txSummary");
    if (typeof o.chainId !== "bigint" || o.chainId < 0n || o.chainId >= 1n << 64n) {
      throw new MempoolConfigError("chainId", "must be a bigint in [0, 2^64)");
    }
    if (typeof o.getAccountNonce !== "function") throw new MempoolConfigError("getAccountNonce", "must be a function");
    this.codec = o.codec;
    this.chainId = o.chainId;
    this.getAccountNonce = o.getAccountNonce;
    this.verifyBatch = o.verifyBatch ?? ((items) => ed25519.verifyBatch(items, { offMainThread: true }));
    this.maxPerAccount = positive("maxPerAccount", o.maxPerAccount ?? 64);
    this.maxTotal = positive("maxTotal", o.maxTotal ?? 100_000);
    this.maxTotalBytes = positive("maxTotalBytes", o.maxTotalBytes ?? 64 * 1024 * 1024);
    this.maxTxBytes = positive("maxTxBytes", o.maxTxBytes ?? 4096);
    this.nonceWindow = positive("nonceWindow", o.nonceWindow ?? 64);
    this.window = BigInt(this.nonceWindow);
    this.maxAgeMs = positive("maxAgeMs", o.maxAgeMs ?? 600_000);
    if (o.now !== undefined && typeof o.now !== "function") throw new MempoolConfigError("now", "must be a function");
    this.now = o.now ?? (() => performance.now());
  }

  /** Transactions held. */
  get size(): number {
    return this.count;
  }

  /** Bytes of the transactions held. */
  get bytes(): number {
    return this.totalBytes;
  }

  /** Signers with at least one transaction held. */
  get accounts(): number {
    return this.bySigner.size;
  }

  /** Whether the pool holds the transaction with this hash (sha256 of its bytes, lowercase hex). */
  has(hash: Hex): boolean {
    return this.byHash.has(typeof hash === "string" ? hash.toLowerCase() : hash);
  }

  /** The pool's next nonce for a signer it holds transactions of (undefined otherwise). */
  nextNonce(signer: Hex): bigint | undefined {
    return this.bySigner.get(signer.toLowerCase())?.next;
  }

  /**
   * Checks and admits transactions (from relays or peers); one result per input, in order. Never
   * throws or rejects on input. Cheap checks run first; signatures of the survivors are verified in
   * batches on the libuv pool while the next chunk decodes; then each is admitted in input order
   * after the cheap checks are repeated against the pool as it is then (another add or a prune may
   * have run meanwhile), so the bounds hold under concurrent calls.
   */
  async add(txs: readonly Uint8Array[]): Promise<AddResult[]> {
    if (!Array.isArray(txs)) return [];
    this.expire();
    const results = new Array<AddResult>(txs.length);
    const seen = new Set<Hex>();
    const slots = new Set<string>();
    const reservedBy = new Map<Hex, number>();
    const stateNonces = new Map<Hex, bigint>();
    let generation = this.generation;
    let reservedCount = 0;
    let reservedBytes = 0;
    const batches: { candidates: Candidate[]; verdicts: Promise<boolean[]> }[] = [];

    for (let start = 0; start < txs.length; start += CHUNK) {
      // One chunk per event-loop turn across every concurrent add (relays' batches and peers'
      // gossip alike), the first chunk included: votes and proposals that arrive meanwhile are
      // handled between two chunks instead of behind all of them.
      await this.turns.enter(Math.min(CHUNK, txs.length - start));
      if (generation !== this.generation) {
        stateNonces.clear(); // a block executed while this add waited: look them up again
        generation = this.generation;
      }
      const candidates: Candidate[] = [];
      const end = Math.min(txs.length, start + CHUNK);
      for (let i = start; i < end; i++) {
        const input: unknown = txs[i];
        if (!(input instanceof Uint8Array)) {
          results[i] = { ok: false, code: MempoolErrorCode.NOT_BYTES };
          continue;
        }
        if (input.length > this.maxTxBytes) {
          results[i] = { ok: false, code: MempoolErrorCode.TOO_LARGE };
          continue;
        }
        const tx = input.slice(); // our own copy: the caller may reuse its buffer while we verify
        let view: ReturnType<Codec["txSummary"]>;
        try {
          view = this.codec.txSummary(tx);
        } catch (e) {
          results[i] = e instanceof CoreError ? { ok: false, code: "MALFORMED", decodeCode: e.code } : { ok: false, code: "MALFORMED" };
          continue;
        }
        const { hash, signer, nonce } = view;
        if (this.byHash.has(hash) || seen.has(hash)) {
          results[i] = { ok: false, code: MempoolErrorCode.DUPLICATE, hash };
          continue;
        }
        const account = this.bySigner.get(signer);
        let stateNonce = account === undefined ? stateNonces.get(signer) : undefined;
        if (account === undefined && stateNonce === undefined) {
          stateNonce = this.stateNonce(signer);
          stateNonces.set(signer, stateNonce);
        }
        const next = account?.next ?? (stateNonce as bigint);
        const refused = this.checkNonce(nonce, next) ?? (account?.txs.has(nonce) ? MempoolErrorCode.NONCE_TAKEN : undefined);
        if (refused) {
          results[i] = { ok: false, code: refused, hash };
          continue;
        }
        // A second candidate for a slot already reserved in this call is verified too (the first
        // valid one wins), but reserves nothing more.
        const slot = signer + ":" + nonce;
        if (!slots.has(slot)) {
          const held = (account?.txs.size ?? 0) + (reservedBy.get(signer) ?? 0);
          if (held >= this.maxPerAccount) {
            results[i] = { ok: false, code: MempoolErrorCode.ACCOUNT_FULL, hash };
            continue;
          }
          if (this.count + reservedCount >= this.maxTotal || this.totalBytes + reservedBytes + tx.length > this.maxTotalBytes) {
            results[i] = { ok: false, code: MempoolErrorCode.POOL_FULL, hash };
            continue;
          }
          slots.add(slot);
          reservedBy.set(signer, (reservedBy.get(signer) ?? 0) + 1);
          reservedCount++;
          reservedBytes += tx.length;
        }
        seen.add(hash);
        candidates.push({ index: i, tx, summary: view, item: txSignatureCheck(view, tx, this.chainId), stateNonce, generation });
      }
      if (candidates.length > 0) batches.push({ candidates, verdicts: this.verify(candidates) });
    }

    for (const { candidates, verdicts } of batches) {
      const ok = await verdicts;
      for (let k = 0; k < candidates.length; k++) {
        const c = candidates[k]!;
        results[c.index] = ok[k] === true ? this.admit(c) : { ok: false, code: MempoolErrorCode.BAD_SIGNATURE, hash: c.summary.hash };
      }
    }
    return results;
  }

  /**
   * A block's worth of transactions: for each ready account the contiguous run of nonces from its
   * next nonce, interleaved round-robin (every account's first, then every account's second, ...),
   * accounts served least recently first. Nothing is removed (the block may not finalize). A
   * transaction that does not fit in `maxBytes` ends its account's run for this block.
   * O(transactions returned + accounts skipped for size). The arrays returned are copies.
   */
  take(opts: TakeOptions = {}): Uint8Array[] {
    const maxTxs = Math.min(opts.maxTxs ?? MAX_BLOCK_TXS, MAX_BLOCK_TXS);
    const maxBytes = opts.maxBytes ?? Number.POSITIVE_INFINITY;
    const out: Uint8Array[] = [];
    if (!(maxTxs > 0)) return out;
    let bytes = 0;
    let runs: Account[] = [];
    let nonces: bigint[] = [];
    const after = opts.after;
    for (const a of this.ready.values()) {
      if (out.length >= maxTxs) return out;
      const from = after?.get(a.signer);
      const first = from !== undefined && from > a.next ? from : a.next;
      const e = a.txs.get(first);
      if (e === undefined || bytes + e.tx.length > maxBytes) continue;
      out.push(e.tx.slice());
      bytes += e.tx.length;
      runs.push(a);
      nonces.push(first + 1n);
    }
    while (runs.length > 0 && out.length < maxTxs) {
      const nextRuns: Account[] = [];
      const nextNonces: bigint[] = [];
      for (let k = 0; k < runs.length && out.length < maxTxs; k++) {
        const a = runs[k]!;
        const n = nonces[k]!;
        const e = a.txs.get(n);
        if (e === undefined || bytes + e.tx.length > maxBytes) continue;
        out.push(e.tx.slice());
        bytes += e.tx.length;
        nextRuns.push(a);
        nextNonces.push(n + 1n);
      }
      runs = nextRuns;
      nonces = nextNonces;
    }
    return out;
  }

  /**
   * After a block is final and executed: drops its transactions, and for each signer in
   * `newNonces` (signer hex → its executed nonce) everything below that nonce. A signer of a
   * finalized transaction missing from `newNonces` is asked of `getAccountNonce`. Accounts that
   * advanced go to the back of the round-robin. O(transactions removed + finalized transactions).
   */
  prune(finalizedTxs: readonly Uint8Array[], newNonces: ReadonlyMap<Hex, bigint> = new Map()): void {
    this.generation++;
    this.expire();
    const touched = new Set<Account>();
    for (const tx of finalizedTxs) {
      if (!(tx instanceof Uint8Array)) continue;
      // The transaction hash is sha256 of its bytes (docs/formats.md); node's one-shot hash is ~10x
      // faster here than hashing and hex-encoding in JS.
      const e = this.byHash.get(nodeHash("sha256", tx, "hex"));
      if (e === undefined) continue;
      this.remove(e);
      touched.add(e.account);
    }
    const advanced = new Set<Account>();
    for (const [signer, nonce] of newNonces) {
      const a = this.bySigner.get(signer.toLowerCase());
      if (a === undefined) continue;
      if (this.advance(a, nonce)) advanced.add(a);
      touched.add(a);
    }
    for (const a of touched) {
      if (a.txs.size > 0 && !newNonces.has(a.signer) && this.advance(a, this.stateNonce(a.signer))) {
        advanced.add(a);
      }
      this.refresh(a, advanced.has(a));
    }
  }

  /**
   * Drops what has been held `maxAgeMs` or longer, oldest first; returns how many. add and prune
   * call it, so transactions that can never execute (behind a nonce gap that is never filled) do not
   * hold their place for ever. O(dropped).
   */
  expire(): number {
    const cutoff = this.now() - this.maxAgeMs;
    const touched = new Set<Account>();
    let dropped = 0;
    for (const e of this.byHash.values()) {
      if (e.addedAt > cutoff) break;
      this.remove(e);
      touched.add(e.account);
      dropped++;
    }
    for (const a of touched) this.refresh(a, false);
    return dropped;
  }

  // -------------------------------------------------------------------------------------------

  /** The host's executed nonce for a signer (a number is accepted and converted). */
  private stateNonce(signer: Hex): bigint {
    const n: unknown = this.getAccountNonce(signer);
    return typeof n === "bigint" ? n : BigInt(n as number);
  }

  private checkNonce(nonce: bigint, next: bigint): MempoolErrorCode | undefined {
    if (nonce < next) return MempoolErrorCode.STALE_NONCE;
    if (nonce >= next + this.window) return MempoolErrorCode.NONCE_TOO_FAR;
    return undefined;
  }

  /** Verifies the candidates whose signatures are not known good already (see `noteVerified`); a
   * verifier that throws or rejects counts as every signature failing. */
  private verify(candidates: Candidate[]): Promise<boolean[]> {
    const unknown = candidates.filter((c) => !this.verified.has(c.summary.hash));
    if (unknown.length === 0) return Promise.resolve(candidates.map(() => true));
    let verdicts: Promise<boolean[]>;
    try {
      verdicts = this.verifyBatch(unknown.map((c) => c.item)).catch(() => []);
    } catch {
      return Promise.resolve([]);
    }
    if (unknown.length === candidates.length) return verdicts;
    return verdicts.then((ok) => {
      const byHash = new Map(unknown.map((c, k) => [c.summary.hash, ok[k] === true]));
      return candidates.map((c) => byHash.get(c.summary.hash) ?? true);
    });
  }

  /**
   * Transactions whose signatures were checked elsewhere (a proposal's, before voting for it):
   * when gossip brings one of them afterwards it is not verified a second time. The hash is of the
   * whole transaction, signature included, so a hit is the very bytes that verified. Bounded,
   * oldest first out.
   */
  noteVerified(hashes: readonly Hex[]): void {
    for (const h of hashes) {
      this.verified.delete(h);
      this.verified.add(h);
    }
    for (const h of this.verified) {
      if (this.verified.size <= VERIFIED_MEMORY) break;
      this.verified.delete(h);
    }
  }

  /**
   * The summary taken when these very bytes entered the pool (they are held, so their signature
   * verified), or undefined: a proposal's held transactions need neither the wasm's decoding nor
   * a signature check again. One sha256 of the bytes.
   */
  heldSummary(tx: Uint8Array): TxSummary | undefined {
    return this.byHash.get(nodeHash("sha256", tx, "hex"))?.summary;
  }

  /** Held here (verified on entry) or noted as verified: its signature needs no second check. */
  isVerified(hash: Hex): boolean {
    return this.byHash.has(hash) || this.verified.has(hash);
  }

  /** Admits a transaction with a valid signature after repeating the cheap checks. */
  private admit(c: Candidate): AddResult {
    const { tx, summary } = c;
    const { hash, nonce, signer } = summary;
    if (this.byHash.has(hash)) return { ok: false, code: MempoolErrorCode.DUPLICATE, hash };
    let a = this.bySigner.get(signer);
    const next = a ? a.next : c.generation === this.generation && c.stateNonce !== undefined ? c.stateNonce : this.stateNonce(signer);
    const refused =
      this.checkNonce(nonce, next) ??
      (a?.txs.has(nonce) ? MempoolErrorCode.NONCE_TAKEN : undefined) ??
      ((a?.txs.size ?? 0) >= this.maxPerAccount ? MempoolErrorCode.ACCOUNT_FULL : undefined) ??
      (this.count >= this.maxTotal || this.totalBytes + tx.length > this.maxTotalBytes ? MempoolErrorCode.POOL_FULL : undefined);
    if (refused) return { ok: false, code: refused, hash };
    if (a === undefined) {
      a = { signer, next, txs: new Map() };
      this.bySigner.set(signer, a);
    }
    const e: Entry = { tx, summary, account: a, addedAt: this.now() };
    a.txs.set(nonce, e);
    this.byHash.set(hash, e);
    this.count++;
    this.totalBytes += tx.length;
    if (nonce === a.next) this.ready.set(signer, a);
    return { ok: true, hash };
  }

  private remove(e: Entry): void {
    e.account.txs.delete(e.summary.nonce);
    this.byHash.delete(e.summary.hash);
    this.count--;
    this.totalBytes -= e.tx.length;
  }

  /** Moves an account's next nonce up to `next`, dropping what is below. Whether it moved. */
  private advance(a: Account, next: bigint): boolean {
    if (typeof next !== "bigint" || next <= a.next) return false;
    if (next - a.next <= BigInt(a.txs.size)) {
      for (let n = a.next; n < next; n++) {
        const e = a.txs.get(n);
        if (e !== undefined) this.remove(e);
      }
    } else {
      for (const e of a.txs.values()) if (e.summary.nonce < next) this.remove(e);
    }
    a.next = next;
    return true;
  }

  /** Re-files an account after a prune: dropped when empty, ready when it holds its next nonce. */
  private refresh(a: Account, toBack: boolean): void {
    if (a.txs.size === 0) {
      this.bySigner.delete(a.signer);
      this.ready.delete(a.signer);
    } else if (a.txs.has(a.next)) {
      if (toBack) this.ready.delete(a.signer);
      this.ready.set(a.signer, a);
    } else {
      this.ready.delete(a.signer);
    }
  }
}

function positive(option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new MempoolConfigError(option, `must be a positive integer, got ${value}`);
  return value;
}
