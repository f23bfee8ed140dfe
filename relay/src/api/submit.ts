// POST /submit (docs/relay-api.md): one signed transaction, checked here before any validator
// sees it — size, decode (the wasm codec), signature, nonce window against the verified state,
// per-address and per-account rate. What passes goes to the validators through forward.ts.
import { type Codec, type Core, type TxSummary, txSignatureCheck } from "@nullspace/core";
import type { Ed25519Thread } from "@nullspace/core/node";
import { RelayError } from "../errors.js";
import type { Limiter } from "./shared-rate-limit.js";

export interface SubmitDeps {
  core: () => Core;
  chainId: bigint;
  perIp: Limiter;
  perAccount: Limiter;
  /** Accepted nonces are in [next, next + nonceWindow), as the validators' mempools (64). */
  nonceWindow: number;
  /** The signature checks' thread: a turn's checks go there in batches. */
  signatures: Ed25519Thread;
}

/** The remote address's token for one submission (taken before its body is read), or RELAY_RATE_LIMITED. */
export async function takeAddressToken(d: Pick<SubmitDeps, "perIp">, ip: string): Promise<void> {
  const wait = await d.perIp.take(ip);
  if (wait > 0) throw new RelayError("RELAY_RATE_LIMITED", `too many requests from ${ip}`, { retryAfter: wait });
}

/** The checks of a submission's bytes before forwarding; returns the transaction's hash, or throws RelayError. */
export async function precheck(d: SubmitDeps, codec: Codec, tx: Uint8Array): Promise<{ hash: string; signer: string }> {
  let view: TxSummary;
  try {
    view = codec.txSummary(tx);
  } catch (e) {
    throw new RelayError("RELAY_MALFORMED_TX", `not a transaction: ${(e as Error).message}`, { decodeCode: (e as { code?: number }).code });
  }
  // Off the event loop, the turn's checks together (core-as/src/node/ed25519-thread.ts): checked
  // here, a burst held every answer and live update back; handed one by one to the libuv pool, each
  // woke a pool thread that took the loop's core (benchmarks.md, "Relay").
  const ok = await d.signatures.verify(txSignatureCheck(view, tx, d.chainId));
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
