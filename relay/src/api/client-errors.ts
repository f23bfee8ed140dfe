// What the relay answers a client whose HTTP it cannot read, before any route runs (Node's
// 'clientError'): a request not sent in time (its headers within headersTimeoutMs, all of it
// within requestTimeoutMs), headers past Node's size limit, bytes that are not HTTP. Each gets its
// typed error body, as every refusal does, and the connection is closed: a client that connects
// and sends nothing, or trickles its headers (slowloris), holds a connection slot for those few
// seconds at most.
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { RelayError } from "../errors.js";

/** The typed error for a client error Node reports, or undefined when there is no one to answer. */
export function clientErrorOf(err: NodeJS.ErrnoException): RelayError | undefined {
  if (err.code === "ECONNRESET") return undefined;
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") return new RelayError("RELAY_REQUEST_TIMEOUT", "the request was not sent in time");
  if (err.code === "HPE_HEADER_OVERFLOW") return new RelayError("RELAY_HEADERS_TOO_LARGE", "the request's headers are too large");
  return new RelayError("RELAY_BAD_REQUEST", "the bytes sent are not an HTTP/1.1 request");
}

/** A 'clientError' listener: answers with the typed error (when the socket can still be written), closes, counts. */
export function answerClientErrors(count: (code: string) => void) {
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    const refusal = clientErrorOf(err);
    if (refusal) count(refusal.code);
    if (refusal && !socket.destroyed && socket.writable) {
      const body = JSON.stringify(refusal.body());
      socket.write(
        `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status]}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
