// The relay's answers to a client whose HTTP it cannot read (`answerClientErrors` of
// @nullspace/core/node): a request not sent in time (its headers within headersTimeoutMs, all of
// it within requestTimeoutMs), headers past Node's size limit, bytes that are not HTTP, each with
// its typed error body; the connection is closed, so a client that connects and sends nothing,
// or trickles its headers (slowloris), holds a connection slot for those few seconds at most.
import { answerClientErrors, type ClientErrorKind } from "@nullspace/core/node";
import { RelayError } from "../errors.js";

/** The relay's refusal of each kind. */
export function clientErrorOf(kind: ClientErrorKind): RelayError {
  if (kind === "request-timeout") return new RelayError("RELAY_REQUEST_TIMEOUT", "the request was not sent in time");
  if (kind === "headers-too-large") return new RelayError("RELAY_HEADERS_TOO_LARGE", "the request's headers are too large");
  // The code's usual hint is about a route's parameters; no route was reached here.
  return new RelayError("RELAY_BAD_REQUEST", "the bytes sent are not an HTTP/1.1 request", { hint: "send an HTTP/1.1 request" });
}

/** The relay's 'clientError' listener: typed answer, close, count by code. */
export function relayClientErrors(count: (code: string) => void) {
  return answerClientErrors((kind) => {
    const e = clientErrorOf(kind);
    return { code: e.code, status: e.status, body: e.body() };
  }, count);
}
