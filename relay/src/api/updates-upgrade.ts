// The /updates upgrade (docs/relay-api.md, "WebSocket /updates"): origin, subscription caps and
// filter are checked before the handshake, so every refusal is an HTTP error with a JSON body;
// then the socket joins the hub, with a heartbeat that drops subscribers whose network vanished.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyInstance } from "fastify";
import { type WebSocket, WebSocketServer } from "ws";
import { RelayError, UpdatesCloseCode } from "../errors.js";
import type { LogFn, RelayCore } from "../relay.js";
import { FilterError, parseFilter } from "../updates/filter.js";

export interface UpdatesGuard {
  isAllowed(origin: string): boolean;
  maxSubscribers: number;
  maxSubscribersPerIp: number;
  pingIntervalMs: number;
}

/** The /updates upgrade: origin, caps and filter are checked before the handshake, so a refusal is an HTTP error. */
export function attachUpdates(app: FastifyInstance, relay: RelayCore, log: LogFn, guard: UpdatesGuard): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  const perIp = new Map<string, number>();
  // Heartbeat: a subscriber that vanished without a close (a dead network) is dropped after one missed pong.
  const answered = new WeakSet<WebSocket>();
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!answered.has(ws)) {
        ws.terminate();
        continue;
      }
      answered.delete(ws);
      ws.ping();
    }
  }, guard.pingIntervalMs);
  heartbeat.unref();
  app.server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://relay");
    if (url.pathname !== "/updates") return refuseUpgrade(socket, new RelayError("RELAY_NOT_FOUND", `no WebSocket route ${url.pathname}`));
    const origin = req.headers.origin;
    if (origin !== undefined && !guard.isAllowed(origin))
      return refuseUpgrade(socket, new RelayError("RELAY_ORIGIN_NOT_ALLOWED", `origin ${origin.slice(0, 100)} is not allowed`));
    const ip = req.socket.remoteAddress ?? "?";
    if (relay.hub.subscribers.size >= guard.maxSubscribers || (perIp.get(ip) ?? 0) >= guard.maxSubscribersPerIp)
      return refuseUpgrade(socket, new RelayError("RELAY_TOO_MANY_CONNECTIONS", "no room for another subscription"));
    let filter: ReturnType<typeof parseFilter>;
    try {
      filter = parseFilter(url.searchParams.get("filter") ?? undefined);
    } catch (e) {
      if (e instanceof FilterError) return refuseUpgrade(socket, new RelayError("RELAY_BAD_FILTER", e.message));
      throw e;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
      ws.once("close", () => {
        const left = (perIp.get(ip) ?? 1) - 1;
        if (left > 0) perIp.set(ip, left);
        else perIp.delete(ip);
      });
      answered.add(ws);
      ws.on("pong", () => answered.add(ws));
      relay.hub.add(ws, filter);
      log("info", "updates_opened", { filter: url.searchParams.get("filter") ?? "all" });
      ws.on("message", () => ws.close(UpdatesCloseCode.RELAY_UNEXPECTED_MESSAGE, "RELAY_UNEXPECTED_MESSAGE: send nothing but pings"));
    });
  });
  app.addHook("onClose", async () => {
    clearInterval(heartbeat);
    relay.hub.closeAll(UpdatesCloseCode.RELAY_SHUTTING_DOWN, "RELAY_SHUTTING_DOWN: the relay is closing");
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  });
}

function refuseUpgrade(socket: Duplex, e: RelayError): void {
  const body = JSON.stringify(e.body());
  socket.end(
    `HTTP/1.1 ${e.status} ${e.code}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
