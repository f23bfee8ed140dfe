// Typed errors of the beacon. Codes are stable strings (docs/beacon.md lists them): callers and
// tests match on `code`, never on the message text.
//
// Rule of the module: building things (deal, sign, recover, encode, decode) throws BeaconError on
// bad input; answering a yes/no question about bytes from the network (verifyShare, verifyPartial,
// verifySignature) returns false instead, so a peer's garbage can never throw inside the engine.

export type BeaconErrorCode =
  /** n or t out of range (1 ≤ t ≤ n ≤ 65535). */
  | "BAD_PARAMETERS"
  /** A dealer seed that is not 32 bytes. */
  | "BAD_SEED"
  /** A share index that is not an integer in [1, 65535]. */
  | "BAD_INDEX"
  /** Bytes of the wrong type or length for their format. */
  | "BAD_LENGTH"
  /** A scalar outside [1, r): zero, or not reduced modulo the group order r. */
  | "BAD_SCALAR"
  /** Not the canonical compressed encoding of a point of the prime-order subgroup, or the identity. */
  | "BAD_POINT"
  /** A message that is not bytes, or beacon message fields out of range. */
  | "BAD_MESSAGE"
  /** Two partial signatures with the same index. */
  | "DUPLICATE_INDEX"
  /** Fewer than t partials (recover), or fewer than t valid ones (recoverVerified). */
  | "TOO_FEW_PARTIALS"
  /** More than t partials given to recover, which interpolates exactly t. */
  | "TOO_MANY_PARTIALS";

export class BeaconError extends Error {
  override readonly name = "BeaconError";
  constructor(
    readonly code: BeaconErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
