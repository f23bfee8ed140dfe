// POST /submit (docs/relay-api.md): one signed transaction, checked here before any validator
// sees it — size, decode (the wasm codec), signature, nonce window against the verified state,
// per-address and per-account rate. What passes goes to the validators through forward.ts.
import { type Codec, type Core, type TxSummary, verifyTxSignatureHere, verifyTxSignatureOffThread } from "@nullspace/core";
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

/** Signature checks on the event loop in one turn at most (~0.15 ms each); past it they go to the pool. */
export const CHECKS_HERE_PER_TURN = 4;
let checkedHere = 0;

/** Whether this turn may take one more signature check on the event loop. */
function checkHere(): boolean {
  if (checkedHere === 0) setImmediate(() => (checkedHere = 0));
  return checkedHere++ < CHECKS_HERE_PER_TURN;
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
  // A few a turn here, the rest off the event loop: a burst verified one after another on it held
  // every answer (and every live update) back for hundreds of milliseconds, while a lone check
  // handed to the pool waited 1.9 ms at p50 and 15 ms at p99 for a pool thread on a busy machine
  // (benchmarks.md, "Relay").
  const ok = checkHere() ? verifyTxSignatureHere(view, tx, d.chainId) : await verifyTxSignatureOffThread(view, tx, d.chainId);
  if (!ok) throw new RelayError("RELAY_BAD_SIGNATURE", "the signature does not verify for this chain");
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
