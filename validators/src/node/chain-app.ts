// The application consensus orders blocks for, on a validator: the leader fills a block from
// the mempool (skipping nonces its unfinalized ancestors already carry), replicas check a proposal
// statelessly (header rules, size, every transaction's signature unless the mempool already
// verified it), and finalized blocks go on to execution.

import { type Codec, type Hex, type TxSummary, toHex, txSignatureCheck, type VerifyItem } from "@nullspace/core";
import { checkHeader, nextTimestamp } from "../consensus/header.js";
import type { Application, BlockRef, FinalizedBlock, ProposedBlock } from "../consensus/types.js";
import type { Mempool } from "../mempool/mempool.js";
import type { Clock } from "../runtime/clock.js";

export interface ChainAppOptions {
  codec: Codec;
  chainId: bigint;
  self: number;
  n: number;
  genesis: BlockRef;
  mempool: Mempool;
  clock: Clock;
  /** Wall-clock ms since the epoch (block timestamps). */
  wallClockMs(): bigint;
  verifyBatch(items: readonly VerifyItem[]): Promise<boolean[]>;
  finalized(f: FinalizedBlock): void;
  finalizedBlock?(digest: Uint8Array): ProposedBlock | undefined;
  /** Transactions per block (default 5,000). */
  maxBlockTxs?: number;
  /** Transaction bytes per block (default 1 MiB). */
  maxBlockBytes?: number;
  /** With an empty mempool, the leader waits this long for transactions before proposing an empty block (default 100 ms). */
  idleBlockMs?: number;
  /** A leader proposes no earlier than this long after its parent's timestamp (default 0: as soon
   * as the parent is certified). A target block time: fewer heights, each carrying more, for a
   * little latency; the relay benchmark uses it for the 10 heights a second. */
  minBlockIntervalMs?: number;
  /** After a block that needs σ, the next leader proposes no earlier than this long after its
   * timestamp (default 0). Each such height costs every validator a σ recovery and its pairing
   * check: at a moderate, steady rate of game moves, fewer heights each carrying more is both
   * cheaper and faster to finality (docs/benchmarks.md), and a chain of empty or σ-free blocks,
   * or a lone move after them, is not held back. Needs `needsBeacon`. */
  beaconIntervalMs?: number;
  /** Whether a block with these transactions needs σ (the executor's rule, drawsOnBeacon). */
  needsBeacon?: (summaries: readonly TxSummary[]) => boolean;
  /** A proposal's timestamp may be ahead of our clock by this much (default 2,000 ms). */
  maxDriftMs?: bigint;
}

interface Pending {
  parent: string;
  height: bigint;
  /** signer → the nonce after the highest this block carries. */
  nonces: Map<Hex, bigint>;
  /** The block needs σ (beaconIntervalMs paces its child). */
  drawsBeacon: boolean;
}

export class ChainApp implements Application {
  readonly genesis: BlockRef;
  private readonly pending = new Map<string, Pending>();
  private lastExecutedHeight = 0n;

  constructor(private readonly o: ChainAppOptions) {
    this.genesis = o.genesis;
  }

  async propose(view: bigint, parent: BlockRef, unfinalized: readonly ProposedBlock[] = []): Promise<Uint8Array | undefined> {
    // An ancestor this node never verified (it nullified that view, or fetched the block) carries
    // transactions the pool still holds: without its nonces the proposal repeated them, and each
    // repeat executed as a txError (1,377 of 111,504 under load, each in the very next height).
    for (const b of unfinalized) this.rememberBlock(b);
    const afterBeacon = this.pending.get(toHex(parent.digest))?.drawsBeacon === true ? (this.o.beaconIntervalMs ?? 0) : 0;
    const interval = Math.max(this.o.minBlockIntervalMs ?? 0, afterBeacon);
    const early = Number(parent.timestampMs) + interval - Number(this.o.wallClockMs());
    if (early > 0) await this.o.clock.sleep(early);
    const take = () => {
      const after = this.inFlight(parent);
      // An ancestor above execution that this node does not hold: its nonces are unknown, and any
      // transaction might repeat one of its. An empty block is the safe proposal.
      if (after === undefined) return [];
      return this.o.mempool.take({ maxTxs: this.o.maxBlockTxs ?? 5000, maxBytes: this.o.maxBlockBytes ?? 1024 * 1024, after });
    };
    let txs = take();
    const idle = this.o.idleBlockMs ?? 100;
    if (txs.length === 0 && idle > 0) {
      // Wait in small steps so a transaction arriving early goes out at once.
      const step = Math.max(1, Math.min(idle, 5));
      for (let waited = 0; waited < idle && txs.length === 0; waited += step) {
        await this.o.clock.sleep(step);
        txs = take();
      }
    }
    const block = this.o.codec.encodeBlock({
      chainId: this.o.chainId,
      height: parent.height + 1n,
      view,
      parent: parent.digest,
      timestampMs: nextTimestamp(parent, this.o.wallClockMs()),
      proposer: this.o.self,
      txs,
    });
    // The mempool holds every one of these with the summary it took on entry.
    this.remember(
      toHex(this.o.codec.blockParts(block).digest),
      parent,
      txs.map((tx) => this.summary(tx)),
    );
    return block;
  }

  async verify(block: ProposedBlock, parent: BlockRef): Promise<boolean> {
    const leader = Number(block.view % BigInt(this.o.n));
    const fault = checkHeader(block, parent, {
      view: block.view,
      leader,
      maxDriftMs: this.o.maxDriftMs ?? 2000n,
      nowMs: this.o.wallClockMs(),
    });
    if (fault) return false;
    const txs = this.o.codec.blockParts(block.bytes).txs;
    if (txs.length > (this.o.maxBlockTxs ?? 5000)) return false;
    const items: VerifyItem[] = [];
    const summaries: TxSummary[] = [];
    const unverified: Hex[] = [];
    for (const tx of txs) {
      const held = this.o.mempool.heldSummary(tx);
      if (held !== undefined) {
        summaries.push(held); // decoded and verified when it entered our pool
        continue;
      }
      let s: TxSummary;
      try {
        s = this.o.codec.txSummary(tx);
      } catch {
        return false; // an honest leader only proposes what its mempool decoded
      }
      summaries.push(s);
      if (this.o.mempool.isVerified(s.hash)) continue; // verified on entry, or in an earlier proposal
      unverified.push(s.hash);
      items.push(txSignatureCheck(s, tx, this.o.chainId));
    }
    if (items.length > 0) {
      if (!(await this.o.verifyBatch(items)).every(Boolean)) return false;
      this.o.mempool.noteVerified(unverified);
    }
    this.remember(toHex(block.digest), parent, summaries);
    return true;
  }

  finalized(f: FinalizedBlock): void {
    // Final but not yet executed: its nonces stay skipped until it is, verified here or not.
    if (f.block.height > this.lastExecutedHeight) this.rememberBlock(f.block);
    this.o.finalized(f);
  }

  /**
   * Height h is executed and its transactions pruned from the mempool: only now may proposals
   * stop skipping their nonces (between finality and execution the mempool still holds them).
   */
  executed(height: bigint): void {
    this.lastExecutedHeight = height;
    for (const [d, p] of this.pending) if (p.height <= height) this.pending.delete(d);
  }

  finalizedBlock(digest: Uint8Array): ProposedBlock | undefined {
    return this.o.finalizedBlock?.(digest);
  }

  /** The pool's summary of a transaction it holds, else the wasm's. */
  private summary(tx: Uint8Array): TxSummary {
    return this.o.mempool.heldSummary(tx) ?? this.o.codec.txSummary(tx);
  }

  /** `remember` for a block this node did not verify or propose (its transactions decoded here); once per block. */
  private rememberBlock(b: ProposedBlock): void {
    const digest = toHex(b.digest);
    if (this.pending.has(digest)) return;
    let summaries: TxSummary[];
    try {
      summaries = this.o.codec.blockParts(b.bytes).txs.map((tx) => this.summary(tx));
    } catch {
      return; // not a block of ours to decode (a certified one always is): nothing to skip
    }
    this.remember(digest, { digest: b.parent, height: b.height - 1n }, summaries);
  }

  /** Notes the nonces a block carries, so proposals on top of it skip them until it executes. */
  private remember(digest: string, parent: Pick<BlockRef, "digest" | "height">, summaries: readonly TxSummary[]): void {
    const nonces = new Map<Hex, bigint>();
    for (const s of summaries) {
      const next = s.nonce + 1n;
      if ((nonces.get(s.signer) ?? -1n) < next) nonces.set(s.signer, next);
    }
    // Only pacing asks: with no beaconIntervalMs the block's instructions are not looked at.
    const drawsBeacon = (this.o.beaconIntervalMs ?? 0) > 0 && (this.o.needsBeacon?.(summaries) ?? false);
    this.pending.set(digest, { parent: toHex(parent.digest), height: parent.height + 1n, nonces, drawsBeacon });
  }

  /**
   * Next nonce per signer after the blocks from `parent` down to the last executed one (unfinalized,
   * or final and not yet executed); undefined when one of them is not known here.
   */
  private inFlight(parent: BlockRef): Map<Hex, bigint> | undefined {
    const after = new Map<Hex, bigint>();
    let digest = toHex(parent.digest);
    for (let height = parent.height; height > this.lastExecutedHeight; height--) {
      const block = this.pending.get(digest);
      if (block === undefined) return undefined;
      for (const [signer, next] of block.nonces) if ((after.get(signer) ?? -1n) < next) after.set(signer, next);
      digest = block.parent;
    }
    return after;
  }
}
