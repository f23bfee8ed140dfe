// Re-verifies and replays every stored height into a chain: at start-up (nothing is trusted, not
// even our own store) and when a rebuild puts a new chain in place of the old one (relay.ts).
//
// A stored height the chain refuses ends the replay before it: the relay takes the rest from
// validators, whose verified bundle then replaces the row (store.put: "forged-replaced"). It used
// to throw: a relay whose store held one such row (a Byzantine peer's in a shared store, a torn
// disk) could not start, and one that rebuilt past it stayed stuck. A refusal for an execution
// mismatch has already moved the state machine past the last certified state, so the replay is
// done again into a new chain, up to the height before it.
import type { LogFn } from "../relay.js";
import type { Store } from "../store/store.js";
import type { StoreOutage } from "../store/store-outage.js";
import { applyLinked } from "./apply-linked.js";
import { type AppliedHeight, BundleRefused, type VerifiedChain } from "./chain.js";

export interface ReplayStoreOptions {
  store: Store;
  /** Store reads are retried while the database cannot be reached. */
  outage: StoreOutage;
  /** A new chain at a height at or below `atMost` (a checkpoint, or genesis), to replay into again after an execution mismatch. */
  newChain: (atMost: bigint) => Promise<VerifiedChain>;
  isStopped: () => boolean;
  log: LogFn;
  /** Each height applied, with the height the replay goes to and the chain it is applied to. */
  onApplied: (a: AppliedHeight, tip: bigint, chain: VerifiedChain) => void;
  /** A stored height the chain refused: the replay ends before it. */
  onRefused: (e: BundleRefused) => void;
  /** The store holds nothing to replay: the relay fills it from where it takes heights. */
  onEmpty: () => void;
  /**
   * The last height to replay (default: the store's tip). A rebuild stops at the height the relay
   * served: heights past it (a peer's in a shared store, one stored just before a failed step) were
   * never sent to subscribers, so the pipeline takes them again and publishes them.
   */
  upTo?: bigint;
}

/**
 * Replays the store into `into` and returns the chain it ends in: `into`, or after a mismatch a new
 * one (then the caller frees `into`, which is poisoned). A chain of its own is freed if it throws.
 */
export async function replayStore(o: ReplayStoreOptions, into: VerifiedChain): Promise<VerifiedChain> {
  const read = <T>(run: () => Promise<T>) => o.outage.retry("replay", run);
  let tip = await read(() => o.store.tip());
  if (o.upTo !== undefined && tip > o.upTo) tip = o.upTo;
  if (tip === 0n) {
    o.onEmpty();
    return into;
  }
  // From the height after a checkpoint the chain was restored at (chain/checkpoints.ts), or 1.
  o.log("info", "replay_store", { from: (into.height + 1n).toString(), to: tip.toString(), heights: (tip - into.height).toString() });
  const stored = (h: bigint) => read(() => o.store.bundle(h));
  let chain = into;
  try {
    let from = chain.height + 1n;
    while (from <= tip && !o.isStopped()) {
      const batch = await read(() => o.store.bundles(from, tip, 256));
      if (batch.length === 0) break;
      for (const { bundle } of batch) {
        try {
          o.onApplied(await applyLinked(chain, bundle, stored), tip, chain);
        } catch (e) {
          if (!(e instanceof BundleRefused)) throw e;
          o.onRefused(e);
          tip = e.height - 1n;
          if (chain.isPoisoned) {
            if (chain !== into) chain.free();
            chain = await o.newChain(tip);
          }
          break;
        }
      }
      from = chain.height + 1n;
    }
  } catch (e) {
    if (chain !== into) chain.free();
    throw e;
  }
  o.log("info", "replay_done", { height: chain.height.toString() });
  return chain;
}
