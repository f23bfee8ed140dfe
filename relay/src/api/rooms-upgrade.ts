// The /rooms/<room> upgrade (docs/relay-api.md, "WebSocket /rooms"): after the router's origin and
// per-address checks (upgrade.ts), the room name, the relay's socket cap, its open-room cap and the
// room's own cap are checked before the handshake (HTTP errors); then the socket speaks the
// y-websocket protocol with a RoomConnection, and every later refusal is a close code.
import type { FastifyInstance } from "fastify";
import { WebSocketServer } from "ws";
import type { RoomBus } from "../bus/redis-bus.js";
import { RelayError, RoomCloseCode } from "../errors.js";
import type { LogFn, RelayCore } from "../relay.js";
import { type ConnectionOptions, RoomConnection } from "../rooms/connection.js";
import { parseRoomName, RoomNameError } from "../rooms/room-name.js";
import { Rooms } from "../rooms/rooms.js";
import { AccountDocs } from "../store/account-docs.js";
import { startHeartbeat } from "./heartbeat.js";
import type { UpgradeRouter } from "./upgrade.js";

export interface RoomsGuard {
  /** Open room sockets in all (default 10,000). */
  maxRoomSockets: number;
  /** Joined sockets of one room (default 64). */
  maxRoomPeers: number;
  /** Documents in memory (default 10,000). */
  maxRooms: number;
  /** A room without sockets leaves memory after this long (default 60 s). */
  roomIdleMs: number;
  /** Largest message a room socket may send (default 256 KiB; ws closes with 1009 past it). */
  maxRoomMessageBytes: number;
  /** Seconds an account socket has to answer its join challenge (default 10 s). */
  challengeTtlMs: number;
  /** Messages a second per room socket, and burst (default 20/s, 60). */
  roomRate: { rate: number; burst: number };
  /** Stored bytes of one account document (default 1 MiB). */
  maxAccountDocBytes: number;
  /** Newest chat entries a table keeps, and the largest entry in characters of JSON (default 100, 1,024). */
  maxChatEntries: number;
  maxChatEntryChars: number;
  pingIntervalMs: number;
  /** Shares room changes with the other relays. */
  bus?: RoomBus;
}

export function attachRooms(app: FastifyInstance, router: UpgradeRouter, relay: RelayCore, log: LogFn, guard: RoomsGuard): Rooms {
  const wss = new WebSocketServer({ noServer: true, maxPayload: guard.maxRoomMessageBytes });
  const heartbeat = startHeartbeat(wss, guard.pingIntervalMs);
  const maxClientIdsPerPeer = 4;
  const rooms = new Rooms({
    docs: new AccountDocs(relay.store.db),
    log,
    maxRooms: guard.maxRooms,
    idleMs: guard.roomIdleMs,
    maxChatEntries: guard.maxChatEntries,
    maxClientIdsPerPeer,
    maxPendingBytes: guard.maxRoomMessageBytes,
    ...(guard.bus ? { bus: guard.bus, onBusMessage: (result) => relay.metrics.roomBusIn.inc({ result }) } : {}),
  });
  let sockets = 0;
  router.route("/rooms/", ({ req, socket, head, url, refuse, hold }) => {
    let name: ReturnType<typeof parseRoomName>;
    try {
      name = parseRoomName(decodeURIComponent(url.pathname.slice("/rooms/".length)));
    } catch (e) {
      if (e instanceof RoomNameError || e instanceof URIError) return refuse(new RelayError("RELAY_BAD_ROOM", e.message));
      throw e;
    }
    // The host is bound into account challenges (printable ASCII, as the client dialed it).
    const host = req.headers.host ?? "relay";
    if (!/^[\x21-\x7e]{1,255}$/.test(host)) return refuse(new RelayError("RELAY_BAD_REQUEST", "a Host header of printable ASCII"));
    if (sockets >= guard.maxRoomSockets) return refuse(new RelayError("RELAY_TOO_MANY_CONNECTIONS", "no room for another room socket"));
    const room = rooms.acquire(name);
    if (!room) return refuse(new RelayError("RELAY_TOO_MANY_ROOMS", `${guard.maxRooms} rooms are open`));
    if (room.peers.size >= guard.maxRoomPeers)
      return refuse(new RelayError("RELAY_ROOM_FULL", `${name.name} holds ${guard.maxRoomPeers} sockets`));
    const options: ConnectionOptions = {
      chainId: relay.chain.trust.chainId,
      host,
      challengeTtlMs: guard.challengeTtlMs,
      rate: guard.roomRate,
      maxQueuedBytes: 4 * guard.maxRoomMessageBytes,
      maxAccountDocBytes: guard.maxAccountDocBytes,
      accountDocFits: (r, bytes) => rooms.makeRoom(r, bytes, guard.maxAccountDocBytes),
      table: { maxEntryChars: guard.maxChatEntryChars },
      maxAwarenessStateChars: 4096,
      maxClientIdsPerPeer,
      onClose: (reason) => {
        sockets--;
        relay.metrics.roomSockets.set(sockets);
        if (reason !== "closed") relay.metrics.roomClosed.inc({ reason });
      },
    };
    wss.handleUpgrade(req, socket, head, (ws) => {
      hold(ws);
      heartbeat.track(ws);
      sockets++;
      relay.metrics.roomSockets.set(sockets);
      new RoomConnection(ws, room, options);
    });
  });
  // preClose: before the server waits for its connections to end (see updates-upgrade.ts).
  app.addHook("preClose", async () => {
    heartbeat.stop();
    for (const ws of wss.clients) ws.close(RoomCloseCode.RELAY_SHUTTING_DOWN, "RELAY_SHUTTING_DOWN: the relay is closing");
    await rooms.close();
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  });
  return rooms;
}
