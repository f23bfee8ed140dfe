// Named Byzantine actors (after Commonware's simplex test actors). Each runs the honest engine
// and rewrites what it sends: a faulty node is an honest one with a corrupt mouth, so the only
// thing that differs between scenarios is the actor's name.

import { type Codec, fromHex, SignatureKind, type Signer, signingPayload } from "@nullspace/core";
import { decodeMessage, encodeProposalMessage, encodeVoteMessage, Tag } from "../consensus/wire.js";
import type { Rng } from "../runtime/rng.js";

export const BYZANTINE = ["equivocator", "conflicter", "badsig", "stale", "nullifyOnly", "twin"] as const;
export type Byzantine = (typeof BYZANTINE)[number];
export type Behavior = "honest" | Byzantine;

/** One outgoing message, to a peer index or everyone (-1). */
export interface Outgoing {
  to: number;
  bytes: Uint8Array;
}

export interface ActorContext {
  codec: Codec;
  chainId: bigint;
  self: number;
  n: number;
  signer: Signer;
  rng: Rng;
}

export type Actor = (m: Outgoing) => Outgoing[];

function sign(ctx: ActorContext, kind: "notarize" | "nullify" | "finalize", body: Uint8Array): Uint8Array {
  const k = kind === "notarize" ? SignatureKind.NOTARIZE : kind === "finalize" ? SignatureKind.FINALIZE : SignatureKind.NULLIFY;
  const signature = (ctx.signer.signSync as (m: Uint8Array) => Uint8Array)(signingPayload(k, ctx.chainId, body));
  return ctx.codec.encodeVote(kind, ctx.self, body, signature);
}

function peersExceptSelf(ctx: ActorContext): number[] {
  return [...Array(ctx.n).keys()].filter((i) => i !== ctx.self);
}

/** As leader, sends one block to half the peers and a conflicting one (another timestamp) to the rest. */
function equivocator(ctx: ActorContext): Actor {
  return (m) => {
    const msg = decodeMessage(m.bytes);
    if (msg.tag !== Tag.PROPOSAL) return [m];
    const b = ctx.codec.decodeBlock(msg.block);
    const twin = ctx.codec.encodeBlock({
      ...b.header,
      parent: fromHex(b.header.parent),
      timestampMs: b.header.timestampMs + 1n,
      txs: b.txs.map(fromHex),
    });
    const digest = fromHex(ctx.codec.decodeBlock(twin).digest);
    const body = ctx.codec.voteBody({
      kind: "notarize",
      view: b.header.view,
      height: b.header.height,
      parent: fromHex(b.header.parent),
      digest,
    });
    const other = encodeProposalMessage(sign(ctx, "notarize", body), twin);
    return peersExceptSelf(ctx).map((to, k) => ({ to, bytes: k % 2 === 0 ? m.bytes : other }));
  };
}

/** Notarizes a second, made-up block next to every real notarize, and nullifies every view it finalizes. */
function conflicter(ctx: ActorContext): Actor {
  return (m) => {
    const msg = decodeMessage(m.bytes);
    const voteBytes = msg.tag === Tag.VOTE || msg.tag === Tag.PROPOSAL ? msg.vote : undefined;
    if (!voteBytes) return [m];
    const v = ctx.codec.decodeVote(voteBytes);
    const out = [m];
    if (v.kind === "notarize" && v.height !== undefined && v.parent) {
      const body = ctx.codec.voteBody({
        kind: "notarize",
        view: v.view,
        height: v.height,
        parent: fromHex(v.parent),
        digest: ctx.rng.bytes(32),
      });
      out.push({ to: -1, bytes: encodeVoteMessage(sign(ctx, "notarize", body)) });
    }
    if (v.kind === "finalize")
      out.push({ to: -1, bytes: encodeVoteMessage(sign(ctx, "nullify", ctx.codec.voteBody({ kind: "nullify", view: v.view }))) });
    return out;
  };
}

/** Every vote and proposal goes out with a corrupted signature. */
function badsig(ctx: ActorContext): Actor {
  return (m) => {
    const msg = decodeMessage(m.bytes);
    if (msg.tag !== Tag.VOTE && msg.tag !== Tag.PROPOSAL) return [m];
    const bytes = m.bytes.slice();
    const sigEnd = msg.tag === Tag.VOTE ? bytes.length : 5 + msg.vote.length;
    const at = sigEnd - 1 - ctx.rng.below(64);
    bytes[at] = (bytes[at] as number) ^ (1 << ctx.rng.below(8));
    return [{ to: m.to, bytes }];
  };
}

/** Sends what it should, and also re-sends old messages of its own to random peers. */
function stale(ctx: ActorContext): Actor {
  const history: Uint8Array[] = [];
  return (m) => {
    const out = [m];
    if (history.length > 0 && ctx.rng.chance(0.5)) {
      const old = history[ctx.rng.below(Math.min(history.length, 200))] as Uint8Array;
      out.push({ to: ctx.rng.pick(peersExceptSelf(ctx)), bytes: old });
    }
    if (history.length < 200) history.push(m.bytes);
    else history[ctx.rng.below(200)] = m.bytes;
    return out;
  };
}

/** Never proposes, notarizes or finalizes: answers every view it speaks about with nullify. */
function nullifyOnly(ctx: ActorContext): Actor {
  return (m) => {
    const msg = decodeMessage(m.bytes);
    const voteBytes = msg.tag === Tag.VOTE || msg.tag === Tag.PROPOSAL ? msg.vote : undefined;
    if (!voteBytes) return [m];
    const v = ctx.codec.decodeVote(voteBytes);
    if (v.kind === "nullify") return [m];
    return [{ to: -1, bytes: encodeVoteMessage(sign(ctx, "nullify", ctx.codec.voteBody({ kind: "nullify", view: v.view }))) }];
  };
}

export function makeActor(behavior: Behavior, ctx: ActorContext): Actor | undefined {
  switch (behavior) {
    case "equivocator":
      return equivocator(ctx);
    case "conflicter":
      return conflicter(ctx);
    case "badsig":
      return badsig(ctx);
    case "stale":
      return stale(ctx);
    case "nullifyOnly":
      return nullifyOnly(ctx);
    default:
      return undefined; // honest, and twins (two honest engines sharing one key)
  }
}
