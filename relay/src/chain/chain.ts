// The relay's own copy of the chain: one wasm state machine and the event log's frontier (its
// peaks and the last height's nodes: what proving that height's events needs), advanced only by
// bundles that pass verifyFinalized and whose replay gives the certified progress record
// (replayFinalized). Nothing is executed or served on a validator's word.
//
// One height at a time, in order; the caller serialises (relay.ts). A replay that disagrees with
// a certified record leaves the state machine past a state nobody certified, so the chain marks
// itself poisoned and the relay rebuilds it from what it had stored (relay.ts, `rebuild`).
import {
  Core,
  type FinalizedFailure,
  type FinalizedView,
  MmrFrontier,
  mmrRootFromPeaks,
  type ProgressView,
  replayFinalized,
  sha256,
  toHex,
  type VerifiedFinalized,
  verifyFinalized,
  wasmMmrHasher,
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

/**
 * A snapshot that does not give the certified record of its height: not this chain's state there
 * (a torn write, a shared store's Byzantine writer). The checkpoint is dropped (chain/checkpoints.ts).
 */
export class CheckpointRefused extends Error {
  override readonly name = "CheckpointRefused";
  constructor(
    readonly height: bigint,
    readonly detail: string,
  ) {
    super(`checkpoint at height ${height}: ${detail}`);
  }
}

/** A height the chain's state is at, with what certifies it (what /state proofs are checked by). */
export interface CertifiedHeight {
  height: bigint;
  bundle: Uint8Array;
  view: FinalizedView;
  progress: ProgressView;
  record: Uint8Array;
  /** The progress certificate's bytes. */
  progressCertificate: Uint8Array;
}

/** One height the chain verified and executed. */
export interface AppliedHeight extends CertifiedHeight {
  /** Events in order, with their leaf index in the event log. */
  events: { index: bigint; bytes: Uint8Array }[];
  /** Transactions in block order. */
  txs: Uint8Array[];
}

export class VerifiedChain {
  private poisoned = false;
  /** The height the state is at: the last applied, or the one a snapshot was restored at. */
  latest: CertifiedHeight | undefined;

  /** σ checks leave the event loop (~30 ms of BLS each): live updates and HTTP answers go on meanwhile. */
  private readonly sigma = new SigmaThread();

  private constructor(
    readonly core: Core,
    private events: MmrFrontier,
    readonly trust: TrustRoot,
  ) {}

  static async create(wasm: Uint8Array, trust: TrustRoot): Promise<VerifiedChain> {
    const core = await Core.load(wasm);
    const { genesisDigest } = core.init(trust.genesisRecord);
    if (toHex(genesisDigest) !== trust.genesisDigest) throw new Error("the genesis record does not hash to the genesis digest");
    const events = core.logPeaks("events");
    return new VerifiedChain(core, MmrFrontier.fromPeaks(events.leafCount, events.peaks, wasmMmrHasher(core.wasm)), trust);
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
    const v = await this.verify(next, bundle, descendants);
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

  /**
   * Puts the state at the height of `bundle` from a snapshot (a checkpoint: chain/checkpoints.ts)
   * instead of replaying every height before it. The bundle is verified like any other and the
   * restored state must give its certified record: state root, both log roots, height and block.
   * Only into a chain at genesis. Throws BundleRefused or CheckpointRefused, leaving the chain
   * poisoned (free it).
   */
  async restore(
    height: bigint,
    bundle: Uint8Array,
    snapshot: Uint8Array,
    descendants: readonly { digest: string; parent: string }[] = [],
  ): Promise<void> {
    if (this.height !== 0n || this.poisoned) throw new Error("a snapshot is restored into a chain at genesis only");
    const v = await this.verify(height, bundle, descendants);
    if (v.bundle.height !== height) throw new BundleRefused(v.bundle.height, "out-of-order", `expected height ${height}`);
    this.poisoned = true; // until the restored state is shown to be the certified one
    try {
      this.core.restore(snapshot);
    } catch (e) {
      throw new CheckpointRefused(height, `the snapshot does not restore: ${(e as Error).message}`);
    }
    const p = v.progress;
    const meta = this.core.meta();
    const txLog = this.core.logPeaks("tx");
    const eventLog = this.core.logPeaks("events");
    const differs = [
      meta.height !== height && "height",
      meta.lastDigest !== p.blockDigest && "block",
      toHex(this.core.stateRoot()) !== p.stateRoot && "state root",
      toHex(mmrRootFromPeaks(txLog.leafCount, txLog.peaks)) !== p.txLogRoot && "transaction log root",
      toHex(mmrRootFromPeaks(eventLog.leafCount, eventLog.peaks)) !== p.eventsRoot && "events root",
    ].filter((d) => d !== false);
    if (differs.length > 0) throw new CheckpointRefused(height, `its ${differs.join(", ")} differ from the certified record's`);
    this.events = MmrFrontier.fromPeaks(eventLog.leafCount, eventLog.peaks, wasmMmrHasher(this.core.wasm));
    this.poisoned = false;
    this.latest = { height, bundle, view: v.bundle, progress: p, record: v.record, progressCertificate: v.bundle.progress as Uint8Array };
  }

  /** Verifies `bundle`'s certificates and σ (no execution); refusals name `height`. */
  private async verify(
    height: bigint,
    bundle: Uint8Array,
    descendants: readonly { digest: string; parent: string }[],
  ): Promise<VerifiedFinalized> {
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
    if (!v.ok) throw new BundleRefused(height, v.reason, v.detail, v.needsThrough);
    return v;
  }

  /** A multi-proof of the latest height's event leaves against its events root (no other leaves). */
  proveEvents(indices: readonly bigint[]): Uint8Array {
    return indices.length === 0 ? new Uint8Array(0) : this.events.prove(indices);
  }

  /** The value under a state key and its proof against the latest certified state root. */
  stateAt(key: Uint8Array): { value: Uint8Array | null; proof: Uint8Array } {
    return { value: this.core.get(key), proof: this.core.prove(key) };
  }

  free(): void {
    void this.sigma.close();
  }
}
