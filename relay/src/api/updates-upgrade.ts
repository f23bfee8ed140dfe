// The /updates upgrade (docs/relay-api.md, "WebSocket /updates"): after the router's origin and
// per-address checks (upgrade.ts), the subscription cap and the filter are checked before the
// handshake, so every refusal is an HTTP error with a JSON body; then the socket joins the hub,
// with a heartbeat that drops subscribers whose network vanished.
import type { FastifyInstance } from "fastify";
import { WebSocketServer } from "ws";
import { RelayError, UpdatesCloseCode } from "../errors.js";
import type { LogFn, RelayCore } from "../relay.js";
import { FilterError, parseFilter } from "../updates/filter.js";
import { startHeartbeat } from "./heartbeat.js";
import type { UpgradeRouter } from "./upgrade.js";

export interface UpdatesGuard {
  maxSubscribers: number;
  pingIntervalMs: number;
}

/** The /updates upgrade: caps and filter are checked before the handshake, so a refusal is an HTTP error. */
export function attachUpdates(app: FastifyInstance, router: UpgradeRouter, relay: RelayCore, log: LogFn, guard: UpdatesGuard): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  // Pings ride on the hub's next write to a socket when one is coming (decision 023).
  const heartbeat = startHeartbeat(wss, guard.pingIntervalMs, (ws) => relay.hub.ping(ws));
  router.route("/updates", ({ req, socket, head, url, refuse, hold }) => {
    if (relay.hub.subscribers.size >= guard.maxSubscribers)
      return refuse(new RelayError("RELAY_TOO_MANY_CONNECTIONS", "no room for another subscription"));
    let filter: ReturnType<typeof parseFilter>;
    try {
      filter = parseFilter(url.searchParams.get("filter") ?? undefined);
    } catch (e) {
      if (e instanceof FilterError) return refuse(new RelayError("RELAY_BAD_FILTER", e.message));
      throw e;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      hold(ws);
      heartbeat.track(ws);
      // ws reports a frame over maxPayload as an 'error' before closing with 1009; unheard, that
      // error would be thrown out of the process.
      ws.on("error", () => {});
      relay.hub.add(ws, filter);
      log("info", "updates_opened", { filter: url.searchParams.get("filter") ?? "all" });
      ws.on("message", () => ws.close(UpdatesCloseCode.RELAY_UNEXPECTED_MESSAGE, "RELAY_UNEXPECTED_MESSAGE: send nothing but pings"));
    });
  });
  // preClose, not onClose: fastify runs onClose hooks only once the server has closed, which waits
  // for every connection, these sockets included (a relay stopped with subscribers never stopped).
  app.addHook("preClose", async () => {
    heartbeat.stop();
    relay.hub.closeAll(UpdatesCloseCode.RELAY_SHUTTING_DOWN, "RELAY_SHUTTING_DOWN: the relay is closing");
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  });
}
