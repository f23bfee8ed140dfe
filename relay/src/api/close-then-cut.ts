// Closing a socket the relay gave up on (/updates and /rooms). `ws.close` queues the close frame
// behind everything the socket has not read yet, and `ws` then waits 30 s for the peer's answer
// before destroying it; a slow consumer that stopped reading would hold its socket, its slot and
// megabytes of queue for all of that. So the relay waits `graceMs` instead: a peer that reads again
// in time gets its frames and then the close code; one still silent is cut (the peer sees 1006),
// which relay-api.md tells clients to treat like the close code.
import type { WebSocket } from "ws";

/** The grace a peer gets to read its close frame before its socket is destroyed. */
export const CLOSE_GRACE_MS = 5000;

/** Sends `code` and `reason`, and destroys the socket if the close has not completed `graceMs` later. */
export function closeThenCut(ws: WebSocket, code: number, reason: string, graceMs = CLOSE_GRACE_MS): void {
  ws.close(code, reason);
  setTimeout(() => {
    if (ws.readyState !== ws.CLOSED) ws.terminate();
  }, graceMs).unref();
}
