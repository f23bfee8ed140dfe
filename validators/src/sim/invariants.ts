// The safety invariants of consensus.md, checked as events happen (so "after every step"): each
// honest node's signed votes, the certificates honest nodes accept, and the chains they finalize.
// Records outlive crashes: a node restarted from its journal is the same node.

import type { VoteKind } from "../consensus/round.js";

export interface Violation {
  at: number;
  rule: string;
  detail: string;
}

interface Signed {
  notarize: Set<string>;
  finalize: Set<string>;
  nullify: boolean;
}

export class Invariants {
  readonly violations: Violation[] = [];
  private readonly signed = new Map<string, Signed>();
  private readonly notarized = new Map<bigint, Set<string>>();
  private readonly finalizedViews = new Map<bigint, Set<string>>();
  private readonly nullified = new Set<bigint>();
  /** The one chain: height → digest, from whichever honest node finalized it first. */
  readonly chain = new Map<bigint, string>();
  /** Each honest node's finalized height. */
  readonly heights = new Map<number, bigint>();

  constructor(
    private readonly now: () => number,
    private readonly isHonest: (node: number) => boolean,
  ) {}

  private violate(rule: string, detail: string): void {
    this.violations.push({ at: this.now(), rule, detail });
  }

  signedVote(node: number, kind: VoteKind, view: bigint, digest: string | undefined): void {
    if (!this.isHonest(node)) return;
    const key = `${node}/${view}`;
    let s = this.signed.get(key);
    if (!s) {
      s = { notarize: new Set(), finalize: new Set(), nullify: false };
      this.signed.set(key, s);
    }
    if (kind === "nullify") s.nullify = true;
    else (kind === "notarize" ? s.notarize : s.finalize).add(digest ?? "");
    if (s.notarize.size > 1) this.violate("one-notarize-per-view", `node ${node} notarized ${s.notarize.size} blocks in view ${view}`);
    if (s.finalize.size > 1) this.violate("one-finalize-per-view", `node ${node} finalized ${s.finalize.size} blocks in view ${view}`);
    if (s.finalize.size > 0 && s.nullify) this.violate("no-finalize-and-nullify", `node ${node} sent finalize and nullify in view ${view}`);
  }

  /** The distinct blocks honest nodes signed `kind` for in `view` (actor tests check the split). */
  signedDigests(kind: "notarize" | "finalize", view: bigint): Set<string> {
    const out = new Set<string>();
    for (const [key, s] of this.signed) if (key.endsWith(`/${view}`)) for (const d of s[kind]) out.add(d);
    return out;
  }

  certificate(node: number, kind: "notarization" | "nullification" | "finalization", view: bigint, digest: string | undefined): void {
    if (!this.isHonest(node)) return;
    if (kind === "nullification") this.nullified.add(view);
    else {
      const map = kind === "notarization" ? this.notarized : this.finalizedViews;
      let set = map.get(view);
      if (!set) {
        set = new Set();
        map.set(view, set);
      }
      set.add(digest ?? "");
      if (set.size > 1) this.violate(`one-${kind}-per-view`, `${set.size} blocks with a ${kind} in view ${view}`);
    }
    if (this.nullified.has(view) && this.finalizedViews.has(view)) {
      this.violate("no-nullification-and-finalization", `view ${view} has both`);
    }
  }

  finalized(node: number, height: bigint, digest: string): void {
    if (!this.isHonest(node)) return;
    const prev = this.heights.get(node) ?? 0n;
    if (height !== prev + 1n) this.violate("finalized-in-order", `node ${node} finalized height ${height} after ${prev}`);
    this.heights.set(node, height);
    const known = this.chain.get(height);
    if (known === undefined) this.chain.set(height, digest);
    else if (known !== digest)
      this.violate(
        "chains-are-prefixes",
        `node ${node} finalized ${digest.slice(0, 16)} at height ${height}, another ${known.slice(0, 16)}`,
      );
  }

  /** Forget a node's finalized height when it restarts from an archive at `height`. */
  restarted(node: number, height: bigint): void {
    this.heights.set(node, height);
  }

  maxHeight(): bigint {
    return BigInt(this.chain.size);
  }
}
