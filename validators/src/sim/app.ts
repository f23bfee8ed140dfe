// The application of a consensus-only simulation: blocks carry a few opaque transactions drawn
// from the node's seeded stream, are checked by the real header rules, and finalized blocks are
// kept in memory (so the node can serve them to peers that catch up).

import { type Codec, fromHex, toHex } from "@nullspace/core";
import { checkHeader, nextTimestamp } from "../consensus/header.js";
import type { Application, BlockRef, FinalizedBlock, ProposedBlock } from "../consensus/types.js";
import type { Clock } from "../runtime/clock.js";

export interface SimAppOptions {
  codec: Codec;
  chainId: bigint;
  self: number;
  n: number;
  clock: Clock;
  genesis: BlockRef;
  genesisTimeMs: bigint;
  /** Called for every finalized block, in height order. */
  onFinalized(f: FinalizedBlock): void;
  /** Finalized blocks that survive a restart (the archive's role), shared with the node's next life. */
  archive: Map<string, ProposedBlock>;
}

export class SimApp implements Application {
  readonly genesis: BlockRef;
  private counter = 0;

  constructor(private readonly o: SimAppOptions) {
    this.genesis = o.genesis;
  }

  private nowMs(): bigint {
    return this.o.genesisTimeMs + BigInt(Math.floor(this.o.clock.now()));
  }

  async propose(view: bigint, parent: BlockRef): Promise<Uint8Array | undefined> {
    const tx = new TextEncoder().encode(`sim-tx ${this.o.self} ${view} ${this.counter++}`);
    return this.o.codec.encodeBlock({
      chainId: this.o.chainId,
      height: parent.height + 1n,
      view,
      parent: parent.digest,
      timestampMs: nextTimestamp(parent, this.nowMs()),
      proposer: this.o.self,
      txs: [tx],
    });
  }

  async verify(block: ProposedBlock, parent: BlockRef): Promise<boolean> {
    const leader = Number(block.view % BigInt(this.o.n));
    return checkHeader(block, parent, { view: block.view, leader, maxDriftMs: 5_000n, nowMs: this.nowMs() }) === undefined;
  }

  finalized(f: FinalizedBlock): void {
    this.o.archive.set(toHex(f.block.digest), f.block);
    this.o.onFinalized(f);
  }

  finalizedBlock(digest: Uint8Array): ProposedBlock | undefined {
    return this.o.archive.get(toHex(digest));
  }

  /** The last finalized block this node's archive holds (its restart point). */
  static lastOf(archive: Map<string, ProposedBlock>, genesis: BlockRef): BlockRef {
    let last: BlockRef = genesis;
    for (const b of archive.values()) if (b.height > last.height) last = b;
    return { ...last, digest: fromHex(toHex(last.digest)) };
  }
}
