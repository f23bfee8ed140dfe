// What the API needs from a validator, as an interface: the server is written and tested against
// this, never against the engine's classes, so the engine can change behind it and the tests run
// with an in-memory fake.

import type { AddResult } from "../mempool/mempool.js";

/** One verdict per submitted transaction: the mempool's, unchanged (codes in ../mempool/errors.ts). */
export type SubmitResult = AddResult;

export interface Bundle {
  /** The encoded bundle of a finalized height (block, finalization certificate, and when known σ_h and the progress certificate). Opaque here. */
  bytes: Uint8Array;
  /** Whether σ_h and the progress certificate are in it: a complete bundle never changes again. */
  isComplete: boolean;
}

export interface ValidatorHealth {
  /** The engine's own verdict (its tasks run, its storage answers). */
  ok: boolean;
  view: bigint;
  finalized: bigint;
  executed: bigint;
  /** Peer validators with a live link (this validator not counted). */
  peersConnected: number;
  /** Execution disagreed with a progress certificate, or failed. */
  alarm: boolean;
}

export interface ValidatorApiSource {
  readonly chainId: bigint;
  readonly validatorIndex: number;
  /** Validators in the set (n): readiness needs quorum − 1 = n − ⌊(n−1)/3⌋ − 1 peers. */
  readonly validatorCount: number;
  /** The highest finalized height whose bundle is available (0 before the first block; heights start at 1). */
  tip(): bigint;
  /** The bundle at `height` as it is now, or undefined when the height is not (or no longer) available. */
  bundle(height: bigint): Promise<Bundle | undefined>;
  /**
   * Calls `listener(h, isComplete)` once when height h becomes available (tip() ≥ h by then; heights
   * in increasing order) and, if its bundle was not complete then, once more with isComplete = true
   * when it is. Returns the unsubscribe function. A listener must not throw; the server's do not.
   */
  onFinalized(listener: (height: bigint, isComplete: boolean) => void): () => void;
  /** Admits transactions into the mempool (Mempool.add): one result per input, in order. */
  submit(txs: Uint8Array[]): Promise<SubmitResult[]>;
  health(): ValidatorHealth;
}
