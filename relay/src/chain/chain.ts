// The relay's own copy of the chain: one wasm state machine and one event-log MMR, advanced only
// by bundles that pass verifyFinalized and whose replay gives the certified progress record
// (replayFinalized). Nothing is executed or served on a validator's word.
//
// One height at a time, in order; the caller serialises (relay.ts). A replay that disagrees with
// a certified record leaves the state machine past a state nobody certified, so the chain marks
// itself poisoned and the relay rebuilds it from what it had stored (relay.ts, `rebuild`).
import {
  Core,
  type FinalizedFailure,
  type FinalizedView,
  MmrLog,
  type ProgressView,
  replayFinalized,
  sha256,
  toHex,
  verifyFinalized,
} from "@nullspace/core";
import { SigmaThread } from "@nullspace/core/node";
import type { TrustRoot } from "./trust.js";

/** A bundle the relay refused: stable reason (verify-finalized.ts), logged and counted, never stored. */
export class BundleRefused extends Error {
  override readonly name = "BundleRefused";
  constructor(
    readonly height: bigint,
    readonly reason: FinalizedFailure | "out-of-order",
    readonly detail: string,
    /** For "unlinked": the certificate is a descendant's; retry once heights through this one are at hand. */
    readonly needsThrough?: bigint,
  ) {
    super(`height ${height}: ${reason}: ${detail}`);
  }
}

/** One height the chain verified and executed. */
export interface AppliedHeight {
  height: bigint;
  bundle: Uint8Array;
  view: FinalizedView;
  progress: ProgressView;
  record: Uint8Array;
  /** The progress certificate's bytes. */
  progressCertificate: Uint8Array;
  /** Events in order, with their leaf index in the event log. */
  events: { index: bigint; bytes: Uint8Array }[];
  /** Transactions in block order. */
  txs: Uint8Array[];
}

export class VerifiedChain {
  private poisoned = false;
  /** The last applied height's progress certificate (what /state proofs are certified by). */
  latest: AppliedHeight | undefined;

  /** σ checks leave the event loop (~30 ms of BLS each): live updates and HTTP answers go on meanwhile. */
  private readonly sigma = new SigmaThread();

  private constructor(
    readonly core: Core,
    readonly events: MmrLog,
    readonly trust: TrustRoot,
  ) {}

  static async create(wasm: Uint8Array, trust: TrustRoot): Promise<VerifiedChain> {
    const core = await Core.load(wasm);
    const { genesisDigest } = core.init(trust.genesisRecord);
    if (toHex(genesisDigest) !== trust.genesisDigest) throw new Error("the genesis record does not hash to the genesis digest");
    return new VerifiedChain(core, await MmrLog.create(wasm), trust);
  }

  get height(): bigint {
    return this.latest?.height ?? 0n;
  }

  get isPoisoned(): boolean {
    return this.poisoned;
  }

  /**
   * Verifies `bundle` as the next height and executes it. `descendants` are the views of later
   * heights, for a block finalized through a descendant's certificate. Throws BundleRefused.
   */
  async apply(bundle: Uint8Array, descendants: readonly { digest: string; parent: string }[] = []): Promise<AppliedHeight> {
    if (this.poisoned) throw new Error("chain state is poisoned: rebuild before applying");
    const next = this.height + 1n;
    const v = await verifyFinalized({
      codec: this.core.codec,
      chainId: this.trust.chainId,
      validators: this.trust.validators,
      groupKey: this.trust.groupKey,
      bundle,
      descendants,
      verifySigma: (key, message, sigma) => this.sigma.verify(key, message, sigma),
      // Six to eight ed25519 checks a height, ~0.1 ms each here: on the pool, not on the thread
      // that fans out to every subscriber.
      offMainThread: true,
    });
    if (!v.ok) throw new BundleRefused(next, v.reason, v.detail, v.needsThrough);
    if (v.bundle.height !== next) throw new BundleRefused(v.bundle.height, "out-of-order", `expected height ${next}`);
    const r = replayFinalized(this.core, v);
    if (!r.ok) {
      // "execution-failed" is refused before the state changes (wrong height or parent);
      // "execution-mismatch" has changed it: only a rebuild gives back a certified state.
      if (r.reason === "execution-mismatch") this.poisoned = true;
      throw new BundleRefused(next, r.reason, r.detail);
    }
    const digests = r.events.map((e) => sha256(e));
    if (digests.length > 0) this.events.append(digests);
    const start = v.progress.eventStart;
    const applied: AppliedHeight = {
      height: next,
      bundle,
      view: v.bundle,
      progress: v.progress,
      record: v.record,
      progressCertificate: v.bundle.progress as Uint8Array,
      events: r.events.map((bytes, i) => ({ index: start + BigInt(i), bytes })),
      txs: this.core.codec.blockParts(v.bundle.block).txs.map((t) => t.slice()),
    };
    if (toHex(this.events.root()) !== v.progress.eventsRoot) {
      this.poisoned = true;
      throw new BundleRefused(next, "execution-mismatch", "the relay's event log root differs from the certified one");
    }
    this.latest = applied;
    return applied;
  }

  /** A multi-proof of event leaves against the current events root (the latest height's). */
  proveEvents(indices: readonly bigint[]): Uint8Array {
    return indices.length === 0 ? new Uint8Array(0) : this.events.prove(indices);
  }

  /** The value under a state key and its proof against the latest certified state root. */
  stateAt(key: Uint8Array): { value: Uint8Array | null; proof: Uint8Array } {
    return { value: this.core.get(key), proof: this.core.prove(key) };
  }

  free(): void {
    this.events.free();
    void this.sigma.close();
  }
}
