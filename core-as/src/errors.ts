// Typed errors of the core. Codes are the state machine's stable codes (assembly/errors.ts,
// docs/errors.md); a test keeps the three in agreement.

export const ERROR_NAMES: Readonly<Record<number, string>> = {
  100: "TRUNCATED",
  101: "TRAILING_BYTES",
  102: "NON_CANONICAL_INT",
  103: "INT_OVERFLOW",
  104: "FIELD_TOO_LONG",
  105: "UNKNOWN_TAG",
  106: "UNKNOWN_VERSION",
  107: "INVALID_UTF8",
  108: "INVALID_VALUE",
  109: "TOO_MANY_ITEMS",
  110: "PARTS_MISMATCH",
  200: "WRONG_HEIGHT",
  202: "WRONG_PARENT",
  203: "WRONG_CHAIN",
  204: "TX_ROOT_MISMATCH",
  205: "BAD_BEACON",
  206: "TIMESTAMP_REGRESSION",
  207: "SNAPSHOT_INVALID",
  208: "NOT_INITIALIZED",
  209: "ALREADY_INITIALIZED",
  210: "GENESIS_INVALID",
  300: "MALFORMED_TX",
  301: "NONCE_MISMATCH",
  302: "UNKNOWN_ACCOUNT",
  303: "ALREADY_REGISTERED",
  304: "NAME_INVALID",
  305: "FAUCET_COOLDOWN",
  306: "FAUCET_NOT_ELIGIBLE",
  307: "FAUCET_DISABLED",
  308: "NOT_ADMIN",
  309: "ADMIN_KEYS_INVALID",
  310: "INSUFFICIENT_CHIPS",
  311: "ARITHMETIC_OVERFLOW",
  312: "SUPPLY_EXHAUSTED",
  313: "POLICY_OUT_OF_BOUNDS",
  314: "UNKNOWN_POLICY_FIELD",
  400: "UNKNOWN_GAME",
  401: "SESSION_ID_USED",
  402: "SESSION_NOT_FOUND",
  403: "SESSION_FINISHED",
  404: "WRONG_PHASE",
  405: "UNKNOWN_ACTION",
  406: "UNKNOWN_BET",
  407: "INVALID_BET_TARGET",
  408: "BET_BELOW_MINIMUM",
  409: "BET_OVER_LIMIT",
  410: "INVALID_OPTIONS",
  411: "NO_BETS",
  412: "STAKE_NOT_ALLOWED",
  413: "BETS_PENDING",
  414: "NO_RANDOMNESS",
  415: "TOURNAMENT_NOT_ACTIVE",
  416: "MODIFIER_NOT_ALLOWED",
  417: "DUPLICATE_BET",
  430: "TABLE_FULL",
  431: "BET_CLOSED",
  450: "TOURNAMENT_NOT_OPEN",
  451: "TOURNAMENT_ALREADY_JOINED",
  452: "FREEROLL_LIMIT_REACHED",
  454: "TOURNAMENT_FULL",
  455: "TOURNAMENT_TOO_EARLY",
  456: "TOURNAMENT_NOT_FOUND",
  457: "TOURNAMENT_CLOSED",
  458: "NOT_IN_TOURNAMENTS",
  900: "BAD_ARGUMENTS",
  901: "NOT_FOUND",
};

export function errorName(code: number): string {
  return ERROR_NAMES[code] ?? `E${code}`;
}

/** An error the state machine reported with a stable code. */
export class CoreError extends Error {
  override readonly name = "CoreError";
  constructor(
    readonly code: number,
    message?: string,
  ) {
    super(message ?? `${errorName(code)} (${code})`);
  }
  get codeName(): string {
    return errorName(this.code);
  }
  static fromCode(code: number): CoreError {
    return new CoreError(code);
  }
}

/** The wasm aborted: always a bug in the state machine, never a property of input. */
export class CoreTrap extends Error {
  override readonly name = "CoreTrap";
}

/** A proof, certificate or signature failed to verify. */
export class VerifyError extends Error {
  override readonly name = "VerifyError";
  constructor(
    readonly reason: string,
    message?: string,
  ) {
    super(message ?? reason);
  }
}
