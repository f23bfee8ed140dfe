// The time limits of an HTTP server that faces clients it does not control, as node:http's server
// options. Node looks for late requests only every connectionsCheckingInterval (30 s by default,
// which lets a 10 s header limit run to 40 s): here a quarter of the header limit, at most a
// second. Past either limit Node reports ERR_HTTP_REQUEST_TIMEOUT (answered 408) and closes.

export interface HttpTimeouts {
  headersTimeout: number;
  requestTimeout: number;
  connectionsCheckingInterval: number;
}

/** `headersMs` to send a request's headers, `requestMs` (not less) to send all of it. */
export function httpTimeouts(headersMs: number, requestMs: number): HttpTimeouts {
  return {
    headersTimeout: headersMs,
    requestTimeout: requestMs,
    connectionsCheckingInterval: Math.min(1000, Math.ceil(headersMs / 4)),
  };
}
