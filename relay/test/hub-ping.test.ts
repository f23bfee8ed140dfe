// The heartbeat's pings carried by the update hub (decision 023), on a real `ws` server with real
// clients: a ping owed while heights are queued leaves at the end of the socket's next write (no
// write of its own), one asked for with nothing queued leaves at once, one owed by a socket the
// pass had already served leaves with its next pass if a height arrives, or on its own when the
// pass ends with nothing more to send, and the heartbeat driving the hub's pings keeps a client
// that answers and drops one that does not.
import type { AddressInfo } from "node:net";
import { decodeUpdateFrame } from "@nullspace/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import RealWebSocket, { type WebSocket, WebSocketServer } from "ws";
import { createHeartbeat } from "../src/api/heartbeat.js";
import type { AppliedHeight } from "../src/chain/chain.js";
import type { HubOptions } from "../src/updates/hub.js";
import { EMPTY_PING_FRAME } from "../src/updates/ws-frame.js";
import { hubWith } from "./support/hub.js";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

const at = (h: bigint) => ({ height: h, progressCertificate: Uint8Array.of(7), events: [] }) as unknown as AppliedHeight;
const turn = () => new Promise((r) => setImmediate(r));

/** A server side socket as the hub sees it: every raw write and every `ws.ping()` recorded. */
interface ServerSide {
  ws: WebSocket;
  writes: Uint8Array[];
  pingCalls: number;
  pongs: number;
}

/** A client of the test server: the update heights it got and the pings, in arrival order. */
interface ClientSide {
  ws: RealWebSocket;
  seen: string[];
}

/** A hub behind a real `ws` server with `count` clients (`silent` of them never answer pings), server sides in connection order. */
async function hubWithClients(count: number, o: Partial<HubOptions> = {}, silent = 0) {
  const hub = await hubWith(o);
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((r) => wss.once("listening", r));
  const servers: ServerSide[] = [];
  const clients: ClientSide[] = [];
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  for (let i = 0; i < count; i++) {
    const joined = new Promise<void>((resolve) =>
      wss.once("connection", (ws) => {
        const side: ServerSide = { ws, writes: [], pingCalls: 0, pongs: 0 };
        const socket = (ws as unknown as { _socket: { write(b: Uint8Array): boolean } })._socket;
        const write = socket.write.bind(socket);
        socket.write = (b) => {
          side.writes.push(new Uint8Array(b));
          return write(b);
        };
        const ping = ws.ping.bind(ws);
        ws.ping = (...args: Parameters<WebSocket["ping"]>) => {
          side.pingCalls++;
          ping(...args);
        };
        ws.on("pong", () => side.pongs++);
        servers.push(side);
        hub.add(ws, { kind: "all" });
        resolve();
      }),
    );
    const ws = new RealWebSocket(url, { autoPong: i < count - silent });
    const side: ClientSide = { ws, seen: [] };
    ws.on("message", (data: Buffer) => side.seen.push(`height ${decodeUpdateFrame(new Uint8Array(data)).height}`));
    ws.on("ping", () => side.seen.push("ping"));
    clients.push(side);
    await joined;
  }
  cleanup = async () => {
    for (const c of clients) c.ws.terminate();
    await new Promise((r) => wss.close(r));
  };
  return { hub, wss, servers, clients };
}

const endsWithPing = (b: Uint8Array) => b.length >= 2 && b[b.length - 2] === EMPTY_PING_FRAME[0] && b[b.length - 1] === EMPTY_PING_FRAME[1];

describe("pings carried by the update hub", () => {
  it("sends a ping owed while heights are queued at the end of the socket's next write", async () => {
    const { hub, servers, clients } = await hubWithClients(1);
    const [server, client] = [servers[0] as ServerSide, clients[0] as ClientSide];
    hub.publish(at(1n));
    hub.publish(at(2n));
    hub.ping(server.ws); // queued heights: the pass will write to this socket anyway
    expect(server.writes).toHaveLength(0);
    await hub.caughtUp();
    await vi.waitFor(() => expect(server.pongs).toBe(1));
    expect(server.pingCalls).toBe(0); // no write of its own
    expect(server.writes).toHaveLength(1);
    expect(endsWithPing(server.writes[0] as Uint8Array)).toBe(true);
    expect(client.seen).toEqual(["height 1", "height 2", "ping"]);
    // The next write carries no ping.
    hub.publish(at(3n));
    await hub.caughtUp();
    await vi.waitFor(() => expect(client.seen).toHaveLength(4));
    expect(endsWithPing(server.writes[1] as Uint8Array)).toBe(false);
    expect(server.pongs).toBe(1);
  });

  it("pings at once when nothing is queued", async () => {
    const { hub, servers, clients } = await hubWithClients(1);
    const [server, client] = [servers[0] as ServerSide, clients[0] as ClientSide];
    hub.ping(server.ws);
    expect(server.pingCalls).toBe(1);
    await vi.waitFor(() => expect(server.pongs).toBe(1));
    expect(client.seen).toEqual(["ping"]);
  });

  it("sends a ping owed after the socket's turn in the pass on its own once the pass ends with nothing more to send", async () => {
    const { hub, servers, clients } = await hubWithClients(2, { chunk: 1 });
    const [first, second] = servers as [ServerSide, ServerSide];
    hub.publish(at(1n));
    await turn(); // one socket a turn: the first is served
    expect(first.writes).toHaveLength(1);
    expect(second.writes).toHaveLength(0);
    hub.ping(first.ws); // owed, but this pass will not write to it again
    expect(first.pingCalls).toBe(0);
    await hub.caughtUp();
    expect(first.pingCalls).toBe(1);
    await vi.waitFor(() => expect(first.pongs).toBe(1));
    expect((clients[0] as ClientSide).seen).toEqual(["height 1", "ping"]);
    expect(second.pingCalls).toBe(0);
  });

  it("carries a ping owed after the socket's turn on the next pass when a height arrives meanwhile", async () => {
    const { hub, servers, clients } = await hubWithClients(2, { chunk: 1 });
    const [first, second] = servers as [ServerSide, ServerSide];
    hub.publish(at(1n));
    await turn(); // the first is served height 1
    hub.ping(first.ws);
    hub.publish(at(2n)); // the second gets 1 and 2 in this pass, the first gets 2 in the next
    await hub.caughtUp();
    await vi.waitFor(() => expect(first.pongs).toBe(1));
    expect(first.pingCalls).toBe(0); // carried, not written on its own
    expect(first.writes).toHaveLength(2);
    expect(endsWithPing(first.writes[1] as Uint8Array)).toBe(true);
    expect((clients[0] as ClientSide).seen).toEqual(["height 1", "height 2", "ping"]);
    expect(second.writes).toHaveLength(1);
    expect(endsWithPing(second.writes[0] as Uint8Array)).toBe(false);
  });

  it("keeps a subscriber that answers the hub's pings and drops one that does not, while heights flow", async () => {
    const { hub, wss, servers, clients } = await hubWithClients(2, {}, 1);
    const [answers, silent] = servers as [ServerSide, ServerSide];
    const interval = 30_000;
    const heartbeat = createHeartbeat(wss, interval, (ws) => hub.ping(ws));
    for (const s of servers) heartbeat.track(s.ws);
    const closed = new Promise((r) => (clients[1] as ClientSide).ws.once("close", r));
    // Two sockets: a tick pings one, and a third tick ends the round.
    const round = (now: number) => {
      for (let i = 0; i < 3; i++) heartbeat.tick(now);
    };
    hub.publish(at(1n)); // a pass is pending: the round's pings ride on it
    round(0);
    await hub.caughtUp();
    await vi.waitFor(() => expect(answers.pongs).toBe(1));
    expect((clients[1] as ClientSide).seen).toEqual(["height 1", "ping"]); // got it, did not answer
    hub.publish(at(2n));
    round(interval); // the silent one is reached again with its ping unanswered
    await closed;
    await hub.caughtUp();
    await vi.waitFor(() => expect(answers.pongs).toBe(2));
    expect(silent.ws.readyState).not.toBe(silent.ws.OPEN);
    expect(answers.ws.readyState).toBe(answers.ws.OPEN);
    expect(answers.pingCalls + silent.pingCalls).toBe(0); // every ping rode on a write
    expect((clients[0] as ClientSide).seen).toEqual(["height 1", "ping", "height 2", "ping"]);
  });
});
