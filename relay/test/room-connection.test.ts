// A room socket the relay closes (here: a slow consumer) over real loopback sockets: a client that
// reads again gets what was queued and then 4008; one that never reads is cut once the grace has
// passed, so its queue does not live on for ws's 30 s close timeout.
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import type { RoomCloseReason } from "../src/errors.js";
import { type ConnectionOptions, RoomConnection } from "../src/rooms/connection.js";
import { Room } from "../src/rooms/room.js";
import { parseRoomName } from "../src/rooms/room-name.js";

const servers: WebSocketServer[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    for (const c of s.clients) c.terminate();
    s.close();
  }
});

interface Pair {
  room: Room;
  server: WebSocket;
  client: WebSocket;
  closedAs: Promise<RoomCloseReason | "closed">;
}

/** A table room with one connection on a real socket pair; the client has stopped reading. */
async function stalledMember(closeGraceMs: number): Promise<Pair> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  servers.push(wss);
  await new Promise((r) => wss.once("listening", r));
  const room = new Room(parseRoomName("table:1:slow"), { maxChatEntries: 100, maxClientIdsPerPeer: 4, maxPendingBytes: 1 << 20 });
  let closedAs!: (r: RoomCloseReason | "closed") => void;
  const closed = new Promise<RoomCloseReason | "closed">((resolve) => (closedAs = resolve));
  const options: ConnectionOptions = {
    chainId: 1n,
    host: "relay",
    challengeTtlMs: 10_000,
    rate: { rate: 100, burst: 100 },
    maxQueuedBytes: 256 * 1024,
    maxAccountDocBytes: 16 * 1024,
    accountDocFits: () => true,
    table: { maxEntryChars: 1000 },
    maxAwarenessStateChars: 4096,
    maxClientIdsPerPeer: 4,
    onClose: (reason) => closedAs(reason),
    closeGraceMs,
  };
  const serverSide = new Promise<WebSocket>((resolve) =>
    wss.once("connection", (ws) => {
      new RoomConnection(ws, room, options);
      resolve(ws);
    }),
  );
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
  client.on("error", () => {}); // the cut
  await new Promise((r) => client.once("open", r));
  const server = await serverSide;
  while (room.peers.size === 0) await new Promise((r) => setImmediate(r));
  (client as unknown as { _socket: { pause(): void } })._socket.pause();
  return { room, server, client, closedAs: closed };
}

/** Writes 64 KiB chat entries into the room (as another member would) until the stalled socket is closed. */
async function fill(p: Pair): Promise<RoomCloseReason | "closed"> {
  const chat = p.room.doc.getArray("chat");
  let reason: RoomCloseReason | "closed" | undefined;
  p.closedAs.then((r) => (reason = r));
  for (let i = 0; reason === undefined && i < 400; i++) {
    chat.push([`${i}`.padEnd(64 * 1024, "x")]);
    await new Promise((r) => setImmediate(r));
  }
  return p.closedAs;
}

describe("a room socket closed by the relay", () => {
  it("a slow consumer that reads again gets what was queued, then 4008", async () => {
    const p = await stalledMember(10_000);
    const code = new Promise<number>((resolve) => p.client.once("close", resolve));
    expect(await fill(p)).toBe("RELAY_SLOW_CONSUMER");
    expect(p.room.peers.size).toBe(0);
    let frames = 0;
    p.client.on("message", () => frames++);
    (p.client as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await code).toBe(4008);
    expect(frames).toBeGreaterThan(0);
  });

  it("one that never reads again is cut once the grace has passed, not after ws's 30 s close timeout", async () => {
    const p = await stalledMember(300);
    const serverClosed = new Promise<void>((resolve) => p.server.once("close", () => resolve()));
    expect(await fill(p)).toBe("RELAY_SLOW_CONSUMER");
    await serverClosed; // the test's 10 s would not see ws's own 30 s
    expect(p.server.readyState).toBe(p.server.CLOSED);
  }, 10_000);
});
