// A block can be finalized through a later height's certificate (its own was never formed): the
// chain refuses it as "unlinked" until it is given the views of the heights through that one.
import type { FinalizedView } from "@nullspace/core";
import { type AppliedHeight, BundleRefused, type VerifiedChain } from "./chain.js";

type Lookup = (h: bigint) => Promise<Uint8Array | undefined>;

/**
 * Runs `step` (which verifies a bundle) without descendants and, if its certificate is a
 * descendant's, again with the views of the heights after it, fetched through `lookup`. Throws
 * the "unlinked" refusal when a descendant is not at hand yet (the caller waits for it).
 */
export async function withDescendants<T>(
  chain: VerifiedChain,
  lookup: Lookup,
  step: (descendants: readonly FinalizedView[]) => Promise<T>,
): Promise<T> {
  try {
    return await step([]);
  } catch (e) {
    if (!(e instanceof BundleRefused) || e.reason !== "unlinked" || e.needsThrough === undefined) throw e;
    const views: FinalizedView[] = [];
    for (let h = e.height + 1n; h <= e.needsThrough; h++) {
      const b = await lookup(h);
      if (!b) throw e;
      try {
        views.push(chain.core.codec.decodeFinalized(b));
      } catch {
        throw new BundleRefused(h, "malformed", "a descendant does not decode");
      }
    }
    return step(views);
  }
}

/** Applies `bundle` as the chain's next height, linking it through stored or buffered descendants. */
export function applyLinked(chain: VerifiedChain, bundle: Uint8Array, lookup: Lookup): Promise<AppliedHeight> {
  return withDescendants(chain, lookup, (views) => chain.apply(bundle, views));
}
