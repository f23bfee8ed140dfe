// The relay's answers to a client whose HTTP it cannot read (`answerClientErrors` of
// @nullspace/core/node): a request not sent in time (its headers within headersTimeoutMs, all of
// it within requestTimeoutMs), headers past Node's size limit, bytes that are not HTTP, each with
// its typed error body; the connection is closed, so a client that connects and sends nothing,
// or trickles its headers (slowloris), holds a connection slot for those few seconds at most.
import { answerClientErrors, type ClientErrorKind } from "@nullspace/core/node";
import { RelayError, type RelayErrorCode } from "../errors.js";
import { newRequestId } from "./request-id.js";

/** The relay's code for each kind. */
const CODES: Readonly<Record<ClientErrorKind, RelayErrorCode>> = {
  "request-timeout": "RELAY_REQUEST_TIMEOUT",
  "headers-too-large": "RELAY_HEADERS_TOO_LARGE",
  "bad-request": "RELAY_BAD_REQUEST",
};

/** The relay's 'clientError' listener: typed answer, close, count by code. */
export function relayClientErrors(count: (code: string) => void) {
  return answerClientErrors((kind, message) => {
    // RELAY_BAD_REQUEST's usual hint is about a route's parameters; no route was reached here.
    const e = new RelayError(CODES[kind], message, kind === "bad-request" ? { hint: "send an HTTP/1.1 request" } : {});
    // No request was read, so none named an id: the answer gets a new one, as every answer does.
    return { code: e.code, status: e.status, body: e.body(), headers: { "x-request-id": newRequestId() } };
  }, count);
}
