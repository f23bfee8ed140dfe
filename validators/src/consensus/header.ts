// Stateless checks of a proposed block's header against its parent and view: what every
// validator verifies before it notarizes, whatever the application puts in the body.

import type { BlockRef, ProposedBlock } from "./types.js";

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
