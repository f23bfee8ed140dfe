// Why the relay refused a request or closed a socket: one stable code per reason, the same string
// in HTTP error bodies (`{error: {code, message, hint}}`) and in WebSocket close reasons
// (`CODE: message`). Clients switch on the code, never on the message: never rename or reuse a
// code, only append (docs/relay-api.md lists them).

export const RelayErrorCode = {
  RELAY_NOT_FOUND: "RELAY_NOT_FOUND",
  RELAY_METHOD_NOT_ALLOWED: "RELAY_METHOD_NOT_ALLOWED",
  RELAY_BAD_REQUEST: "RELAY_BAD_REQUEST",
  RELAY_BAD_HEIGHT: "RELAY_BAD_HEIGHT",
  RELAY_BAD_RANGE: "RELAY_BAD_RANGE",
  RELAY_BAD_KEY: "RELAY_BAD_KEY",
  RELAY_BODY_TOO_LARGE: "RELAY_BODY_TOO_LARGE",
  RELAY_UNSUPPORTED_MEDIA: "RELAY_UNSUPPORTED_MEDIA",
  RELAY_MALFORMED_TX: "RELAY_MALFORMED_TX",
  RELAY_BAD_SIGNATURE: "RELAY_BAD_SIGNATURE",
  RELAY_STALE_NONCE: "RELAY_STALE_NONCE",
  RELAY_NONCE_TOO_FAR: "RELAY_NONCE_TOO_FAR",
  RELAY_RATE_LIMITED: "RELAY_RATE_LIMITED",
  RELAY_ACCOUNT_RATE_LIMITED: "RELAY_ACCOUNT_RATE_LIMITED",
  RELAY_REJECTED: "RELAY_REJECTED",
  RELAY_UPSTREAM_UNAVAILABLE: "RELAY_UPSTREAM_UNAVAILABLE",
  RELAY_NOT_READY: "RELAY_NOT_READY",
  RELAY_UPGRADE_REQUIRED: "RELAY_UPGRADE_REQUIRED",
  RELAY_BAD_FILTER: "RELAY_BAD_FILTER",
  RELAY_SLOW_CONSUMER: "RELAY_SLOW_CONSUMER",
  RELAY_UNEXPECTED_MESSAGE: "RELAY_UNEXPECTED_MESSAGE",
  RELAY_SHUTTING_DOWN: "RELAY_SHUTTING_DOWN",
  RELAY_INTERNAL: "RELAY_INTERNAL",
  RELAY_ORIGIN_NOT_ALLOWED: "RELAY_ORIGIN_NOT_ALLOWED",
  RELAY_TOO_MANY_CONNECTIONS: "RELAY_TOO_MANY_CONNECTIONS",
  RELAY_BAD_ROOM: "RELAY_BAD_ROOM",
  RELAY_ROOM_FULL: "RELAY_ROOM_FULL",
  RELAY_TOO_MANY_ROOMS: "RELAY_TOO_MANY_ROOMS",
  RELAY_ROOM_BAD_MESSAGE: "RELAY_ROOM_BAD_MESSAGE",
  RELAY_ROOM_JOIN_TIMEOUT: "RELAY_ROOM_JOIN_TIMEOUT",
  RELAY_ROOM_JOIN_REFUSED: "RELAY_ROOM_JOIN_REFUSED",
  RELAY_ROOM_DOC_FULL: "RELAY_ROOM_DOC_FULL",
  RELAY_ROOM_FLOOD: "RELAY_ROOM_FLOOD",
  RELAY_BUSY: "RELAY_BUSY",
  RELAY_REQUEST_TIMEOUT: "RELAY_REQUEST_TIMEOUT",
  RELAY_HEADERS_TOO_LARGE: "RELAY_HEADERS_TOO_LARGE",
  RELAY_STORE_UNAVAILABLE: "RELAY_STORE_UNAVAILABLE",
  RELAY_READS_BUSY: "RELAY_READS_BUSY",
} as const;

export type RelayErrorCode = (typeof RelayErrorCode)[keyof typeof RelayErrorCode];

/** HTTP status of each code and the hint a client can show to a person. */
export const RELAY_ERRORS: Readonly<Record<RelayErrorCode, { status: number; hint: string }>> = {
  RELAY_NOT_FOUND: { status: 404, hint: "check the path (docs/relay-api.md), the height, hash or key" },
  RELAY_METHOD_NOT_ALLOWED: { status: 405, hint: "see docs/relay-api.md for the method of this route" },
  RELAY_BAD_REQUEST: { status: 400, hint: "see docs/relay-api.md for the parameters of this route" },
  RELAY_BAD_HEIGHT: { status: 400, hint: "heights are decimal integers without leading zeros" },
  RELAY_BAD_RANGE: { status: 400, hint: "from ≤ to, both decimal heights, at most maxLogHeights apart" },
  RELAY_BAD_KEY: { status: 400, hint: "keys and hashes are lowercase hex of the documented length" },
  RELAY_BODY_TOO_LARGE: { status: 413, hint: "a transaction is at most 4,096 bytes" },
  RELAY_UNSUPPORTED_MEDIA: { status: 415, hint: "send application/vnd.nullspace.tx or application/octet-stream" },
  RELAY_MALFORMED_TX: { status: 400, hint: "build transactions with the core codec (@nullspace/core)" },
  RELAY_BAD_SIGNATURE: { status: 400, hint: "sign over the TX domain prefix of this chain (docs/signatures.md)" },
  RELAY_STALE_NONCE: { status: 409, hint: "this nonce is already used: fetch the account's nonce and re-sign" },
  RELAY_NONCE_TOO_FAR: { status: 409, hint: "wait until earlier transactions of this account are final" },
  RELAY_RATE_LIMITED: { status: 429, hint: "slow down: retry after the Retry-After header" },
  RELAY_ACCOUNT_RATE_LIMITED: { status: 429, hint: "this account submits too fast: retry after the Retry-After header" },
  RELAY_REJECTED: { status: 422, hint: "the validators refused it: see error.reason (the mempool's code)" },
  RELAY_UPSTREAM_UNAVAILABLE: { status: 503, hint: "no validator answered: retry later" },
  RELAY_NOT_READY: { status: 503, hint: "the relay is catching up with the validators: retry later or use another relay" },
  RELAY_UPGRADE_REQUIRED: { status: 426, hint: "open /updates with a WebSocket client" },
  RELAY_BAD_FILTER: { status: 400, hint: "filter is all, account:<64 hex>, session:<decimal> or game:<decimal>" },
  RELAY_SLOW_CONSUMER: { status: 503, hint: "read faster; reconnect and fetch missed heights with /log" },
  RELAY_UNEXPECTED_MESSAGE: { status: 400, hint: "update subscribers send nothing but pings" },
  RELAY_SHUTTING_DOWN: { status: 503, hint: "reconnect to this or another relay" },
  RELAY_INTERNAL: { status: 500, hint: "retry later; the relay logged the cause" },
  RELAY_ORIGIN_NOT_ALLOWED: { status: 403, hint: "this relay serves only the origins it is configured for" },
  RELAY_TOO_MANY_CONNECTIONS: {
    status: 503,
    hint: "the relay or this address holds its maximum of subscriptions: retry later or use another relay",
  },
  RELAY_BAD_ROOM: { status: 400, hint: "rooms are /rooms/table:<gameId>:<tableId> or /rooms/account:<64 hex>" },
  RELAY_ROOM_FULL: { status: 503, hint: "this room holds its maximum of connections: retry later" },
  RELAY_TOO_MANY_ROOMS: { status: 503, hint: "the relay holds its maximum of open rooms: retry later or use another relay" },
  RELAY_ROOM_BAD_MESSAGE: {
    status: 400,
    hint: "speak the y-websocket protocol; table documents hold only the 'chat' array of small JSON entries",
  },
  RELAY_ROOM_JOIN_TIMEOUT: { status: 401, hint: "answer the join challenge with the account key's signature before it expires" },
  RELAY_ROOM_JOIN_REFUSED: {
    status: 403,
    hint: "sign this connection's challenge with the room's account key on this chain (ROOM_JOIN, docs/signatures.md)",
  },
  RELAY_ROOM_DOC_FULL: { status: 413, hint: "the account document is at its size limit: remove entries (e.g. sent moves)" },
  RELAY_ROOM_FLOOD: { status: 429, hint: "send fewer room messages: reconnect after a pause" },
  RELAY_BUSY: {
    status: 503,
    hint: "the relay holds its maximum of submissions waiting for the validators: retry after the Retry-After header",
  },
  RELAY_REQUEST_TIMEOUT: {
    status: 408,
    hint: "send a request whole once connected: its headers within 10 s and all of it within 30 s (headersTimeoutMs, requestTimeoutMs)",
  },
  RELAY_HEADERS_TOO_LARGE: { status: 431, hint: "send fewer or shorter headers (at most 16 KiB together)" },
  RELAY_STORE_UNAVAILABLE: {
    status: 503,
    hint: "the relay's database cannot be reached or is out of a resource (a full disk): retry after the Retry-After header or use another relay",
  },
  RELAY_READS_BUSY: {
    status: 503,
    hint: "the relay holds its maximum of explorer and /log reads waiting for its store: retry after the Retry-After header or use another relay",
  },
};

/**
 * WebSocket close codes of /rooms (docs/relay-api.md, "WebSocket /rooms"); ws itself closes an
 * oversized message with 1009. y-websocket clients stop reconnecting on 4400–4499 and retry on
 * anything else, so permanent refusals sit in 44xx and a flood (transient) in 45xx.
 */
export const RoomCloseCode = {
  RELAY_SHUTTING_DOWN: 1001,
  RELAY_INTERNAL: 1011,
  RELAY_SLOW_CONSUMER: 4008,
  RELAY_ROOM_BAD_MESSAGE: 4400,
  RELAY_ROOM_JOIN_TIMEOUT: 4401,
  RELAY_ROOM_JOIN_REFUSED: 4403,
  RELAY_ROOM_DOC_FULL: 4413,
  RELAY_ROOM_FLOOD: 4529,
} as const;
export type RoomCloseReason = keyof typeof RoomCloseCode;

/** WebSocket close codes of /updates (1000–2999 are RFC 6455's, 4000–4999 ours). */
export const UpdatesCloseCode = {
  RELAY_SHUTTING_DOWN: 1001,
  RELAY_UNEXPECTED_MESSAGE: 1003,
  RELAY_SLOW_CONSUMER: 4008,
} as const;

export class RelayError extends Error {
  override readonly name = "RelayError";
  constructor(
    readonly code: RelayErrorCode,
    message: string,
    /** Extra fields of the error body (e.g. the validators' mempool code). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }

  get status(): number {
    return RELAY_ERRORS[this.code].status;
  }

  body(): { error: { code: RelayErrorCode; message: string; hint: string; [k: string]: unknown } } {
    return { error: { code: this.code, message: this.message, hint: RELAY_ERRORS[this.code].hint, ...this.extra } };
  }
}
