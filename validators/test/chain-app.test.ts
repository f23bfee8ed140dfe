// A leader's block never repeats a transaction its unfinalized ancestors carry (src/node/chain-app.ts).
// The pool holds a transaction until the block carrying it executes, so a proposal on top of that
// block must skip its nonces. It did only for blocks this node had verified or proposed itself:
// a parent it never verified (it nullified that view, or fetched the block) was invisible, and under
// load 1,377 of 111,504 transactions were repeated in the very next height, each executing as a
// txError. Real wasm codec, real ed25519, a real Mempool.
import { Core, LocalChain, signTxSync, toHex, verifyBatchSync } from "@nullspace/core";
import { beforeAll, describe, expect, it } from "vitest";
import { proposedBlockOf } from "../src/consensus/header.js";
import type { BlockRef, ProposedBlock } from "../src/consensus/types.js";
import { Mempool } from "../src/mempool/mempool.js";
import { ChainApp } from "../src/node/chain-app.js";
import { RealClock } from "../src/runtime/clock.js";
import { WASM_BYTES as WASM } from "./support/wasm.js";

const CHAIN_ID = 1n;
let core: Core;

beforeAll(async () => {
  core = await Core.load(WASM);
});

const GENESIS: BlockRef = { view: 0n, height: 0n, digest: new Uint8Array(32).fill(9), parent: new Uint8Array(32), timestampMs: 1_000n };

/** A leader (validator 0 of 4) whose pool holds a registration of each of `players` signers. */
async function leaderHolding(players: number) {
  const mempool = new Mempool({
    codec: core.codec,
    chainId: CHAIN_ID,
    getAccountNonce: () => 0n,
    verifyBatch: async (items) => verifyBatchSync(items),
  });
  const txs = Array.from({ length: players }, (_, i) =>
    signTxSync({
      codec: core.codec,
      signer: LocalChain.signer(100 + i),
      chainId: CHAIN_ID,
      nonce: 0n,
      instruction: { op: "register", name: `p${i}` },
    }),
  );
  expect((await mempool.add(txs)).every((r) => r.ok)).toBe(true);
  const app = new ChainApp({
    codec: core.codec,
    chainId: CHAIN_ID,
    self: 0,
    n: 4,
    genesis: GENESIS,
    mempool,
    clock: new RealClock(),
    wallClockMs: () => 2_000n,
    verifyBatch: async (items) => verifyBatchSync(items),
    finalized: () => {},
    idleBlockMs: 0,
  });
  return { app, txs };
}

/** A block another validator proposed on `parent`, carrying `txs`. */
function othersBlock(parent: BlockRef, view: bigint, txs: Uint8Array[]): ProposedBlock {
  const bytes = core.codec.encodeBlock({
    chainId: CHAIN_ID,
    height: parent.height + 1n,
    view,
    parent: parent.digest,
    timestampMs: parent.timestampMs + 1n,
    proposer: Number(view % 4n),
    txs,
  });
  return proposedBlockOf(core.codec, bytes, CHAIN_ID);
}

const txsOf = (bytes: Uint8Array | undefined) => core.codec.blockParts(bytes as Uint8Array).txs.map((t) => toHex(t));

describe("a leader's proposal", () => {
  it("skips the transactions of unfinalized ancestors it never verified", async () => {
    const { app, txs } = await leaderHolding(3);
    const [a, b, c] = txs.map((t) => toHex(t));
    // Two heights another leader proposed and a quorum notarized; this node verified neither.
    const first = othersBlock(GENESIS, 1n, [txs[0] as Uint8Array]);
    const second = othersBlock(first, 2n, [txs[1] as Uint8Array]);
    expect(txsOf(await app.propose(4n, second, [second, first]))).toEqual([c]);
    // Told nothing of them, it cannot know what they carry: it proposes an empty block rather
    // than what its pool holds (all three, before).
    const { app: blind } = await leaderHolding(3);
    expect(txsOf(await blind.propose(4n, second))).toEqual([]);
    // With only the parent, the grandparent is still unknown: empty again.
    expect(txsOf(await blind.propose(4n, second, [second]))).toEqual([]);
    expect(txsOf(await blind.propose(5n, second, [second, first]))).toEqual([c]);
    // On genesis (nothing above execution) it takes everything.
    const { app: fresh } = await leaderHolding(3);
    expect(txsOf(await fresh.propose(1n, GENESIS, []))).toEqual([a, b, c]);
  });

  it("skips the transactions of a block final but not yet executed, verified here or not", async () => {
    const { app, txs } = await leaderHolding(2);
    const final = othersBlock(GENESIS, 1n, [txs[0] as Uint8Array]);
    app.finalized({ block: final, finalization: new Uint8Array(0), certifiedView: 1n });
    // The voter's unfinalized chain above the last final block is empty here.
    expect(txsOf(await app.propose(2n, final, []))).toEqual([toHex(txs[1] as Uint8Array)]);
    app.executed(1n); // the pool would drop the executed transaction now; the skip ends with it
  });
});
