// The update hub with stand-in sockets (a `ws` WebSocket's surface: state, bufferedAmount, send,
// close, and the raw socket under it): a subscriber whose queue is past the limit is closed with
// 4008 and forgotten; the others get the frame, one shared encoding per filter; sending runs in
// passes beside publishing, and a socket behind by several heights gets them in order, in one
// write of frames framed as `ws` frames them.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { connect as connectNet, createServer as createNetServer } from "node:net";
import { decodeUpdateFrame, LocalChain, toHex } from "@nullspace/core";
import { describe, expect, it } from "vitest";
import RealWebSocket, { type WebSocket, WebSocketServer } from "ws";
import type { AppliedHeight } from "../src/chain/chain.js";
import { UpdateHub } from "../src/updates/hub.js";
import { binaryFrameHeader, joinBinaryFrames } from "../src/updates/ws-frame.js";
import { WASM_PATH } from "./support/devnet.js";
import { hubWith } from "./support/hub.js";
import { sealApplied } from "./support/local-heights.js";

/** Splits bytes written to a socket into the payloads of the binary frames they hold. */
function framesIn(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    expect(bytes[at]).toBe(0x82); // FIN, binary, and (next byte) no mask
    let length = (bytes[at + 1] as number) & 0x7f;
    let header = 2;
    if (length === 126) [length, header] = [new DataView(bytes.buffer, bytes.byteOffset + at + 2, 2).getUint16(0), 4];
    else if (length === 127) [length, header] = [Number(new DataView(bytes.buffer, bytes.byteOffset + at + 2, 8).getBigUint64(0)), 10];
    out.push(bytes.subarray(at + header, at + header + length));
    at += header + length;
  }
  return out;
}

class StandInSocket {
  readonly OPEN = 1;
  readyState = 1;
  /** Payloads received, in order, whichever way they were sent. */
  sent: Uint8Array[] = [];
  /** Frames per write: a `ws.send` is a write of one frame; a raw write holds what it holds. */
  writes: number[] = [];
  closed: { code: number; reason: string } | undefined;
  /** The raw socket under a `ws` WebSocket (its queue is `bufferedAmount`); absent, the hub falls back to `send`. */
  readonly _socket: { write(b: Uint8Array): boolean; readonly writableLength: number } | undefined;
  constructor(
    public bufferedAmount: number,
    hasRawSocket = true,
  ) {
    const self = this;
    this._socket = hasRawSocket
      ? {
          get writableLength() {
            return self.bufferedAmount;
          },
          write: (b) => {
            const frames = framesIn(b);
            this.sent.push(...frames);
            this.writes.push(frames.length);
            return true;
          },
        }
      : undefined;
  }
  send(frame: Uint8Array): void {
    this.sent.push(frame);
    this.writes.push(1);
  }
  readonly CLOSED = 3;
  close(code: number, reason: string): void {
    this.closed = { code, reason };
    this.readyState = 3;
  }
  terminate(): void {
    this.readyState = 3;
  }
  once(): void {}
}

/**
 * A hub with 6,000 subscribers whose writes cost 20 µs each (about a loopback write): a pass is
 * ~120 ms in turns of 4 ms, or of 8 sockets when turns are short. `passEnded` says whether one
 * ended, `passes` how many.
 */
async function hubWithSlowSockets(): Promise<{ hub: UpdateHub; passEnded: () => boolean; passes: () => number }> {
  let ended = 0;
  const hub = await hubWith({
    onPass: () => {
      ended++;
    },
    arrivalChunk: 8,
  });
  for (let i = 0; i < 6000; i++) {
    const s = new StandInSocket(0);
    const write = s._socket?.write as (b: Uint8Array) => boolean;
    (s._socket as { write(b: Uint8Array): boolean }).write = (b) => {
      const until = performance.now() + 0.02;
      while (performance.now() < until);
      return write(b);
    };
    hub.add(s as unknown as WebSocket, { kind: "all" });
  }
  return { hub, passEnded: () => ended > 0, passes: () => ended };
}

/** `ws`'s own framing (not in its type declarations). */
const { Sender } = createRequire(import.meta.url)("ws") as {
  Sender: { frame(data: Buffer, o: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean }): Buffer[] };
};

describe("update hub", () => {
  it("frames exactly as ws does (the hub writes its own frames to the socket)", () => {
    for (const n of [0, 1, 125, 126, 127, 65535, 65536, 70000]) {
      const payload = new Uint8Array(n).fill(n & 0xff);
      const theirs = Buffer.concat(Sender.frame(Buffer.from(payload), { fin: true, opcode: 2, mask: false, readOnly: false }));
      expect(Buffer.from(joinBinaryFrames([payload]))).toEqual(theirs);
      expect(Buffer.from(binaryFrameHeader(n))).toEqual(theirs.subarray(0, theirs.length - n));
    }
    expect(framesIn(joinBinaryFrames([Uint8Array.of(1), new Uint8Array(300), Uint8Array.of()]))).toEqual([
      Uint8Array.of(1),
      new Uint8Array(300),
      Uint8Array.of(),
    ]);
  });

  it("drops a slow consumer with 4008 and sends everyone else one shared frame per filter", async () => {
    let evicted = 0;
    const counted: number[] = [];
    const hub = await hubWith({ maxQueuedBytes: 1000, onFrames: (n) => counted.push(n), onEvicted: () => evicted++ });
    const fast = new StandInSocket(0);
    const other = new StandInSocket(1000, false);
    const slow = new StandInSocket(1001);
    hub.add(fast as unknown as WebSocket, { kind: "all" });
    hub.add(other as unknown as WebSocket, { kind: "account", account: "ab".repeat(32) });
    hub.add(slow as unknown as WebSocket, { kind: "all" });
    const height = { height: 9n, progressCertificate: Uint8Array.of(1, 2, 3), events: [] } as unknown as AppliedHeight;
    hub.publish(height);
    expect(fast.sent).toHaveLength(0); // publishing builds frames; a send pass sends them
    await hub.caughtUp();
    expect(slow.closed?.code).toBe(4008);
    expect(slow.closed?.reason.startsWith("RELAY_SLOW_CONSUMER")).toBe(true);
    expect(slow.sent).toHaveLength(0);
    expect(evicted).toBe(1);
    expect(hub.subscribers.size).toBe(2);
    expect(fast.sent[0]).toEqual(other.sent[0]); // no events matched either filter: one frame for both
    expect(decodeUpdateFrame(fast.sent[0] as Uint8Array)).toMatchObject({ height: 9n, events: [] });
    hub.publish({ ...height, height: 10n });
    await hub.caughtUp();
    expect(slow.sent).toHaveLength(0);
    expect(fast.sent).toHaveLength(2);
    expect(counted).toEqual([2, 2]); // frames sent per pass, the evicted consumer not counted
  });

  it("sends in passes of `chunk` sockets, and a socket behind gets every height in order in one write", async () => {
    const passes: number[][] = [];
    const hub = await hubWith({ maxQueuedBytes: 1000, onPass: (heights, _ms, backlog) => passes.push([heights, backlog]), chunk: 2 });
    // Socket 3 has no raw socket under it: the hub sends it frame by frame instead.
    const sockets = Array.from({ length: 5 }, (_, i) => new StandInSocket(0, i !== 3));
    for (const s of sockets) hub.add(s as unknown as WebSocket, { kind: "all" });
    const at = (h: bigint) => ({ height: h, progressCertificate: Uint8Array.of(7), events: [] }) as unknown as AppliedHeight;
    const heightsOf = (s: StandInSocket) => s.sent.map((f) => decodeUpdateFrame(f).height);
    const turn = () => new Promise((r) => setImmediate(r));

    hub.publish(at(1n));
    await turn(); // one chunk: the first two sockets
    expect(sockets.map((s) => s.sent.length)).toEqual([1, 1, 0, 0, 0]);
    hub.publish(at(2n)); // mid-pass: the rest of this pass gets both heights, the first two the next pass
    const late = new StandInSocket(0);
    hub.add(late as unknown as WebSocket, { kind: "all" }); // joins after height 2: gets only later heights
    await turn();
    expect(sockets.map((s) => s.sent.length)).toEqual([1, 1, 2, 2, 0]);
    expect(sockets[2]?.writes).toEqual([2]); // both heights in one write
    expect(sockets[3]?.writes).toEqual([1, 1]); // the same, frame by frame
    hub.publish(at(3n));
    await hub.caughtUp();
    expect(hub.backlog).toBe(0);
    for (const s of sockets) expect(heightsOf(s)).toEqual([1n, 2n, 3n]);
    expect(sockets[0]?.writes).toEqual([1, 2]);
    expect(sockets[4]?.writes).toEqual([3]);
    expect(heightsOf(late)).toEqual([3n]);
    // The first pass carried height 1 (2 and 3 came after it began); the second carried 2 and 3.
    expect(passes).toEqual([
      [1, 2],
      [2, 0],
    ]);
  });

  it("does not send a height again: one at or below a height published before is dropped, subscribed or not", async () => {
    const hub = await hubWith();
    const at = (h: bigint) => ({ height: h, progressCertificate: Uint8Array.of(7), events: [] }) as unknown as AppliedHeight;
    hub.publish(at(1n)); // nobody subscribed: still published
    const socket = new StandInSocket(0);
    hub.add(socket as unknown as WebSocket, { kind: "all" });
    for (const h of [1n, 2n, 3n, 2n, 3n, 4n]) hub.publish(at(h));
    await hub.caughtUp();
    expect(socket.sent.map((f) => decodeUpdateFrame(f).height)).toEqual([2n, 3n, 4n]);
  });

  it("keeps send turns short while connections arrive, so a crowd gets in during a long pass", async () => {
    // The event loop accepts one connection a turn (libuv/libuv#3696). A pass over 6,000 sockets
    // whose writes cost 20 µs each (about a loopback write) is ~120 ms in ~30 turns of 4 ms: a
    // crowd of 200 connecting meanwhile would mostly wait for the pass to end. Told of arrivals
    // (as the relay's server tells it of every accepted connection), the hub serves 8 sockets a
    // turn, and the whole crowd is accepted and upgraded before the pass ends.
    const { hub, passEnded } = await hubWithSlowSockets();
    const http = createServer();
    http.on("connection", () => hub.noteArrival());
    const wss = new WebSocketServer({ server: http });
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    const url = `ws://127.0.0.1:${(http.address() as { port: number }).port}`;
    const crowd = Array.from({ length: 200 }, () => new RealWebSocket(url));
    let openedDuringPass = 0;
    const opened = crowd.map(
      (c) =>
        new Promise<void>((resolve) =>
          c.once("open", () => {
            if (!passEnded()) openedDuringPass++;
            resolve();
          }),
        ),
    );
    hub.publish({ height: 1n, progressCertificate: Uint8Array.of(7), events: [] } as unknown as AppliedHeight);
    await Promise.all(opened);
    await hub.caughtUp();
    expect(passEnded()).toBe(true);
    expect(openedDuringPass).toBe(200);
    for (const c of crowd) c.terminate();
    wss.close();
    http.close();
  });

  it("keeps send turns short while a pipeline step waits for I/O, so its round trips do not each wait a turn", async () => {
    // A pass over 6,000 sockets of 20 µs writes is ~120 ms in turns of 4 ms. A step of 40
    // sequential loopback round trips (as a height's statements to PostgreSQL) would wait about a
    // turn each, past the end of the pass; under shortTurnsWhile it is done long before.
    const { hub, passEnded } = await hubWithSlowSockets();
    const echo = createNetServer((c) => c.on("data", (d) => c.write(d)));
    await new Promise<void>((r) => echo.listen(0, "127.0.0.1", r));
    const client = connectNet((echo.address() as { port: number }).port, "127.0.0.1");
    await new Promise((r) => client.once("connect", r));
    const roundTrips = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const answered = new Promise((r) => client.once("data", r));
        client.write("x");
        await answered;
      }
    };
    hub.publish({ height: 1n, progressCertificate: Uint8Array.of(7), events: [] } as unknown as AppliedHeight);
    await hub.shortTurnsWhile(() => roundTrips(40));
    expect(passEnded()).toBe(false);
    await hub.caughtUp();
    expect(passEnded()).toBe(true);
    client.destroy();
    echo.close();
  });

  it("sends a newcomer its first height at the next turn, not when the pass reaches it", async () => {
    // 6,000 sockets of 20 µs writes: a pass of ~120 ms. A subscriber joining just after one began
    // is last in its order; it is owed only heights published after it joined, and gets the
    // first of them in the turn after that publish, long before the pass over the others ends.
    const { hub, passes } = await hubWithSlowSockets();
    const at = (h: bigint) => ({ height: h, progressCertificate: Uint8Array.of(7), events: [] }) as unknown as AppliedHeight;
    const turn = () => new Promise((r) => setImmediate(r));
    hub.publish(at(1n));
    await hub.caughtUp(); // everyone has had a frame: none of them is new
    expect(passes()).toBe(1);
    hub.publish(at(2n));
    await turn();
    const newcomer = new StandInSocket(0);
    hub.add(newcomer as unknown as WebSocket, { kind: "all" });
    hub.publish(at(3n));
    await turn();
    await turn();
    expect(newcomer.sent.map((f) => decodeUpdateFrame(f).height)).toEqual([3n]);
    expect(passes()).toBe(1); // the pass carrying height 2 (and 3 to those it had not reached) is under way
    await hub.caughtUp();
    expect(passes()).toBe(3); // then one more for height 3 to those it reached before 3 came
    // Reached again by the pass (owed nothing by then): still height 3 once.
    expect(newcomer.sent.map((f) => decodeUpdateFrame(f).height)).toEqual([3n]);
    hub.publish(at(4n));
    await hub.caughtUp();
    expect(newcomer.sent.map((f) => decodeUpdateFrame(f).height)).toEqual([3n, 4n]);
  });

  it("keeps its list of newcomers bounded while connections come and go and no height is published", async () => {
    const hub = await hubWith();
    const stayed = Array.from({ length: 10 }, () => new StandInSocket(0));
    for (const s of stayed) hub.add(s as unknown as WebSocket, { kind: "all" });
    for (let i = 0; i < 20_000; i++) {
      const s = new StandInSocket(0);
      let onClose: (() => void) | undefined;
      (s as unknown as { once(e: string, f: () => void): void }).once = (_e, f) => {
        onClose = f;
      };
      hub.add(s as unknown as WebSocket, { kind: "all" });
      onClose?.(); // gone again before any height came
    }
    expect(hub.subscribers.size).toBe(10);
    const held = (hub as unknown as { newcomers: unknown[]; newcomerAt: number }).newcomers.length;
    // Compacted on a join once past twice the subscribers (the joining one counted) and 64.
    expect(held).toBeLessThanOrEqual(2 * 11 + 64 + 1);
    // The ones that stayed still get their first height first, and every one of them.
    hub.publish({ height: 1n, progressCertificate: Uint8Array.of(7), events: [] } as unknown as AppliedHeight);
    await hub.caughtUp();
    for (const s of stayed) expect(s.sent.map((f) => decodeUpdateFrame(f).height)).toEqual([1n]);
  });

  it("reaches a real ws client as separate messages, in order, when several heights go in one write", async () => {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise((r) => wss.once("listening", r));
    const hub = await hubWith();
    const joined = new Promise<void>((resolve) =>
      wss.once("connection", (ws) => {
        hub.add(ws, { kind: "all" });
        resolve();
      }),
    );
    const client = new RealWebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
    const got: bigint[] = [];
    const all = new Promise<void>((resolve) =>
      client.on("message", (data: Buffer) => {
        got.push(decodeUpdateFrame(new Uint8Array(data)).height);
        if (got.length === 4) resolve();
      }),
    );
    await joined;
    // Four heights before any pass runs: one write of four frames, one of them past 125 bytes
    // (a 16-bit length) and one past 65,535 (a 64-bit length).
    for (const [h, size] of [
      [1n, 1],
      [2n, 200],
      [3n, 70_000],
      [4n, 0],
    ] as const)
      hub.publish({ height: h, progressCertificate: new Uint8Array(size).fill(7), events: [] } as unknown as AppliedHeight);
    await hub.caughtUp();
    await all;
    expect(got).toEqual([1n, 2n, 3n, 4n]);
    client.close();
    wss.close();
  });

  it("closes a real client that stops reading with 4008 once its socket's queue passes the limit", async () => {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise((r) => wss.once("listening", r));
    let evicted = 0;
    const hub = await hubWith({ onEvicted: () => evicted++ });
    wss.once("connection", (ws) => hub.add(ws, { kind: "all" }));
    const client = new RealWebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
    await new Promise((r) => client.once("open", r));
    while (hub.subscribers.size === 0) await new Promise((r) => setImmediate(r));
    const rawClient = (client as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    rawClient.pause(); // the client reads nothing more: the kernel's buffers fill, then the server socket's own queue
    const closed = new Promise<number>((resolve) => client.once("close", resolve));
    const certificate = new Uint8Array(1 << 20).fill(7);
    for (let h = 1n; evicted === 0 && h <= 64n; h++) {
      hub.publish({ height: h, progressCertificate: certificate, events: [] } as unknown as AppliedHeight);
      await hub.caughtUp();
    }
    expect(evicted).toBe(1);
    expect(hub.subscribers.size).toBe(0);
    rawClient.resume(); // what was queued, then the close frame
    expect(await closed).toBe(4008);
    wss.close();
  });

  it("cuts an evicted client that never reads again once the grace has passed, not after ws's 30 s close timeout", async () => {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise((r) => wss.once("listening", r));
    let evicted = 0;
    const hub = await hubWith({ onEvicted: () => evicted++, evictedGraceMs: 300 });
    const serverSide = new Promise<WebSocket>((resolve) =>
      wss.once("connection", (ws) => {
        hub.add(ws, { kind: "all" });
        resolve(ws);
      }),
    );
    const client = new RealWebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
    client.on("error", () => {}); // the reset
    await new Promise((r) => client.once("open", r));
    const server = await serverSide;
    const serverClosed = new Promise<void>((resolve) => server.once("close", () => resolve()));
    (client as unknown as { _socket: { pause(): void } })._socket.pause(); // and never resumed
    const certificate = new Uint8Array(1 << 20).fill(7);
    for (let h = 1n; evicted === 0 && h <= 64n; h++) {
      hub.publish({ height: h, progressCertificate: certificate, events: [] } as unknown as AppliedHeight);
      await hub.caughtUp();
    }
    expect(evicted).toBe(1);
    await serverClosed; // the test's 10 s would not see ws's own 30 s
    expect(server.readyState).toBe(server.CLOSED);
    client.terminate();
    wss.close();
  }, 10_000);

  it("builds one frame per filter with the events that filter selects", async () => {
    const chain = await LocalChain.create({ wasm: new Uint8Array(readFileSync(WASM_PATH)) });
    const proved: bigint[][] = [];
    const hub = new UpdateHub({
      codec: chain.core.codec,
      prove: (indices) => {
        proved.push([...indices]);
        return new Uint8Array(indices.length === 0 ? 0 : 1); // any bytes: the frames are only decoded here
      },
      maxQueuedBytes: 1000,
      onFrames: () => {},
      onEvicted: () => {},
    });
    const alice = LocalChain.signer(1);
    const bob = LocalChain.signer(2);
    const forAlice = new StandInSocket(0);
    const forAll = new StandInSocket(0);
    const forCarol = new StandInSocket(0);
    hub.add(forAlice as unknown as WebSocket, { kind: "account", account: toHex(alice.publicKey) });
    hub.add(forAll as unknown as WebSocket, { kind: "all" });
    hub.add(forCarol as unknown as WebSocket, { kind: "account", account: toHex(LocalChain.signer(3).publicKey) });
    chain.submit(alice, { op: "register", name: "alice" });
    chain.submit(bob, { op: "register", name: "bob" });
    chain.submit(alice, { op: "faucet" });
    const applied = sealApplied(chain);
    expect(applied.events).toHaveLength(3);
    hub.publish(applied);
    await hub.caughtUp();
    const eventsOf = (s: StandInSocket) => decodeUpdateFrame(s.sent[0] as Uint8Array).events.map((e) => e.index);
    const [first, second, third] = applied.events.map((e) => e.index);
    expect(eventsOf(forAlice)).toEqual([first, third]);
    expect(eventsOf(forAll)).toEqual([first, second, third]);
    expect(eventsOf(forCarol)).toEqual([]);
    // Alice's, all and the certificate-only frame: nothing is built for bob, who has no subscriber.
    expect(proved).toHaveLength(3);
  });
});
