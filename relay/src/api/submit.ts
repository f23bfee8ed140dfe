// POST /submit (docs/relay-api.md): one signed transaction, checked here before any validator
// sees it — size, decode (the wasm codec), signature, nonce window against the verified state,
// per-address and per-account rate — then forwarded to one validator's mempool (the next in turn;
// validators gossip what they accept to each other), trying the others only when that one is
// down or refuses for a reason of its own (BUSY, a full pool).
import { type Codec, type Core, sha256, toHex, verifyTxSignature } from "@nullspace/core";
import { RelayError } from "../errors.js";
import type { RateLimiter } from "./rate-limit.js";

export interface SubmitDeps {
  core: () => Core;
  chainId: bigint;
  validators: readonly string[];
  perIp: RateLimiter;
  perAccount: RateLimiter;
  /** Accepted nonces are in [next, next + nonceWindow), as the validators' mempools (64). */
  nonceWindow: number;
  forwardTimeoutMs: number;
  /** Which validator the next transaction goes to first (round-robin, shared by all requests). */
  turn: { next: number };
}

export interface MempoolVerdict {
  ok: boolean;
  hash?: string;
  code?: string;
  hint?: string;
  retryable?: boolean;
}

/** The checks before forwarding; returns the transaction's hash, or throws RelayError. */
export function precheck(d: SubmitDeps, codec: Codec, tx: Uint8Array, ip: string): { hash: string; signer: string } {
  const wait = d.perIp.take(ip);
  if (wait > 0) throw new RelayError("RELAY_RATE_LIMITED", `too many requests from ${ip}`, { retryAfter: wait });
  let view: ReturnType<Codec["decodeTx"]>;
  try {
    view = codec.decodeTx(tx);
  } catch (e) {
    throw new RelayError("RELAY_MALFORMED_TX", `not a transaction: ${(e as Error).message}`, { decodeCode: (e as { code?: number }).code });
  }
  if (!verifyTxSignature(codec, tx, d.chainId)) throw new RelayError("RELAY_BAD_SIGNATURE", "the signature does not verify for this chain");
  const next = d.core().account(Buffer.from(view.signer, "hex"))?.nonce ?? 0n;
  if (view.nonce < next)
    throw new RelayError("RELAY_STALE_NONCE", `nonce ${view.nonce} is below the account's next nonce ${next}`, { next: next.toString() });
  if (view.nonce >= next + BigInt(d.nonceWindow))
    throw new RelayError("RELAY_NONCE_TOO_FAR", `nonce ${view.nonce} is ${d.nonceWindow} or more past the next nonce ${next}`, {
      next: next.toString(),
    });
  const accountWait = d.perAccount.take(view.signer);
  if (accountWait > 0) throw new RelayError("RELAY_ACCOUNT_RATE_LIMITED", "this account submits too fast", { retryAfter: accountWait });
  return { hash: toHex(sha256(tx)), signer: view.signer };
}

/** Refusals that say something about the validator, not the transaction: another may accept. */
const TRY_ANOTHER = new Set(["BUSY", "POOL_FULL"]);

/**
 * Forwards to one validator, the next in turn, so a transaction costs one admission per validator
 * (the one it reaches, then the others through gossip) instead of one HTTP request and one
 * duplicate check per validator and relay. Falls through to the next validator when one does not
 * answer or refuses with a reason of its own (TRY_ANOTHER); any other verdict, acceptance or
 * refusal, is the answer. When none answers at all, RELAY_UPSTREAM_UNAVAILABLE.
 */
export async function forward(d: SubmitDeps, tx: Uint8Array): Promise<MempoolVerdict> {
  const n = d.validators.length;
  const first = d.turn.next++ % n;
  let refusal: MempoolVerdict | undefined;
  for (let k = 0; k < n; k++) {
    const base = d.validators[(first + k) % n] as string;
    let verdict: MempoolVerdict | undefined;
    try {
      const r = await fetch(`${base}/submit`, {
        method: "POST",
        headers: { "content-type": "application/vnd.nullspace.tx" },
        body: Buffer.from(tx),
        signal: AbortSignal.timeout(d.forwardTimeoutMs),
      });
      if (r.ok) verdict = ((await r.json()) as { results?: MempoolVerdict[] }).results?.[0];
    } catch {
      // down or too slow: the next one
    }
    if (verdict === undefined) continue;
    if (verdict.ok || !TRY_ANOTHER.has(verdict.code ?? "")) return verdict;
    refusal ??= verdict;
  }
  if (!refusal) throw new RelayError("RELAY_UPSTREAM_UNAVAILABLE", "no validator answered");
  return refusal;
}
