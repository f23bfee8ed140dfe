// Stable error codes of the state machine. Never renumber: clients, relays and error events
// carry these numbers. The table with meanings lives in docs/errors.md; `npm test` checks that
// the two agree.

// Codec: malformed bytes (1xx)
export const E_TRUNCATED: u16 = 100;
export const E_TRAILING_BYTES: u16 = 101;
export const E_NON_CANONICAL_INT: u16 = 102;
export const E_INT_OVERFLOW: u16 = 103;
export const E_FIELD_TOO_LONG: u16 = 104;
export const E_UNKNOWN_TAG: u16 = 105;
export const E_UNKNOWN_VERSION: u16 = 106;
export const E_INVALID_UTF8: u16 = 107;
export const E_INVALID_VALUE: u16 = 108;
export const E_TOO_MANY_ITEMS: u16 = 109;
export const E_PARTS_MISMATCH: u16 = 110;

// Block execution: the block as a whole is refused and nothing changes (2xx)
export const E_WRONG_HEIGHT: u16 = 200;
export const E_WRONG_PARENT: u16 = 202;
export const E_WRONG_CHAIN: u16 = 203;
export const E_TX_ROOT_MISMATCH: u16 = 204;
export const E_BAD_BEACON: u16 = 205;
export const E_TIMESTAMP_REGRESSION: u16 = 206;
export const E_SNAPSHOT_INVALID: u16 = 207;
export const E_NOT_INITIALIZED: u16 = 208;
export const E_ALREADY_INITIALIZED: u16 = 209;
export const E_GENESIS_INVALID: u16 = 210;

// Transactions: emitted as error events (3xx)
export const E_MALFORMED_TX: u16 = 300;
export const E_NONCE_MISMATCH: u16 = 301;
export const E_UNKNOWN_ACCOUNT: u16 = 302;
export const E_ALREADY_REGISTERED: u16 = 303;
export const E_NAME_INVALID: u16 = 304;
export const E_FAUCET_COOLDOWN: u16 = 305;
export const E_FAUCET_NOT_ELIGIBLE: u16 = 306;
export const E_FAUCET_DISABLED: u16 = 307;
export const E_NOT_ADMIN: u16 = 308;
export const E_ADMIN_KEYS_INVALID: u16 = 309;
export const E_INSUFFICIENT_CHIPS: u16 = 310;
export const E_ARITHMETIC_OVERFLOW: u16 = 311;
export const E_SUPPLY_EXHAUSTED: u16 = 312;
export const E_POLICY_OUT_OF_BOUNDS: u16 = 313;
export const E_UNKNOWN_POLICY_FIELD: u16 = 314;

// Games: emitted as error events; the refused move changes nothing but the nonce (4xx)
export const E_UNKNOWN_GAME: u16 = 400;
export const E_SESSION_ID_USED: u16 = 401;
export const E_SESSION_NOT_FOUND: u16 = 402;
export const E_SESSION_FINISHED: u16 = 403;
export const E_WRONG_PHASE: u16 = 404;
export const E_UNKNOWN_ACTION: u16 = 405;
export const E_UNKNOWN_BET: u16 = 406;
export const E_INVALID_BET_TARGET: u16 = 407;
export const E_BET_BELOW_MINIMUM: u16 = 408;
export const E_BET_OVER_LIMIT: u16 = 409;
export const E_INVALID_OPTIONS: u16 = 410;
export const E_NO_BETS: u16 = 411;
export const E_STAKE_NOT_ALLOWED: u16 = 412;
export const E_BETS_PENDING: u16 = 413;
export const E_NO_RANDOMNESS: u16 = 414;
export const E_TOURNAMENT_NOT_ACTIVE: u16 = 415;
export const E_MODIFIER_NOT_ALLOWED: u16 = 416;
export const E_DUPLICATE_BET: u16 = 417;
// Craps (430–439)
export const E_TABLE_FULL: u16 = 430;
/** A bet of the spec that is closed to chips: as specified its pay table favours the player (docs/games.md). */
export const E_BET_CLOSED: u16 = 431;

// Tournaments (450–459): joins, cranks and tournament play
export const E_TOURNAMENT_NOT_OPEN: u16 = 450;
export const E_TOURNAMENT_ALREADY_JOINED: u16 = 451;
export const E_FREEROLL_LIMIT_REACHED: u16 = 452;
export const E_TOURNAMENT_FULL: u16 = 454;
export const E_TOURNAMENT_TOO_EARLY: u16 = 455;
export const E_TOURNAMENT_NOT_FOUND: u16 = 456;
export const E_TOURNAMENT_CLOSED: u16 = 457;
export const E_NOT_IN_TOURNAMENTS: u16 = 458;

// Host ABI misuse (9xx): a bug in the caller, never in a block
export const E_BAD_ARGUMENTS: u16 = 900;
export const E_NOT_FOUND: u16 = 901;

/** ABI return value for an error. */
export function fail(code: u16): i32 {
  return -(<i32>code);
}
