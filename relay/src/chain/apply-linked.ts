// A block can be finalized through a later height's certificate (its own was never formed): the
// chain refuses it as "unlinked" until it is given the views of the heights through that one.
import type { FinalizedView } from "@nullspace/core";
import { type AppliedHeight, BundleRefused, type VerifiedChain } from "./chain.js";

/**
 * Applies `bundle` as the chain's next height; if its certificate is a descendant's, fetches the
 * heights after it through `lookup` and links it with them. Throws the "unlinked" refusal when a
 * descendant is not at hand yet (the caller waits for it).
 */
export async function applyLinked(
  chain: VerifiedChain,
  bundle: Uint8Array,
  lookup: (h: bigint) => Promise<Uint8Array | undefined>,
): Promise<AppliedHeight> {
  try {
    return await chain.apply(bundle);
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
    return chain.apply(bundle, views);
  }
}
