// The /updates and /rooms heartbeat on a real `ws` server with real clients, its ticks driven by
// the test's clock: the pings of a round are spread over the interval (a slice of the sockets a
// tick, never all at once), each socket is pinged once a round, a socket that answered stays and
// one that did not is dropped when it is reached again.
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { createHeartbeat, TICKS_PER_INTERVAL } from "../src/api/heartbeat.js";

const INTERVAL_MS = 30_000;
const TICK_MS = INTERVAL_MS / TICKS_PER_INTERVAL;

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

/** A server with `count` clients (`silent` of them never answer pings), every server-side ping counted. */
async function serverWithClients(count: number, silent = 0) {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((r) => wss.once("listening", r));
  const heartbeat = createHeartbeat(wss, INTERVAL_MS);
  const pings = new Map<WebSocket, number>();
  const serverSide: WebSocket[] = [];
  let pongs = 0;
  wss.on("connection", (ws) => {
    heartbeat.track(ws);
    serverSide.push(ws);
    ws.on("pong", () => pongs++);
    const ping = ws.ping.bind(ws);
    ws.ping = (...args: Parameters<WebSocket["ping"]>) => {
      pings.set(ws, (pings.get(ws) ?? 0) + 1);
      ping(...args);
    };
  });
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  const clients = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const ws = new WebSocket(url, { autoPong: i >= silent });
      await new Promise((r) => ws.once("open", r));
      return ws;
    }),
  );
  await vi.waitFor(() => expect(serverSide).toHaveLength(count));
  cleanup = async () => {
    for (const c of clients) c.terminate();
    await new Promise((r) => wss.close(r));
  };
  /** Pings written so far, all sockets together. */
  const total = () => [...pings.values()].reduce((a, b) => a + b, 0);
  return { wss, heartbeat, pings, serverSide, clients, total, pongs: () => pongs };
}

describe("heartbeat", () => {
  it("spreads a round's pings over the interval and pings each socket once a round", async () => {
    const { heartbeat, pings, serverSide, total } = await serverWithClients(75);
    const perTick = Math.ceil(75 / TICKS_PER_INTERVAL);
    heartbeat.tick(0);
    expect(total()).toBe(perTick);
    for (let t = TICK_MS; t < INTERVAL_MS; t += TICK_MS) heartbeat.tick(t);
    expect(pings.size).toBe(75);
    expect(serverSide.every((ws) => pings.get(ws) === 1)).toBe(true);
    // The round is over; the next may not start before an interval has passed since this one did.
    heartbeat.tick(INTERVAL_MS - 1);
    expect(total()).toBe(75);
  });

  it("keeps sockets that answered and drops one that did not, when the next round reaches it", async () => {
    const { heartbeat, serverSide, clients, total, pongs } = await serverWithClients(40, 1);
    for (let t = 0; t < INTERVAL_MS; t += TICK_MS) heartbeat.tick(t);
    expect(total()).toBe(40);
    // 39 pongs come back (the first client never answers); then the next round, a real interval later.
    await vi.waitFor(() => expect(pongs()).toBe(39));
    const silentClosed = new Promise<number>((r) => (clients[0] as WebSocket).once("close", r));
    for (let t = INTERVAL_MS; t < 2 * INTERVAL_MS; t += TICK_MS) heartbeat.tick(t);
    expect(await silentClosed).toBe(1006);
    expect(clients.slice(1).every((c) => c.readyState === WebSocket.OPEN)).toBe(true);
    expect(serverSide.filter((ws) => ws.readyState !== WebSocket.OPEN)).toHaveLength(1);
    // Every other socket was pinged again, the silent one not.
    expect(total()).toBe(40 + 39);
    expect(pongs()).toBe(39);
  });

  it("pings a socket that joins during a round in that round", async () => {
    const { wss, heartbeat, pings, total } = await serverWithClients(30);
    heartbeat.tick(0);
    const late = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    await new Promise((r) => late.once("open", r));
    await vi.waitFor(() => expect(wss.clients.size).toBe(31));
    for (let t = TICK_MS; t < INTERVAL_MS; t += TICK_MS) heartbeat.tick(t);
    expect(total()).toBe(31);
    expect(pings.size).toBe(31);
    late.terminate();
  });
});
