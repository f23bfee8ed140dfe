// The follower's reconnection pace against stand-in validators on loopback: one that opens and
// gives nothing the relay takes is dialed again after a doubling pause, not ten times a second for
// ever; one whose connections move the relay on is dialed again at once after each close; a dial
// nobody answers (a frozen validator) is given up after the handshake timeout.

import { type AddressInfo, createServer } from "node:net";
import { writeVarint } from "@nullspace/core";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { Follower } from "../src/follow/follower.js";
import { waitUntil } from "./support/devnet.js";

const servers: WebSocketServer[] = [];
const followers: Follower[] = [];
afterEach(async () => {
  for (const f of followers.splice(0)) await f.stop();
  for (const s of servers.splice(0)) s.close();
});

/** A stand-in validator's /stream: `onConnection` gets each socket and the height asked for. */
async function standIn(onConnection: (send: (b: Uint8Array) => void, close: () => void, from: bigint) => void): Promise<string> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  servers.push(wss);
  await new Promise((r) => wss.once("listening", r));
  wss.on("connection", (ws, req) => {
    const from = BigInt(new URL(req.url ?? "/", "http://x").searchParams.get("from") ?? "0");
    onConnection(
      (b) => ws.send(b),
      () => ws.close(),
      from,
    );
  });
  return `http://127.0.0.1:${(wss.address() as { port: number }).port}`;
}

/** A follower of `url` whose relay takes every bundle at the height it needs; returns the pauses it logged before each reconnection. */
function follow(url: string, minBackoffMs = 50): { pauses: number[]; taken: bigint[]; events: string[]; follower: Follower } {
  const seen = { pauses: [] as number[], taken: [] as bigint[], events: [] as string[] };
  let next = 1n;
  const f = new Follower({
    validators: [url],
    nextHeight: () => next,
    onBundle: (height) => {
      if (height !== next) return;
      seen.taken.push(height);
      next++;
    },
    log: (event, fields) => {
      seen.events.push(event);
      if (event === "follow_closed") seen.pauses.push(fields.retryInMs as number);
    },
    minBackoffMs,
    maxBackoffMs: Math.max(400, minBackoffMs),
  });
  followers.push(f);
  f.start();
  return { ...seen, follower: f };
}

describe("the follower's reconnections", () => {
  it("back off while connections bring nothing the relay takes (a bad frame on each)", async () => {
    const url = await standIn((send) => send(Uint8Array.of(0x7f, 1, 2)));
    const seen = follow(url);
    await waitUntil("five reconnections", () => seen.pauses.length >= 5, 10_000);
    expect(seen.pauses.slice(0, 5)).toEqual([50, 100, 200, 400, 400]);
  });

  it("start over at the shortest pause after a connection that moved the relay on", async () => {
    const url = await standIn((send, close, from) => {
      const head: number[] = [0x02];
      writeVarint(head, from);
      send(Uint8Array.from([...head, 1, 2, 3])); // one complete bundle at the asked height, then the validator hangs up
      setTimeout(close, 10);
    });
    const seen = follow(url);
    await waitUntil("four reconnections", () => seen.pauses.length >= 4, 10_000);
    expect(seen.pauses.slice(0, 4)).toEqual([50, 50, 50, 50]);
    expect(seen.taken.slice(0, 4)).toEqual([1n, 2n, 3n, 4n]);
  });

  it("switch only from a connection not already being left: once for it, none between connections", async () => {
    const url = await standIn(() => {}); // opens, then says nothing
    const seen = follow(url, 1000); // time to call between connections
    await waitUntil("connected", () => seen.events.includes("follow_connected"), 10_000);
    seen.follower.switchValidator("a refused bundle");
    seen.follower.switchValidator("its refused tip claim"); // before the close arrives
    await waitUntil("closed", () => seen.events.includes("follow_closed"), 10_000);
    seen.follower.switchValidator("a refused tip claim while waiting to redial");
    expect(seen.events.filter((e) => e === "follow_switch")).toHaveLength(1);
    await waitUntil("connected again", () => seen.events.filter((e) => e === "follow_connected").length === 2, 10_000);
    seen.follower.switchValidator("a refused bundle");
    expect(seen.events.filter((e) => e === "follow_switch")).toHaveLength(2);
  });

  it("give up a dial the validator does not answer (frozen: the kernel takes the connection) and go to the next", async () => {
    const silent = createServer(() => {}); // accepts, never answers the handshake
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const url = await standIn(() => {});
    const events: string[] = [];
    const f = new Follower({
      validators: [`http://127.0.0.1:${(silent.address() as AddressInfo).port}`, url],
      nextHeight: () => 1n,
      onBundle: () => {},
      log: (event, fields) => events.push(`${event} ${fields.validator ?? ""}`),
      handshakeTimeoutMs: 200,
    });
    followers.push(f);
    f.start();
    try {
      await waitUntil("connected to the next validator", () => events.includes(`follow_connected ${url}`), 5000);
      expect(events.filter((e) => e.startsWith("follow_closed")).length).toBe(1);
    } finally {
      silent.close();
    }
  });
});
