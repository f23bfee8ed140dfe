// What one validator knows about one view: the leader's proposal, the votes received (first vote
// per signer and kind wins; a second one for another block is equivocation evidence), the
// certificates formed or received, and the votes this node itself sent.

import type { ProposedBlock } from "./types.js";

export type VoteKind = "notarize" | "nullify" | "finalize";

/** One received vote. Signatures are checked lazily, when a quorum could form. */
export interface Ballot {
  signer: number;
  /** The signed body (docs/formats.md: Proposal, or the view for nullify). */
  body: Uint8Array;
  signature: Uint8Array;
  /** The vote as received, journaled once verified. */
  bytes: Uint8Array;
  verified: boolean;
}

/** The votes of one kind for one subject (a view, or a view and block digest). */
export class Tally {
  readonly ballots = new Map<number, Ballot>();
  certified = false;

  add(b: Ballot): void {
    this.ballots.set(b.signer, b);
  }

  get size(): number {
    return this.ballots.size;
  }
}

export interface CertifiedProposal {
  digest: string;
  height: bigint;
  parent: string;
  certificate: Uint8Array;
}

export class Round {
  proposal: ProposedBlock | undefined;
  /** The leader's notarize vote that came with the proposal. */
  proposalVote: Uint8Array | undefined;
  verification: "none" | "pending" | "valid" | "invalid" = "none";

  readonly notarize = new Map<string, Tally>();
  readonly finalize = new Map<string, Tally>();
  readonly nullify = new Tally();
  /** Digest each signer notarized / finalized first (equivocation detection). */
  readonly notarizedBy = new Map<number, string>();
  readonly finalizedBy = new Map<number, string>();

  notarization: CertifiedProposal | undefined;
  nullification: Uint8Array | undefined;
  finalization: CertifiedProposal | undefined;

  /** Votes this node sent in this view, exactly as sent (re-broadcast byte for byte). */
  sentNotarize: Uint8Array | undefined;
  sentNullify: Uint8Array | undefined;
  sentFinalize: Uint8Array | undefined;

  constructor(
    readonly view: bigint,
    readonly leader: number,
  ) {}

  tally(kind: VoteKind, digest: string): Tally {
    if (kind === "nullify") return this.nullify;
    const map = kind === "notarize" ? this.notarize : this.finalize;
    let t = map.get(digest);
    if (!t) {
      t = new Tally();
      map.set(digest, t);
    }
    return t;
  }

  /** Own votes in the order they were made, for re-broadcast after a restart or while stuck. */
  sentVotes(): Uint8Array[] {
    return [this.sentNotarize, this.sentFinalize, this.sentNullify].filter((v): v is Uint8Array => v !== undefined);
  }
}
