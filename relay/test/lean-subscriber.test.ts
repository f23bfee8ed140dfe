// The relay benchmark's lean WebSocket subscriber (bench/lean-subscriber.ts) against a real `ws`
// server: its measurements are only as good as its parsing, so every length form, frames split
// over many reads and many frames in one read, pings, the server's close, a refused handshake and
// a frame no server sends are each checked.
import { createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { WebSocketServer } from "ws";
import { type LeanHandlers, openLeanSubscriber } from "../bench/lean-subscriber.js";

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function server(): Promise<{ url: string; connected: Promise<WebSocket> }> {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((r) => wss.once("listening", r));
  cleanup = () => new Promise((r) => wss.close(() => r()));
  const connected = new Promise<WebSocket>((r) => wss.once("connection", r));
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/updates?filter=all`, connected };
}

/** A subscriber on `url` keeping copies of its frames; `opened` and `closed` settle with the events. */
function subscriber(url: string) {
  const frames: Buffer[] = [];
  let opened!: () => void;
  let closed!: (wasOpen: boolean) => void;
  const events = {
    opened: new Promise<void>((r) => {
      opened = r;
    }),
    closed: new Promise<boolean>((r) => {
      closed = r;
    }),
  };
  const handlers: LeanHandlers = {
    onOpen: () => opened(),
    onFrame: (payload) => frames.push(Buffer.from(payload)),
    onClose: (wasOpen) => closed(wasOpen),
  };
  return { socket: openLeanSubscriber(url, handlers), frames, ...events };
}

/** A `ws` server and a lean subscriber connected to it, past the handshake; `raw` is the socket under the server's side. */
async function connected() {
  const s = await server();
  const sub = subscriber(s.url);
  const ws = await s.connected;
  await sub.opened;
  return { ws, sub, raw: (ws as unknown as { _socket: Socket })._socket };
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
};

/** `p`, or a rejection after 5 s (a subscriber that never answers fails its test, not the run). */
const within5s = <T>(p: Promise<T>): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error("no answer within 5 s")), 5000))]);

/** Payloads of the given sizes, each filled with a byte of its own. */
const payloads = (sizes: number[]) => sizes.map((size, i) => Buffer.alloc(size, (i * 37 + 11) & 0xff));

describe("lean subscriber", () => {
  it("receives binary frames of every length form, in order, byte for byte", async () => {
    const { ws, sub } = await connected();
    const sent = payloads([0, 1, 125, 126, 127, 65_535, 65_536, 300_000, 678]);
    for (const p of sent) ws.send(p, { binary: true });
    await until(() => sub.frames.length === sent.length);
    expect(sub.frames).toEqual(sent);
    sub.socket.terminate();
  });

  it("reassembles frames split over many reads and splits many frames out of one", async () => {
    const { sub, raw } = await connected();
    const sent = payloads([3, 200, 70_000, 5]);
    // The frames as a server writes them, to the socket under `ws` a few bytes at a time.
    const wire = Buffer.concat(sent.map(frameOf));
    for (let at = 0; at < 400; at += 7) {
      raw.write(wire.subarray(at, Math.min(at + 7, 400)));
      await new Promise((r) => setTimeout(r, 1));
    }
    raw.write(wire.subarray(400));
    // Then a thousand small frames in one write.
    const many = payloads(Array.from({ length: 1000 }, (_, i) => 1 + (i % 50)));
    raw.write(Buffer.concat(many.map(frameOf)));
    await until(() => sub.frames.length === sent.length + many.length);
    expect(sub.frames).toEqual([...sent, ...many]);
    sub.socket.terminate();
  });

  it("answers pings with their payload, and the server's close with a close", async () => {
    const { ws, sub } = await connected();
    const pong = new Promise<Buffer>((r) => ws.once("pong", r));
    ws.ping(Buffer.from("are you there"));
    expect((await within5s(pong)).toString()).toBe("are you there");
    const serverSaw = new Promise<number>((r) => ws.once("close", r));
    ws.close(4008, "RELAY_SLOW_CONSUMER");
    expect(await within5s(serverSaw)).toBe(4008); // the client echoed the close (1005 if it only dropped the socket)
    expect(await within5s(sub.closed)).toBe(true);
  });

  it("closes on a frame no server sends, and reports a refused handshake as never open", async () => {
    const { sub, raw } = await connected();
    // A masked frame: only clients mask.
    raw.write(Buffer.from([0x82, 0x81, 1, 2, 3, 4, 5]));
    expect(await within5s(sub.closed)).toBe(true);

    const http = createServer((_, res) => res.writeHead(403).end("no"));
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    const refused = subscriber(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/updates`);
    let opened = false;
    void refused.opened.then(() => {
      opened = true;
    });
    expect(await within5s(refused.closed)).toBe(false);
    expect(opened).toBe(false);
    await new Promise((r) => http.close(r));
  });
});

/** `payload` as one unmasked binary frame, as a server writes it. */
function frameOf(payload: Buffer): Buffer {
  const n = payload.length;
  const head =
    n < 126
      ? Buffer.from([0x82, n])
      : n < 65_536
        ? Buffer.from([0x82, 126, n >> 8, n & 0xff])
        : Buffer.concat([Buffer.from([0x82, 127]), bigEndian64(n)]);
  return Buffer.concat([head, payload]);
}

function bigEndian64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}
