// POST /submit (docs/relay-api.md): one signed transaction, checked here before any validator
// sees it — size, decode (the wasm codec), signature, nonce window against the verified state,
// per-address and per-account rate. What passes goes to the validators through forward.ts.
import { type Codec, type Core, type TxSummary, verifyTxSignatureOffThread } from "@nullspace/core";
import { RelayError } from "../errors.js";
import type { Limiter } from "./shared-rate-limit.js";

export interface SubmitDeps {
  core: () => Core;
  chainId: bigint;
  perIp: Limiter;
  perAccount: Limiter;
  /** Accepted nonces are in [next, next + nonceWindow), as the validators' mempools (64). */
  nonceWindow: number;
}

/** The checks before forwarding; returns the transaction's hash, or throws RelayError. */
export async function precheck(d: SubmitDeps, codec: Codec, tx: Uint8Array, ip: string): Promise<{ hash: string; signer: string }> {
  const wait = await d.perIp.take(ip);
  if (wait > 0) throw new RelayError("RELAY_RATE_LIMITED", `too many requests from ${ip}`, { retryAfter: wait });
  let view: TxSummary;
  try {
    view = codec.txSummary(tx);
  } catch (e) {
    throw new RelayError("RELAY_MALFORMED_TX", `not a transaction: ${(e as Error).message}`, { decodeCode: (e as { code?: number }).code });
  }
  // Off the event loop: a burst of submissions verified one after another on it held every
  // answer (and every live update) back for hundreds of milliseconds (benchmarks.md, "Relay").
  if (!(await verifyTxSignatureOffThread(view, tx, d.chainId)))
    throw new RelayError("RELAY_BAD_SIGNATURE", "the signature does not verify for this chain");
  const next = d.core().accountNonce(view.signerKey); // binary: the JSON account view cost more than the check
  if (view.nonce < next)
    throw new RelayError("RELAY_STALE_NONCE", `nonce ${view.nonce} is below the account's next nonce ${next}`, { next: next.toString() });
  if (view.nonce >= next + BigInt(d.nonceWindow))
    throw new RelayError("RELAY_NONCE_TOO_FAR", `nonce ${view.nonce} is ${d.nonceWindow} or more past the next nonce ${next}`, {
      next: next.toString(),
    });
  const accountWait = await d.perAccount.take(view.signer);
  if (accountWait > 0) throw new RelayError("RELAY_ACCOUNT_RATE_LIMITED", "this account submits too fast", { retryAfter: accountWait });
  return { hash: view.hash, signer: view.signer };
}
