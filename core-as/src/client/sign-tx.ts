// Building and checking signed transactions: body from the wasm codec, signature over the TX
// domain prefix ‖ body (docs/signatures.md), wire form body ‖ signature.
import type { Codec, Instruction, TxSummary } from "../codec.js";
import { SignatureKind, signDomain, signDomainSync, signingPayload, verifyDomain } from "../crypto/domain.js";
import type { Signer, VerifyItem } from "../crypto/ed25519.js";
import { concatBytes, fromHex } from "../crypto/sha256.js";

export interface SignTxOptions {
  codec: Codec;
  signer: Signer;
  chainId: bigint;
  nonce: bigint;
  instruction: Instruction;
}

export async function signTx(o: SignTxOptions): Promise<Uint8Array> {
  const body = o.codec.txBody(o.signer.publicKey, o.nonce, o.instruction);
  return concatBytes(body, await signDomain(o.signer, SignatureKind.TX, o.chainId, body));
}

/** Synchronous signing where the signer supports it (Node keys, noble). */
export function signTxSync(o: SignTxOptions): Uint8Array {
  const body = o.codec.txBody(o.signer.publicKey, o.nonce, o.instruction);
  return concatBytes(body, signDomainSync(o.signer, SignatureKind.TX, o.chainId, body));
}

/** Whether a transaction decodes and carries a valid signature of its signer for this chain. */
export function verifyTxSignature(codec: Codec, tx: Uint8Array, chainId: bigint): boolean {
  let view: ReturnType<Codec["decodeTx"]>;
  try {
    view = codec.decodeTx(tx);
  } catch {
    return false;
  }
  const body = tx.subarray(0, view.bodyLength);
  return verifyDomain(fromHex(view.signer), SignatureKind.TX, chainId, body, fromHex(view.signature));
}

/**
 * The signature check of a transaction already summarised (`Codec.txSummary`, which validated its
 * bytes), for a verifier of the caller's choosing: the relay's Ed25519Thread, a validator's
 * mempool and proposal batches. Key and signature are views into the summary and `tx`.
 */
export function txSignatureCheck(summary: TxSummary, tx: Uint8Array, chainId: bigint): VerifyItem {
  return {
    publicKey: summary.signerKey,
    message: signingPayload(SignatureKind.TX, chainId, tx.subarray(0, summary.bodyLength)),
    signature: tx.subarray(summary.bodyLength, summary.bodyLength + 64),
  };
}
