// What an HTTP server of ours answers a client whose HTTP it cannot read, before any route runs
// (node:http's 'clientError'): a request not sent in time, headers past Node's size limit, bytes
// that are not HTTP. Node's own answer is a bare status line; ours is the server's typed error
// body, like every other refusal, and the connection is closed. The relay and the validators'
// API each map the three kinds to their own codes.
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";

export type ClientErrorKind = "request-timeout" | "headers-too-large" | "bad-request";

/** The kind of a client error Node reports, or undefined when there is no one to answer (the peer reset). */
function clientErrorKind(err: NodeJS.ErrnoException): ClientErrorKind | undefined {
  if (err.code === "ECONNRESET") return undefined;
  if (err.code === "ERR_HTTP_REQUEST_TIMEOUT") return "request-timeout";
  if (err.code === "HPE_HEADER_OVERFLOW") return "headers-too-large";
  return "bad-request";
}

/** What each kind says to the client, whichever server's code it carries. */
const MESSAGES: Readonly<Record<ClientErrorKind, string>> = {
  "request-timeout": "the request was not sent in time",
  "headers-too-large": "the request's headers are too large",
  "bad-request": "the bytes sent are not an HTTP/1.1 request",
};

/** How a server refuses one kind: its stable code, HTTP status and JSON body. */
export interface ClientErrorRefusal {
  code: string;
  status: number;
  body: unknown;
  /** Extra response headers (e.g. the relay's x-request-id). */
  headers?: Readonly<Record<string, string>>;
}

/**
 * A 'clientError' listener: answers with `refusalOf(kind, message)` (the server's error carrying
 * the kind's message) while the socket can still be written, counts the code, and closes the connection.
 */
export function answerClientErrors(
  refusalOf: (kind: ClientErrorKind, message: string) => ClientErrorRefusal,
  count: (code: string) => void,
) {
  return (err: NodeJS.ErrnoException, socket: Socket): void => {
    const kind = clientErrorKind(err);
    const refusal = kind && refusalOf(kind, MESSAGES[kind]);
    if (refusal) count(refusal.code);
    if (refusal && !socket.destroyed && socket.writable) socket.write(rawJsonResponse(refusal.status, refusal.body, refusal.headers));
    socket.destroy();
  };
}

/**
 * A whole HTTP/1.1 answer with a JSON body that closes the connection, for a socket the HTTP
 * machinery will not answer (an unreadable request, a connection refused at accept, a refused
 * WebSocket upgrade). `body` must be JSON-safe (no bigint).
 */
export function rawJsonResponse(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): string {
  const json = JSON.stringify(body);
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\n` +
    `content-length: ${Buffer.byteLength(json)}\r\n${extra}\r\n${json}`
  );
}
