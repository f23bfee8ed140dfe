// Shared shapes of the consensus engine: configuration, block references and the interface to
// the application (mempool, executor) the engine orders blocks for. No logic lives here.

export interface ConsensusConfig {
  chainId: bigint;
  /** ed25519 public keys of the validator set, by index. */
  validators: readonly Uint8Array[];
  /** This node's index. */
  self: number;
  /** Wait for the leader's proposal this long after entering a view (the protocol's 2Δ). */
  leaderTimeoutMs: number;
  /** Wait for the view's notarization this long after entering it (3Δ). */
  viewTimeoutMs: number;
  /** While stuck in a view after nullifying, re-broadcast the nullify vote this often. */
  retryMs: number;
  /** A leader with no vote seen in this many views is skipped (nullified at once). */
  skipAfterViews: number;
  /** Proposals and votes more than this many views ahead are ignored (bounds memory). */
  viewHorizon: number;
  /** Views kept below the finalized view, for stragglers' votes and re-broadcasts. */
  keepViews: number;
}

export const DEFAULT_TIMING = {
  leaderTimeoutMs: 1000,
  viewTimeoutMs: 1500,
  retryMs: 500,
  skipAfterViews: 32,
  viewHorizon: 256,
  keepViews: 64,
} as const;

/** q = n − ⌊(n−1)/3⌋ matching votes make a certificate. */
export function quorumOf(n: number): number {
  return n - Math.floor((n - 1) / 3);
}

/** A block as consensus sees it: enough to extend it and to link it to its parent. */
export interface BlockRef {
  view: bigint;
  height: bigint;
  digest: Uint8Array;
  parent: Uint8Array;
  timestampMs: bigint;
}

/** A proposed block, with its header fields already decoded. */
export interface ProposedBlock extends BlockRef {
  bytes: Uint8Array;
  proposer: number;
}

/** A block made final, handed to the application in height order. */
export interface FinalizedBlock {
  block: ProposedBlock;
  /**
   * The finalization certificate that made it final: its own, or, for a block finalized through
   * a descendant (its own view was nullified after it was notarized), the descendant's. Clients
   * check the latter by following parent digests (docs/consensus-protocol.md).
   */
  finalization: Uint8Array;
  /** The view and digest the certificate is for. */
  certifiedView: bigint;
}

/**
 * The application consensus orders blocks for. Methods that take time return promises; the
 * engine never blocks on them and re-checks that the view is still current when they resolve.
 */
export interface Application {
  /** The block every chain starts from (height 0, view 0). */
  readonly genesis: BlockRef;
  /**
   * Builds a block extending `parent` for `view`, or undefined when it cannot (yet). `unfinalized`
   * is `parent` and its ancestors above the last finalized block, newest first, as this node holds
   * them: blocks it may never have been asked to verify (it voted nullify, or fetched them), whose
   * transactions the new block must not repeat.
   */
  propose(view: bigint, parent: BlockRef, unfinalized?: readonly ProposedBlock[]): Promise<Uint8Array | undefined>;
  /**
   * Stateless checks of a proposal against its parent (format, header fields, timestamp,
   * transaction signatures and nonce window); false means nullify at once.
   */
  verify(block: ProposedBlock, parent: BlockRef): Promise<boolean>;
  /** A block became final (called once per height, in height order). */
  finalized(f: FinalizedBlock): void;
  /** A finalized block this node holds, for peers catching up (undefined if pruned or unknown). */
  finalizedBlock?(digest: Uint8Array): ProposedBlock | undefined;
}
