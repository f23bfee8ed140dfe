// A recorded chain (chain-recording.ts) served as a validator serves its own: the validators' API
// server (/stream, /blocks/:height, /readyz) over a source that releases the recorded heights one
// at a time. Relays under the benchmark follow it and verify and replay every height as they would
// a validator's, while no validator runs on the machine (`--chain replay` in relay.ts): what a relay
// costs, measured apart from a chain that in production runs on other machines.
import type { Bundle, SubmitResult, ValidatorApiSource, ValidatorHealth } from "../../validators/src/api/source.js";

export class ReplaySource implements ValidatorApiSource {
  readonly validatorIndex = 0;
  private released = 0n;
  private readonly listeners = new Set<(height: bigint, isComplete: boolean) => void>();

  /**
   * `bundles[h - 1]` is height h's complete bundle. `hashOf` names a transaction as the validators'
   * mempool does (its hash, hex), for the verdicts of `submit`.
   */
  constructor(
    private readonly bundles: readonly Uint8Array[],
    readonly chainId: bigint,
    readonly validatorCount: number,
    private readonly hashOf: (tx: Uint8Array) => string,
  ) {}

  /** The recording's last height. */
  get end(): bigint {
    return BigInt(this.bundles.length);
  }

  tip(): bigint {
    return this.released;
  }

  async bundle(height: bigint): Promise<Bundle | undefined> {
    if (height < 1n || height > this.released) return undefined;
    return { bytes: this.bundles[Number(height) - 1] as Uint8Array, isComplete: true };
  }

  onFinalized(listener: (height: bigint, isComplete: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Makes heights up to `height` (at most the recording's end) available, in order; returns the tip. */
  releaseTo(height: bigint): bigint {
    const to = height < this.end ? height : this.end;
    while (this.released < to) {
      this.released++;
      for (const l of this.listeners) l(this.released, true);
    }
    return this.released;
  }

  /**
   * Takes every transaction as a mempool would take a fresh one, and drops it: the recording
   * already holds the chain's transactions. Relays forward what they accept here (replayed.ts sends
   * them the recorded transactions), so their /submit path works as it does beside a live chain.
   */
  async submit(txs: Uint8Array[]): Promise<SubmitResult[]> {
    return txs.map((tx) => ({ ok: true as const, hash: this.hashOf(tx) }));
  }

  health(): ValidatorHealth {
    const h = this.released;
    return { ok: true, view: h, finalized: h, executed: h, peersConnected: this.validatorCount - 1, alarm: false };
  }
}
