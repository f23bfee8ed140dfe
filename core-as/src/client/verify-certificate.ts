// Client-side checks of consensus certificates (docs/formats.md, "Consensus messages and
// certificates"; /docs/consensus.md). The wasm decodes (one codec); this file only rebuilds the
// signed payloads from the exact body bytes the wasm reports and checks the signatures.
import type { Codec } from "../codec.js";
import { SignatureKind, signingPayload } from "../crypto/domain.js";
import { type VerifyItem, verifyBatch } from "../crypto/ed25519.js";
import { fromHex } from "../crypto/sha256.js";
import type { CertificateKind, CertificateView, ProgressCertificateView, ProgressView, SignatureView, VoteKind } from "../views.js";

export type CertificateFailure = "malformed" | "wrong-validator-count" | "no-quorum" | "bad-signature";

export interface ProposalSummary {
  view: bigint;
  height: bigint;
  parent: string;
  digest: string;
}

export type CertificateVerdict =
  | { ok: true; kind: CertificateKind; view: bigint; proposal?: ProposalSummary }
  | { ok: false; reason: CertificateFailure };

export type ProgressCertificateVerdict =
  /** `record`: the certified progress record's exact bytes (what the signatures are over). */
  { ok: true; progress: ProgressView; record: Uint8Array } | { ok: false; reason: CertificateFailure };

export interface VerifyCertificateOptions {
  codec: Codec;
  chainId: bigint;
  /** ed25519 public keys of the validator set, by index. */
  validators: readonly Uint8Array[];
  certificate: Uint8Array;
  /**
   * In Node, run every signature check on the libuv pool, even a quorum too small for the pool to
   * pay off (ed25519.ts): for a host whose main thread serves sockets, as a relay's does. The
   * verdicts are the same; elsewhere it changes nothing.
   */
  offMainThread?: boolean;
}

/** The signature kind of a vote or certificate kind (docs/signatures.md). */
export function consensusSignatureKind(kind: VoteKind | CertificateKind): SignatureKind {
  switch (kind) {
    case "notarize":
    case "notarization":
      return SignatureKind.NOTARIZE;
    case "nullify":
    case "nullification":
      return SignatureKind.NULLIFY;
    default:
      return SignatureKind.FINALIZE;
  }
}

/** Signatures needed from n validators: q = n − ⌊(n−1)/3⌋. */
export function quorum(n: number): number {
  return n - Math.floor((n - 1) / 3);
}

async function checkSigned(
  validators: readonly Uint8Array[],
  n: number,
  signatures: readonly SignatureView[],
  payload: Uint8Array,
  offMainThread: boolean | undefined,
): Promise<CertificateFailure | null> {
  if (n !== validators.length) return "wrong-validator-count";
  if (signatures.length < quorum(n)) return "no-quorum";
  const items: VerifyItem[] = signatures.map((s) => ({
    publicKey: validators[s.signer] as Uint8Array,
    message: payload,
    signature: fromHex(s.signature),
  }));
  let results: boolean[];
  try {
    results = await verifyBatch(items, { offMainThread });
  } catch {
    return "bad-signature";
  }
  return results.every(Boolean) ? null : "bad-signature";
}

/**
 * Checks a notarization, nullification or finalization certificate against a validator set:
 * it decodes, names that many validators, carries a quorum, and every signature is valid over
 * domainPrefix(kind, chainId) ‖ body. Never throws on bad certificate bytes.
 */
export async function verifyCertificate(o: VerifyCertificateOptions): Promise<CertificateVerdict> {
  let view: CertificateView;
  try {
    view = o.codec.decodeCertificate(o.certificate);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const payload = signingPayload(consensusSignatureKind(view.kind), o.chainId, fromHex(view.body));
  const failure = await checkSigned(o.validators, view.n, view.signatures, payload, o.offMainThread);
  if (failure) return { ok: false, reason: failure };
  if (view.height === undefined) return { ok: true, kind: view.kind, view: view.view };
  return {
    ok: true,
    kind: view.kind,
    view: view.view,
    proposal: { view: view.view, height: view.height, parent: view.parent as string, digest: view.digest as string },
  };
}

/** As verifyCertificate, for a progress certificate (kind PROGRESS over the progress record). */
export async function verifyProgressCertificate(o: VerifyCertificateOptions): Promise<ProgressCertificateVerdict> {
  let view: ProgressCertificateView;
  try {
    view = o.codec.decodeProgressCertificate(o.certificate);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const record = fromHex(view.record);
  const payload = signingPayload(SignatureKind.PROGRESS, o.chainId, record);
  const failure = await checkSigned(o.validators, view.n, view.signatures, payload, o.offMainThread);
  return failure ? { ok: false, reason: failure } : { ok: true, progress: view.progress, record };
}
