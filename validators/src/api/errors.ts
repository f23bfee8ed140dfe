// Why the validator API refused a request or closed a stream: one stable code per reason, the same
// string in HTTP error bodies (`{error: {code, message}}`) and in WebSocket close reasons
// (`CODE: message`). Relays and the client SDK switch on the code, never on the message, so never
// rename or reuse a code, only append (docs/validator-api.md lists them).

export const ApiErrorCode = {
  /** No such route, or no bundle at that height. */
  API_NOT_FOUND: "API_NOT_FOUND",
  /** The route exists but not for this method. */
  API_METHOD_NOT_ALLOWED: "API_METHOD_NOT_ALLOWED",
  /** The body is longer than `maxBodyBytes` (declared or streamed). */
  API_BODY_TOO_LARGE: "API_BODY_TOO_LARGE",
  /** The Content-Type is not one /submit accepts. */
  API_UNSUPPORTED_MEDIA: "API_UNSUPPORTED_MEDIA",
  /** The /submit body is empty or not a well-formed batch. */
  API_BAD_BATCH: "API_BAD_BATCH",
  /** The height in /blocks/:height is not a canonical decimal u64. */
  API_BAD_HEIGHT: "API_BAD_HEIGHT",
  /** The `from` of /stream is not a canonical decimal u64. */
  API_BAD_FROM: "API_BAD_FROM",
  /** This address spent its request budget; retry after `Retry-After` seconds. */
  API_RATE_LIMITED: "API_RATE_LIMITED",
  /** The server or this address holds its maximum number of connections. */
  API_TOO_MANY_CONNECTIONS: "API_TOO_MANY_CONNECTIONS",
  /** A stream client did not read fast enough: its send queue stayed full. */
  API_SLOW_CONSUMER: "API_SLOW_CONSUMER",
  /** A stream client sent a message (clients only send pings). */
  API_UNEXPECTED_MESSAGE: "API_UNEXPECTED_MESSAGE",
  /** The validator is not ready (see the reasons of /readyz). */
  API_NOT_READY: "API_NOT_READY",
  /** A plain GET to /stream, which only speaks WebSocket. */
  API_UPGRADE_REQUIRED: "API_UPGRADE_REQUIRED",
  /** The server is closing. */
  API_SHUTTING_DOWN: "API_SHUTTING_DOWN",
  /** The validator failed to answer (its error is logged, not sent). */
  API_INTERNAL: "API_INTERNAL",
  /** The bytes sent are not an HTTP/1.1 request (the connection is closed). */
  API_BAD_REQUEST: "API_BAD_REQUEST",
  /** The request's headers were not sent within 10 s, or all of it within `requestTimeoutMs` (closed). */
  API_REQUEST_TIMEOUT: "API_REQUEST_TIMEOUT",
  /** The request's headers are larger than Node's limit, 16 KiB (closed). */
  API_HEADERS_TOO_LARGE: "API_HEADERS_TOO_LARGE",
} as const;

export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

/** HTTP status of each code, and the hint a relay can show to a person. */
export const API_ERRORS: Readonly<Record<ApiErrorCode, { status: number; hint: string }>> = {
  API_NOT_FOUND: { status: 404, hint: "check the path (docs/validator-api.md) or the height" },
  API_METHOD_NOT_ALLOWED: { status: 405, hint: "see the Allow header" },
  API_BODY_TOO_LARGE: { status: 413, hint: "split the batch" },
  API_UNSUPPORTED_MEDIA: { status: 415, hint: "send application/vnd.nullspace.tx or application/vnd.nullspace.tx-batch" },
  API_BAD_BATCH: { status: 400, hint: "frame a batch as varint count, then count × (varint length, bytes)" },
  API_BAD_HEIGHT: { status: 400, hint: "heights are decimal integers without leading zeros" },
  API_BAD_FROM: { status: 400, hint: "from is a decimal integer without leading zeros" },
  API_RATE_LIMITED: { status: 429, hint: "slow down: retry after the Retry-After header" },
  API_TOO_MANY_CONNECTIONS: { status: 503, hint: "reuse connections or retry later" },
  API_SLOW_CONSUMER: { status: 503, hint: "read the stream faster, or resume it with from = the next height" },
  API_UNEXPECTED_MESSAGE: { status: 400, hint: "stream clients send nothing but pings" },
  API_NOT_READY: { status: 503, hint: "retry later or ask another validator" },
  API_UPGRADE_REQUIRED: { status: 426, hint: "open /stream with a WebSocket client" },
  API_SHUTTING_DOWN: { status: 503, hint: "reconnect to this or another validator" },
  API_INTERNAL: { status: 500, hint: "retry later; the validator logged the cause" },
  API_BAD_REQUEST: { status: 400, hint: "send HTTP/1.1" },
  API_REQUEST_TIMEOUT: { status: 408, hint: "send the whole request at once" },
  API_HEADERS_TOO_LARGE: { status: 431, hint: "send fewer or shorter headers" },
};

/** WebSocket close codes of /stream (1000–2999 are RFC 6455's, 4000–4999 are ours). */
export const StreamCloseCode = {
  /** The server is shutting down. */
  GOING_AWAY: 1001,
  /** The client sent a data message (API_UNEXPECTED_MESSAGE). */
  UNSUPPORTED_DATA: 1003,
  /** Invalid `from` (API_BAD_FROM). */
  POLICY_VIOLATION: 1008,
  /** The client sent a frame over `maxPayload` (set by `ws` itself). */
  MESSAGE_TOO_BIG: 1009,
  /** Reading a bundle failed (API_INTERNAL). */
  INTERNAL_ERROR: 1011,
  /** The send queue stayed over its limit (API_SLOW_CONSUMER). */
  SLOW_CONSUMER: 4008,
  /** A height the stream must send is no longer (or not) available (API_NOT_FOUND). */
  NOT_FOUND: 4404,
} as const;

export type StreamCloseCode = (typeof StreamCloseCode)[keyof typeof StreamCloseCode];

/** A refusal with its stable code; the server turns it into a status and a JSON body. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  readonly hint: string;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.status = API_ERRORS[code].status;
    this.hint = API_ERRORS[code].hint;
  }

  /** The JSON body every error response carries. */
  toJSON(): { error: { code: ApiErrorCode; message: string; hint: string } } {
    return { error: { code: this.code, message: this.message, hint: this.hint } };
  }
}

/** Options that make no sense (a caller bug, thrown when the server or a metric is created). */
export class ApiConfigError extends Error {
  override readonly name = "ApiConfigError";
  readonly code = "API_BAD_OPTION";
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`api option ${option}: ${message}`);
  }
}
