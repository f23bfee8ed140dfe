// Re-verifies and replays every stored height into a chain: at start-up (nothing is trusted, not
// even our own store) and when a rebuild puts a new chain in place of the old one (relay.ts).
import type { LogFn } from "../relay.js";
import type { Store } from "../store/store.js";
import type { StoreOutage } from "../store/store-outage.js";
import { applyLinked } from "./apply-linked.js";
import type { AppliedHeight, VerifiedChain } from "./chain.js";

export interface ReplayStoreOptions {
  store: Store;
  /** Store reads are retried while the database cannot be reached. */
  outage: StoreOutage;
  into: VerifiedChain;
  isStopped: () => boolean;
  log: LogFn;
  /** Each height applied, with the store's tip when the replay began. */
  onApplied: (a: AppliedHeight, tip: bigint) => void;
  /** Named in the log when the store is empty (the relay then rebuilds from them). */
  validators: readonly string[];
}

export async function replayStore(o: ReplayStoreOptions): Promise<void> {
  const read = <T>(run: () => Promise<T>) => o.outage.retry("replay", run);
  const tip = await read(() => o.store.tip());
  if (tip === 0n) {
    o.log("info", "rebuild_from_validators", { validators: o.validators });
    return;
  }
  o.log("info", "replay_store", { heights: tip.toString() });
  const stored = async (h: bigint) => (await read(() => o.store.bundles(h, h, 1)))[0]?.bundle;
  let from = o.into.height + 1n;
  while (from <= tip && !o.isStopped()) {
    const batch = await read(() => o.store.bundles(from, tip, 256));
    if (batch.length === 0) break;
    for (const { bundle } of batch) o.onApplied(await applyLinked(o.into, bundle, stored), tip);
    from = o.into.height + 1n;
  }
  o.log("info", "replay_done", { height: o.into.height.toString() });
}
