// Heights of a LocalChain as the relay's pipeline hands them to the store (AppliedHeight), for
// store tests that need real blocks, events and records without a devnet.
import type { LocalChain } from "@nullspace/core";
import type { AppliedHeight } from "../../src/chain/chain.js";

/** Seals the chain's queued transactions (advancing `advanceMs` if given) and returns the height as stored. */
export function sealApplied(chain: LocalChain, advanceMs?: bigint): AppliedHeight {
  const r = chain.seal(advanceMs === undefined ? {} : { advanceMs });
  const progress = r.progressView;
  if (!progress) throw new Error("block not executed");
  const start = progress.eventEnd - BigInt(r.events.length);
  return {
    height: chain.height,
    bundle: r.block,
    view: { block: r.block } as AppliedHeight["view"],
    progress,
    record: r.progress ?? new Uint8Array(0),
    progressCertificate: new Uint8Array(0),
    events: r.events.map((bytes, i) => ({ index: start + BigInt(i), bytes })),
    txs: chain.core.codec.blockParts(r.block).txs,
  };
}
