// Why the mempool refused a transaction: one stable code per reason, carried in every AddResult.
// Relays pass the code through to their clients unchanged, so never rename or reuse a code, only
// append. `isRetryable` says whether the same bytes may be accepted later without being re-signed.

export const MempoolErrorCode = {
  /** The input is not a Uint8Array. */
  NOT_BYTES: "NOT_BYTES",
  /** Longer than `maxTxBytes` (4,096 by default, the format's limit). */
  TOO_LARGE: "TOO_LARGE",
  /** The wasm codec refused the bytes; `decodeCode` carries its code (docs/errors.md, 100–109). */
  MALFORMED: "MALFORMED",
  /** The pool already holds this exact transaction (same hash); the copy is dropped. */
  DUPLICATE: "DUPLICATE",
  /** The nonce is below the signer's executed nonce: it can never execute. */
  STALE_NONCE: "STALE_NONCE",
  /** The nonce is `nonceWindow` or more past the signer's next nonce. */
  NONCE_TOO_FAR: "NONCE_TOO_FAR",
  /** The pool holds a different transaction with the same (signer, nonce); the first one stays. */
  NONCE_TAKEN: "NONCE_TAKEN",
  /** The signer already has `maxPerAccount` transactions in the pool. */
  ACCOUNT_FULL: "ACCOUNT_FULL",
  /** The pool holds `maxTotal` transactions or `maxTotalBytes` bytes. */
  POOL_FULL: "POOL_FULL",
  /** The ed25519 signature does not verify for this chain (TX domain, docs/signatures.md). */
  BAD_SIGNATURE: "BAD_SIGNATURE",
  /** The validator is shedding load (too much admission work pending, or its event loop is behind):
   * nothing was checked (node/admission.ts). */
  BUSY: "BUSY",
} as const;

export type MempoolErrorCode = (typeof MempoolErrorCode)[keyof typeof MempoolErrorCode];

/** A hint a relay can show to a person, and whether resending the same bytes later can succeed. */
export const MEMPOOL_ERRORS: Readonly<Record<MempoolErrorCode, { hint: string; isRetryable: boolean }>> = {
  NOT_BYTES: { hint: "send the transaction as raw bytes", isRetryable: false },
  TOO_LARGE: { hint: "a transaction is at most 4,096 bytes", isRetryable: false },
  MALFORMED: { hint: "build transactions with the core codec (@nullspace/core)", isRetryable: false },
  DUPLICATE: { hint: "already pending: nothing to do", isRetryable: false },
  STALE_NONCE: { hint: "this nonce is already used: fetch the account's nonce and re-sign", isRetryable: false },
  NONCE_TOO_FAR: { hint: "wait until earlier transactions of this account are final", isRetryable: true },
  NONCE_TAKEN: { hint: "another transaction with this nonce is pending", isRetryable: false },
  ACCOUNT_FULL: { hint: "too many pending transactions for this account: wait for finality", isRetryable: true },
  POOL_FULL: { hint: "the validator is busy: retry later", isRetryable: true },
  BAD_SIGNATURE: { hint: "sign with the account's key over this chain's TX domain", isRetryable: false },
  BUSY: { hint: "the validator is shedding load: retry in a moment, or through another validator", isRetryable: true },
};

/** Options that make no sense (a caller bug, thrown by the constructor, never by add/take/prune). */
export class MempoolConfigError extends Error {
  override readonly name = "MempoolConfigError";
  readonly code = "BAD_OPTION";
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`mempool option ${option}: ${message}`);
  }
}
