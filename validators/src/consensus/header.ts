// Stateless checks of a proposed block's header against its parent and view: what every
// validator verifies before it notarizes, whatever the application puts in the body.

import type { Codec } from "@nullspace/core";
import type { BlockRef, ProposedBlock } from "./types.js";

/**
 * A block's consensus view (header fields and digest) from its bytes: the core's errors on bad
 * bytes, and WRONG_CHAIN for a block of another chain when `chainId` is given.
 */
export function proposedBlockOf(codec: Codec, bytes: Uint8Array, chainId?: bigint): ProposedBlock {
  const b = codec.blockParts(bytes);
  const h = b.header;
  if (chainId !== undefined && h.chainId !== chainId)
    throw Object.assign(new Error(`block of chain ${h.chainId}`), { code: "WRONG_CHAIN" });
  return { bytes, view: h.view, height: h.height, digest: b.digest, parent: h.parent, timestampMs: h.timestampMs, proposer: h.proposer };
}

export type HeaderFault = "height" | "parent" | "view" | "proposer" | "timestamp-before-parent" | "timestamp-in-future";

export interface HeaderRules {
  view: bigint;
  leader: number;
  /** The proposer's clock may run ahead of ours by this much (ms). */
  maxDriftMs: bigint;
  /** Our wall-clock time in ms. */
  nowMs: bigint;
}

export function checkHeader(block: ProposedBlock, parent: BlockRef, rules: HeaderRules): HeaderFault | undefined {
  if (block.height !== parent.height + 1n) return "height";
  if (block.parent.length !== parent.digest.length || block.parent.some((b, i) => b !== parent.digest[i])) return "parent";
  if (block.view !== rules.view) return "view";
  if (block.proposer !== rules.leader) return "proposer";
  if (block.timestampMs < parent.timestampMs) return "timestamp-before-parent";
  if (block.timestampMs > rules.nowMs + rules.maxDriftMs) return "timestamp-in-future";
  return undefined;
}

/** The timestamp a leader gives its block: its clock, but never before the parent's. */
export function nextTimestamp(parent: BlockRef, nowMs: bigint): bigint {
  return nowMs > parent.timestampMs ? nowMs : parent.timestampMs;
}
