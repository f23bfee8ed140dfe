// The whole check of one finalized height (docs/formats.md, "Finalized bundle"; consensus.md,
// "Progress certificates and proofs"), as relays and browsers run it before they trust a bundle:
//
//   1. the bundle decodes (the wasm's codec: one parser);
//   2. its finalization certificate is a quorum of the validator set over this block, or over a
//      descendant that the caller links back to this block by parent digests;
//   3. σ_h, when present, verifies against the group key, and the record's beaconHash is sha256(σ)
//      (zeros when the height was executed without a beacon value);
//   4. its progress certificate is a quorum over a record of this chain, height and block;
//   5. (replayFinalized, for holders of the state) executing the block gives exactly that record.
//
// Nothing here throws on bad input: every refusal is a verdict with a stable reason.
import type { Codec } from "../codec.js";
import type { Core } from "../core.js";
import { BLOCK_DIGEST_LENGTH, beaconMessage, enableMclEngine, type PublicKeyInput, verifySignature } from "../crypto/bls/index.js";
import { equalBytes, fromHex, sha256, toHex } from "../crypto/sha256.js";
import type { FinalizedView, Hex, ProgressView } from "../views.js";
import { verifyCertificate, verifyProgressCertificate } from "./verify-certificate.js";

export type FinalizedFailure =
  /** The bundle does not decode. */
  | "malformed"
  /** No progress certificate yet: nothing certifies the roots. */
  | "incomplete"
  /** The finalization certificate is not a valid quorum certificate of the validator set. */
  | "bad-finalization"
  /** Finalized through a descendant whose parent digests do not lead back to this block. */
  | "unlinked"
  /** σ does not verify against the group key. */
  | "bad-sigma"
  /** The record's beaconHash is not sha256(σ), or zeros without σ. */
  | "sigma-mismatch"
  /** The progress certificate is not a valid quorum certificate, or names another height/block. */
  | "bad-progress"
  /** Executing the block did not give the certified record. */
  | "execution-mismatch"
  /** The state machine refused the block (wrong height or parent for the state held). */
  | "execution-failed";

export interface VerifyFinalizedOptions {
  codec: Codec;
  chainId: bigint;
  /** ed25519 public keys of the validator set, by index. */
  validators: readonly Uint8Array[];
  /** The beacon's BLS group public key (96 bytes, or a decoded point). */
  groupKey: PublicKeyInput;
  bundle: Uint8Array;
  /**
   * For a block made final through a descendant's finalization: the digest and parent of the
   * heights after it, in order, at least up to the certificate's height (e.g. their bundles' views).
   */
  descendants?: readonly { digest: Hex; parent: Hex }[];
  /** The σ check (default verifySignature on this thread); a host may run it elsewhere, e.g. the
   * relay on a worker thread (`SigmaThread` of `@nullspace/core/node`), with the same verdicts. */
  verifySigma?: (groupKey: PublicKeyInput, message: Uint8Array, sigma: Uint8Array) => boolean | Promise<boolean>;
  /** The certificates' ed25519 checks on Node's libuv pool (VerifyCertificateOptions.offMainThread). */
  offMainThread?: boolean;
}

export interface VerifiedFinalized {
  ok: true;
  bundle: FinalizedView;
  progress: ProgressView;
  /** The certified progress record's exact bytes. */
  record: Uint8Array;
  /** The height of the finalization certificate (greater than the bundle's when through a descendant). */
  finalizedAt: bigint;
}

export type FinalizedVerdict =
  | VerifiedFinalized
  | {
      ok: false;
      reason: FinalizedFailure;
      detail: string /** for "unlinked": descendants needed through this height */;
      needsThrough?: bigint;
    };

const ZERO_HASH = new Uint8Array(32);

function refuse(reason: FinalizedFailure, detail: string, needsThrough?: bigint): FinalizedVerdict {
  return needsThrough === undefined ? { ok: false, reason, detail } : { ok: false, reason, detail, needsThrough };
}

/** Checks steps 1–4 for one bundle. Never throws. */
export async function verifyFinalized(o: VerifyFinalizedOptions): Promise<FinalizedVerdict> {
  let bundle: FinalizedView;
  try {
    bundle = o.codec.decodeFinalized(o.bundle);
  } catch (e) {
    return refuse("malformed", e instanceof Error ? e.message : String(e));
  }
  const h = bundle.height;
  if (!bundle.progress) return refuse("incomplete", `height ${h} has no progress certificate`);

  const checks = { codec: o.codec, chainId: o.chainId, validators: o.validators, offMainThread: o.offMainThread };
  const cert = await verifyCertificate({ ...checks, certificate: bundle.finalization });
  if (!cert.ok) return refuse("bad-finalization", cert.reason);
  if (cert.kind !== "finalization" || !cert.proposal) return refuse("bad-finalization", `a ${cert.kind} certificate`);
  const finalizedAt = cert.proposal.height;
  if (finalizedAt < h) return refuse("bad-finalization", `certificate of height ${finalizedAt} for height ${h}`);
  if (finalizedAt === h && cert.proposal.digest !== bundle.digest) return refuse("bad-finalization", "certificate of another block");
  if (finalizedAt > h) {
    const linked = linkToDescendant(bundle.digest, h, finalizedAt, cert.proposal.digest, o.descendants ?? []);
    if (linked) return linked;
  }

  const pc = await verifyProgressCertificate({ ...checks, certificate: bundle.progress });
  if (!pc.ok) return refuse("bad-progress", pc.reason);
  const p = pc.progress;
  if (p.chainId !== o.chainId || p.height !== h || p.blockDigest !== bundle.digest)
    return refuse("bad-progress", "record of another block");

  const beaconHash = fromHex(p.beaconHash);
  if (bundle.sigma) {
    if (!equalBytes(beaconHash, sha256(bundle.sigma))) return refuse("sigma-mismatch", "beaconHash is not sha256(σ)");
    if (bundle.digest.length !== BLOCK_DIGEST_LENGTH * 2) return refuse("malformed", "block digest length");
    const message = beaconMessage({ chainId: o.chainId, height: h, blockDigest: fromHex(bundle.digest) });
    // On this thread the check runs on mcl where it loads (Node, browsers: ~5 ms instead of ~30,
    // decisions/018) and on noble where it does not (no WebAssembly); the verdict is the same.
    if (!o.verifySigma) await enableMclEngine();
    if (!(await (o.verifySigma ?? verifySignature)(o.groupKey, message, bundle.sigma)))
      return refuse("bad-sigma", `σ of height ${h} fails the group key`);
  } else if (!equalBytes(beaconHash, ZERO_HASH)) {
    return refuse("sigma-mismatch", "the record names a beacon value the bundle lacks");
  }

  // The record as verified above: decoding the certificate a second time (JSON out of the wasm)
  // was 3% of a relay's main thread outside its fan-out (a profile, 2026-11-24).
  return { ok: true, bundle, progress: p, record: pc.record, finalizedAt };
}

/** Follows parent digests from `digest` (height h) up to the certified descendant; null when linked. */
function linkToDescendant(
  digest: Hex,
  h: bigint,
  certHeight: bigint,
  certDigest: Hex,
  descendants: readonly { digest: Hex; parent: Hex }[],
): FinalizedVerdict | null {
  const needed = Number(certHeight - h);
  if (descendants.length < needed) return refuse("unlinked", `needs heights ${h + 1n}..${certHeight} to link`, certHeight);
  let tip = digest;
  for (let i = 0; i < needed; i++) {
    const d = descendants[i] as { digest: Hex; parent: Hex };
    if (d.parent !== tip) return refuse("unlinked", `height ${h + BigInt(i) + 1n} does not descend from ${tip}`);
    tip = d.digest;
  }
  return tip === certDigest ? null : refuse("unlinked", `height ${certHeight} is not the certified block`);
}

export type ReplayVerdict =
  | { ok: true; events: Uint8Array[] }
  | { ok: false; reason: "execution-mismatch" | "execution-failed"; detail: string };

/**
 * Step 5: executes a verified bundle on `core` (whose state must be at the previous height) with σ
 * when the record names one, and requires the resulting record to be the certified one. On
 * "execution-mismatch" the state has advanced to something the validators did not certify: the
 * caller must discard it (rebuild from what it had verified before).
 */
export function replayFinalized(core: Core, v: VerifiedFinalized): ReplayVerdict {
  let result: ReturnType<Core["execute"]>;
  try {
    result = core.execute(v.bundle.block, v.bundle.sigma ?? new Uint8Array(0));
  } catch (e) {
    return { ok: false, reason: "execution-failed", detail: e instanceof Error ? e.message : String(e) };
  }
  if (!result.executed || !result.progress)
    return { ok: false, reason: "execution-failed", detail: `height ${v.bundle.height} already executed` };
  if (!equalBytes(result.progress, v.record))
    return { ok: false, reason: "execution-mismatch", detail: `got ${toHex(result.progress)}, certified ${toHex(v.record)}` };
  return { ok: true, events: result.events };
}
