// Peer links over real loopback sockets: a full mesh, restart and redial, impostors, replayed
// handshakes, wrong chains, garbage and oversized frames, floods, a peer that never reads, and
// fast-check fuzzing of the pure decoders. Every socket and network is closed after each test.

import { randomBytes } from "node:crypto";
import { connect, createServer, type Server, type Socket } from "node:net";
import { concatBytes, type Signer, signerFromSeedSync, testSeed } from "@nullspace/core";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fuzzRuns } from "../../core-as/test/support/fuzz.js";
import {
  createEphemeral,
  decodeHandshake,
  deriveSession,
  encodeFrame,
  encodeHandshake,
  FrameReader,
  type HandshakeMessage,
  handshakeContext,
  InnerType,
  NetError,
  type NetLogEntry,
  type PeerAddress,
  PROTOCOL_VERSION,
  readFrame,
  signTranscript,
  TcpNetwork,
  type TcpNetworkOptions,
} from "../src/net/index.js";
import { NetworkError } from "../src/runtime/network.js";

const CHAIN = 7n;
const HOST = "127.0.0.1";
const signers = Array.from({ length: 8 }, (_, i) => signerFromSeedSync(testSeed(9000 + i)));
const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FAST = { backoff: { initialMs: 20, maxMs: 200 }, handshakeTimeoutMs: 2000 } satisfies Partial<TcpNetworkOptions>;

const networks: TcpNetwork[] = [];
const sockets: Socket[] = [];
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(networks.splice(0).map((n) => n.close()));
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** Retries `check` until it stops throwing (links come up and messages land asynchronously). */
const until = <T>(check: () => T) => vi.waitFor(check, { timeout: 5000, interval: 10 });

async function start(options: TcpNetworkOptions): Promise<TcpNetwork> {
  const net = await TcpNetwork.start({ ...FAST, listen: { port: 0 }, ...options });
  networks.push(net);
  return net;
}

function peerList(n: number, ports: number[], keys: readonly Signer[] = signers): PeerAddress[] {
  return Array.from({ length: n }, (_, i) => ({ publicKey: keys[i]!.publicKey, host: HOST, port: ports[i] ?? 0 }));
}

/** Starts validators `indices` of an n-node set, highest first, so every dialer knows the ports of
 * the nodes it dials (they are already bound on port 0). Returns the nodes and the port table. */
async function cluster(n: number, indices = [...Array(n).keys()], extra: Partial<TcpNetworkOptions> = {}) {
  const ports: number[] = new Array(n).fill(0);
  const nodes: TcpNetwork[] = [];
  for (const i of [...indices].sort((a, b) => b - a)) {
    const node = await start({ self: i, chainId: CHAIN, signer: signers[i]!, peers: peerList(n, ports), listen: { port: 0 }, ...extra });
    ports[i] = node.address().port;
    nodes[i] = node;
  }
  return { nodes, ports };
}

function inbox(net: TcpNetwork): { from: number; text: string }[] {
  const got: { from: number; text: string }[] = [];
  net.onMessage((from, bytes) => got.push({ from, text: str(bytes) }));
  return got;
}

const isConnected = (net: TcpNetwork, peer: number) => net.peerStatus()[peer]!.connected;
async function untilMeshUp(nodes: (TcpNetwork | undefined)[]) {
  await until(() => {
    for (const a of nodes) for (const b of nodes) if (a && b && a !== b) expect(isConnected(a, b.self)).toBe(true);
  });
}

/** A raw TCP client, recording what it receives, so tests can speak the protocol by hand. */
async function raw(port: number) {
  const socket = connect({ host: HOST, port });
  sockets.push(socket);
  const reader = new FrameReader();
  const frames: Uint8Array[] = [];
  let isClosed = false;
  socket.on("data", (chunk) => {
    reader.push(chunk);
    for (let f = reader.next(1 << 20); f.kind === "frame"; f = reader.next(1 << 20)) frames.push(f.payload.slice());
  });
  socket.on("error", () => {});
  socket.on("close", () => {
    isClosed = true;
  });
  await new Promise((r) => socket.once("connect", r));
  return { socket, frames, isClosed: () => isClosed };
}

/** Completes a dialer handshake by hand as `self` (holding `signer`) towards node `to`. */
async function rawDial(port: number, self: number, to: number, signer: Signer) {
  const r = await raw(port);
  const eph = createEphemeral();
  r.socket.write(
    encodeFrame(encodeHandshake({ type: "hello", version: PROTOCOL_VERSION, chainId: CHAIN, from: self, to, ephemeral: eph.publicKey })),
  );
  await until(() => expect(r.frames.length).toBe(1));
  const ack = decodeHandshake(r.frames[0]!);
  if (!ack.ok || ack.message.type !== "helloAck") throw new Error("no HELLO_ACK");
  const context = handshakeContext({
    dialer: self,
    acceptor: to,
    dialerEphemeral: eph.publicKey,
    acceptorEphemeral: ack.message.ephemeral,
  });
  const session = deriveSession(eph, ack.message.ephemeral, "dialer", CHAIN, context)!;
  r.socket.write(encodeFrame(encodeHandshake({ type: "auth", signature: signTranscript(signer, "dialer", CHAIN, context) })));
  return { ...r, session };
}

function rejectReason(frames: Uint8Array[]): number | undefined {
  for (const f of frames) {
    const d = decodeHandshake(f);
    if (d.ok && d.message.type === "reject") return d.message.reason;
  }
  return undefined;
}

describe("TcpNetwork", () => {
  it("4-node full mesh: direct sends and broadcasts reach everyone with the right sender, in order", async () => {
    const { nodes } = await cluster(4);
    const boxes = nodes.map(inbox);
    // Sent before any link is up: held in the queues and flushed on connect.
    for (const a of nodes) {
      for (const b of nodes) if (a !== b) a.send(b.self, text(`direct ${a.self}->${b.self}`));
      a.broadcast(text(`all from ${a.self}`));
    }
    await until(() => expect(boxes.map((box) => box.length)).toEqual([6, 6, 6, 6]));
    nodes.forEach((node, me) => {
      const want = nodes.filter((o) => o !== node).flatMap((o) => [`${o.self}|direct ${o.self}->${me}`, `${o.self}|all from ${o.self}`]);
      expect(boxes[me]!.map((m) => `${m.from}|${m.text}`).sort()).toEqual(want.sort());
    });
    await untilMeshUp(nodes);
    for (let k = 0; k < 300; k++) nodes[3]!.send(0, text(`seq ${k}`));
    await until(() => expect(boxes[0]!.length).toBe(6 + 300));
    expect(boxes[0]!.slice(6).map((m) => m.text)).toEqual(Array.from({ length: 300 }, (_, k) => `seq ${k}`));
    const s = nodes[0]!.stats();
    expect(s.peers[3]).toMatchObject({ connected: true, connects: 1, disconnects: 0, messagesIn: 302 });
    expect(s.drops).toEqual({ rateLimited: 0, queueFull: 0, closed: 0, noHandler: 0, oversized: 0, badFrame: 0, authFailed: 0 });
    expect(nodes.map((n) => n.stats().handshakes.authenticated)).toEqual([3, 3, 3, 3]);
  });

  it("handlers get their own copies, unsubscribe works, caller bugs throw NetworkError", async () => {
    const { nodes } = await cluster(2);
    const seen: string[] = [];
    nodes[1]!.onMessage((_, b) => {
      b.fill(0x21);
      seen.push(`a:${str(b)}`);
    });
    const off = nodes[1]!.onMessage((_, b) => seen.push(`b:${str(b)}`));
    nodes[1]!.onMessage(() => {
      throw new Error("handler bug");
    });
    const msg = text("hey");
    nodes[0]!.send(1, msg);
    msg.fill(0); // the caller may reuse its buffer at once
    await until(() => expect(seen).toEqual(["a:!!!", "b:hey"]));
    expect(nodes[1]!.stats().handlerErrors).toBe(1);
    off();
    nodes[0]!.send(1, text("two"));
    await until(() => expect(seen.length).toBe(3));
    expect(() => nodes[0]!.send(0, text("me"))).toThrow(NetworkError);
    expect(() => nodes[0]!.send(2, text("nobody"))).toThrow(NetworkError);
    const big = new Uint8Array(4 * 1024 * 1024 + 1);
    expect(() => nodes[0]!.broadcast(big)).toThrowError(expect.objectContaining({ code: "NETWORK_MESSAGE_TOO_LARGE" }));
    await nodes[0]!.close();
    nodes[0]!.send(1, text("after close"));
    expect(nodes[0]!.stats().drops.closed).toBe(1);
  });

  it("refuses bad options and a port already in use with typed errors", async () => {
    const { nodes, ports } = await cluster(2, [1]);
    const base = { self: 0, chainId: CHAIN, signer: signers[0]!, peers: peerList(2, ports) };
    const code = async (o: TcpNetworkOptions) => (await TcpNetwork.start(o).catch((e: NetError) => e)) as NetError;
    expect((await code({ ...base, signer: signers[5]! })).code).toBe("NET_BAD_OPTIONS");
    expect((await code({ ...base, peers: peerList(2, [0, 0]) })).code).toBe("NET_BAD_OPTIONS");
    expect((await code({ ...base, queue: { maxBytes: 10 } })).code).toBe("NET_BAD_OPTIONS");
    expect((await code({ ...base, idleTimeoutMs: 100, pingIntervalMs: 60 })).code).toBe("NET_BAD_OPTIONS");
    const taken = await code({ ...base, listen: { port: nodes[1]!.address().port } });
    expect(taken).toBeInstanceOf(NetError);
    expect(taken.code).toBe("NET_LISTEN_FAILED");
  });

  it("a node closed and restarted on the same port is redialed and reachable again", async () => {
    const { nodes, ports } = await cluster(4);
    await untilMeshUp(nodes);
    await nodes[2]!.close();
    await until(() => expect([0, 1, 3].map((i) => isConnected(nodes[i]!, 2))).toEqual([false, false, false]));
    nodes[0]!.send(2, text("queued while down")); // held in 0's queue for 2
    const again = await start({ self: 2, chainId: CHAIN, signer: signers[2]!, peers: peerList(4, ports), listen: { port: ports[2]! } });
    const box = inbox(again);
    const restarted = [nodes[0], nodes[1], again, nodes[3]];
    await untilMeshUp(restarted);
    for (const n of restarted) if (n !== again) n!.send(2, text(`hello again from ${n!.self}`));
    const boxes = [0, 1, 3].map((i) => inbox(nodes[i]!));
    again.broadcast(text("back"));
    await until(() => expect(box.length).toBe(4));
    expect(box.map((m) => `${m.from}|${m.text}`).sort()).toEqual(
      ["0|queued while down", "0|hello again from 0", "1|hello again from 1", "3|hello again from 3"].sort(),
    );
    await until(() => expect(boxes).toEqual([0, 1, 3].map(() => [{ from: 2, text: "back" }])));
    expect(nodes[0]!.stats().peers[2]).toMatchObject({ connects: 2, disconnects: 1 });
  });

  it("refuses impostors, replayed handshakes, wrong chains and bad claims; real links stay up", async () => {
    const { nodes, ports } = await cluster(4);
    await untilMeshUp(nodes);
    // Claims index 0 with a key that is not validator 0's: every node it dials refuses it.
    const fake = signers[6]!;
    const impostor = await start({ self: 0, chainId: CHAIN, signer: fake, peers: peerList(4, ports, [fake, ...signers.slice(1)]) });
    const badSignatures = () => [1, 2, 3].map((i) => Math.min(1, nodes[i]!.stats().handshakes.failed.NET_BAD_SIGNATURE ?? 0));
    await until(() => expect(badSignatures()).toEqual([1, 1, 1]));
    expect(impostor.peerStatus().some((p) => p.connected)).toBe(false);
    await until(() => expect(impostor.peerStatus()[1]!.lastError?.detail).toContain("NET_BAD_SIGNATURE"));
    await impostor.close();
    // The right key on the wrong chain.
    const otherChain = await start({ self: 0, chainId: CHAIN + 1n, signer: signers[0]!, peers: peerList(4, ports) });
    await until(() => expect(nodes[3]!.stats().handshakes.failed.NET_WRONG_CHAIN).toBeGreaterThan(0));
    await otherChain.close();
    // Claims by hand: a future version, an index outside the set, a higher index dialing lower.
    const hello = (version: number, from: number, to: number) =>
      encodeFrame(encodeHandshake({ type: "hello", version, chainId: CHAIN, from, to, ephemeral: createEphemeral().publicKey }));
    for (const [frame, reason] of [
      [hello(2, 0, 1), 2],
      [hello(1, 9, 1), 4],
      [hello(1, 3, 1), 6],
      [hello(1, 0, 2), 5],
    ] as const) {
      const r = await raw(ports[1]!);
      r.socket.write(frame);
      await until(() => expect(r.isClosed()).toBe(true));
      expect(rejectReason(r.frames)).toBe(reason);
    }
    // The mesh never noticed.
    const box = inbox(nodes[1]!);
    nodes[0]!.send(1, text("still here"));
    await until(() => expect(box).toEqual([{ from: 0, text: "still here" }]));
    expect(nodes[1]!.stats().peers[0]).toMatchObject({ connects: 1, disconnects: 0 });
    expect(nodes[1]!.stats().peers[0]!.drops.authFailed).toBeGreaterThan(0);
  });

  it("a recorded handshake replayed on a new connection fails its signature check", async () => {
    const { nodes, ports } = await cluster(2, [1]);
    // A recording proxy between validator 0 and validator 1.
    const recorded: Buffer[] = [];
    const proxy = createServer((client) => {
      const upstream = connect({ host: HOST, port: ports[1]! });
      sockets.push(client, upstream);
      client.on("data", (d) => recorded.push(d)).pipe(upstream);
      upstream.pipe(client);
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
    });
    servers.push(proxy);
    await new Promise<void>((r) => proxy.listen(0, HOST, r));
    const proxyPort = (proxy.address() as { port: number }).port;
    const node0 = await start({ self: 0, chainId: CHAIN, signer: signers[0]!, peers: peerList(2, [0, proxyPort]) });
    const box = inbox(nodes[1]!);
    node0.send(1, text("through the proxy"));
    await until(() => expect(box.length).toBe(1));
    // Replay validator 0's HELLO and AUTH, byte for byte, on a fresh connection.
    const stream = concatBytes(...recorded);
    const first = readFrame(stream, 0, 1024);
    const second = first.kind === "frame" ? readFrame(stream, first.next, 1024) : first;
    if (second.kind !== "frame") throw new Error("handshake not recorded");
    const r = await raw(ports[1]!);
    r.socket.write(stream.subarray(0, second.next));
    await until(() => expect(r.isClosed()).toBe(true));
    expect(rejectReason(r.frames)).toBe(7); // NET_BAD_SIGNATURE
    expect(nodes[1]!.stats().handshakes.failed.NET_BAD_SIGNATURE).toBe(1);
    expect(isConnected(nodes[1]!, 0)).toBe(true);
  });

  it("the dialer refuses an acceptor that cannot prove the index it dialed", async () => {
    const fake = signers[7]!;
    const liar = await start({
      self: 1,
      chainId: CHAIN,
      signer: fake,
      peers: peerList(2, [0, 0], [signers[0]!, fake]),
      listen: { port: 0 },
    });
    const victim = await start({ self: 0, chainId: CHAIN, signer: signers[0]!, peers: peerList(2, [0, liar.address().port]) });
    victim.send(1, text("secret"));
    await until(() => expect(victim.peerStatus()[1]!.lastError?.code).toBe("NET_BAD_SIGNATURE"));
    expect(liar.stats().peers[0]!.messagesIn).toBe(0);
    expect(victim.peerStatus()[1]!.queuedMessages).toBe(1); // never handed to the impostor
  });

  it("oversized frames, garbage, silence and too many strangers are cut off; the server keeps serving", async () => {
    // Validator 0's key is held by this test; 1 and 2 are real nodes.
    const logs: NetLogEntry[] = [];
    const log = (e: NetLogEntry) => logs.push(e);
    const { nodes, ports } = await cluster(3, [1, 2], { handshakeTimeoutMs: 300, maxPendingHandshakes: 3, log });
    const node1 = nodes[1]!;
    // An impossible length; an unknown message type; a frame of noise followed by more noise.
    const noise = concatBytes(Uint8Array.of(0, 0, 0, 100, 9), randomBytes(3000));
    const attacks = [Uint8Array.of(0xff, 0xff, 0xff, 0xff), Uint8Array.of(0, 0, 0, 3, 9, 9, 9), noise];
    for (const bytes of attacks) {
      const r = await raw(ports[1]!);
      r.socket.write(bytes);
      await until(() => expect(r.isClosed()).toBe(true));
    }
    const silent = await raw(ports[1]!);
    await until(() => expect(silent.isClosed()).toBe(true));
    const crowd = await Promise.all([0, 1, 2, 3].map(() => raw(ports[1]!)));
    await until(() => expect(crowd.every((c) => c.isClosed())).toBe(true)); // one at once, the rest timed out
    // An authenticated peer that announces a frame over the limit, then one that sends garbage.
    const big = await rawDial(ports[1]!, 0, 1, signers[0]!);
    await until(() => expect(isConnected(node1, 0)).toBe(true));
    big.socket.write(Uint8Array.of(0x00, 0x40, 0x00, 0x12));
    await until(() => expect(big.isClosed()).toBe(true));
    const garbled = await rawDial(ports[1]!, 0, 1, signers[0]!);
    await until(() => expect(isConnected(node1, 0)).toBe(true));
    garbled.socket.write(encodeFrame(new Uint8Array(randomBytes(100))));
    await until(() => expect(garbled.isClosed()).toBe(true));
    const s = node1.stats();
    expect(s.drops.oversized).toBe(2); // the raw 0xffffffff header and the authenticated one
    expect(s.drops.badFrame).toBe(3); // two unknown types, one bad tag
    expect(s.peers[0]!.drops).toMatchObject({ oversized: 1, badFrame: 1 });
    expect(s.handshakes.failed).toMatchObject({ NET_FRAME_TOO_LARGE: 1, NET_HANDSHAKE_TIMEOUT: expect.any(Number) });
    expect(s.handshakes.failed.NET_TOO_MANY_HANDSHAKES).toBeGreaterThan(0);
    expect(logs).toContainEqual(expect.objectContaining({ level: "warn", event: "handshake-failed", code: "NET_FRAME_TOO_LARGE" }));
    expect(logs).toContainEqual(expect.objectContaining({ level: "warn", event: "disconnected", code: "NET_DECRYPT_FAILED", peer: 0 }));
    // A legitimate peer still gets through, and the lawful raw link delivers too.
    const box = inbox(node1);
    nodes[2]!.send(1, text("fine"));
    const ok = await rawDial(ports[1]!, 0, 1, signers[0]!);
    await until(() => expect(isConnected(node1, 0)).toBe(true));
    ok.socket.write(ok.session.seal(InnerType.DATA, text("lawful")));
    await until(() => expect(box.map((m) => `${m.from}|${m.text}`).sort()).toEqual(["0|lawful", "2|fine"]));
  });

  it("one address cannot hold every handshake slot: past its share it is cut off at once, and the slots free up", async () => {
    const { nodes, ports } = await cluster(2, [1], {
      handshakeTimeoutMs: 2000,
      maxPendingHandshakes: 10,
      maxPendingHandshakesPerAddress: 2,
    });
    const node1 = nodes[1]!;
    const [a, b] = [await raw(ports[1]!), await raw(ports[1]!)];
    const third = await raw(ports[1]!);
    await until(() => expect(third.isClosed()).toBe(true));
    expect(a.isClosed() || b.isClosed()).toBe(false); // the first two wait for their handshake timeout
    expect(node1.stats().handshakes).toMatchObject({ pending: 2, failed: { NET_TOO_MANY_HANDSHAKES: 1 } });
    a.socket.destroy();
    b.socket.destroy();
    // Their slots are free again: a peer from the same address authenticates.
    await until(() => expect(node1.stats().handshakes.pending).toBe(0));
    const ok = await rawDial(ports[1]!, 0, 1, signers[0]!);
    await until(() => expect(isConnected(node1, 0)).toBe(true));
    expect(ok.isClosed()).toBe(false);
    expect(node1.stats().handshakes.failed.NET_TOO_MANY_HANDSHAKES).toBe(1);
  });

  it("a flood past the rate limit is dropped and counted; traffic after the refill is delivered", async () => {
    const { nodes } = await cluster(2, [0, 1], { rateLimit: { messagesPerSecond: 100, messageBurst: 50 } });
    await untilMeshUp(nodes);
    const box = inbox(nodes[1]!);
    for (let k = 0; k < 400; k++) nodes[0]!.send(1, text(`flood ${k}`));
    const peer0 = () => nodes[1]!.stats().peers[0]!;
    await until(() => expect(peer0().messagesIn + peer0().drops.rateLimited).toBe(400));
    expect(peer0().drops.rateLimited).toBeGreaterThan(0);
    expect(box.length).toBeLessThan(400);
    expect(box.length).toBeGreaterThanOrEqual(50);
    await sleep(600); // the bucket refills to its burst of 50
    const before = box.length;
    for (let k = 0; k < 20; k++) nodes[0]!.send(1, text(`after ${k}`));
    await until(() => expect(box.length).toBe(before + 20));
    expect(box.slice(before).map((m) => m.text)).toEqual(Array.from({ length: 20 }, (_, k) => `after ${k}`));
  });

  it("a peer that never reads costs a bounded queue; the excess is dropped and counted", async () => {
    const maxBytes = 1024 * 1024;
    const { nodes, ports } = await cluster(2, [1], { maxMessageBytes: 128 * 1024, queue: { maxMessages: 64, maxBytes } });
    const sender = nodes[1]!;
    const sink = await rawDial(ports[1]!, 0, 1, signers[0]!);
    await until(() => expect(isConnected(sender, 0)).toBe(true));
    sink.socket.pause();
    const message = new Uint8Array(64 * 1024);
    let maxQueued = 0;
    const total = 600; // 37.5 MiB, far beyond the loopback socket buffers
    for (let k = 0; k < total; k++) {
      sender.send(0, message);
      await new Promise((r) => setImmediate(r));
      maxQueued = Math.max(maxQueued, sender.peerStatus()[0]!.queuedBytes);
    }
    const s = sender.stats().peers[0]!;
    const status = sender.peerStatus()[0]!;
    expect(maxQueued).toBeLessThanOrEqual(maxBytes);
    expect(s.drops.queueFull).toBeGreaterThan(0);
    expect(s.messagesOut + status.queuedMessages + s.drops.queueFull).toBe(total);
  });
});

describe("decoders (fast-check)", () => {
  const frames = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 });

  it("readFrame never throws and stays in bounds on random bytes", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: -5, max: 80 }),
        fc.integer({ min: -1, max: 1 << 20 }),
        (b, at, max) => {
          const r = readFrame(b, at, max);
          if (r.kind === "frame") {
            expect(r.next).toBeLessThanOrEqual(b.length);
            expect(r.payload.length).toBeLessThanOrEqual(Math.max(0, max));
          } else if (r.kind === "incomplete") expect(r.needed).toBeGreaterThan(0);
          else expect(r.length).toBeGreaterThan(Math.max(0, max));
        },
      ),
      { numRuns: fuzzRuns(2000) },
    );
  });

  it("FrameReader yields the same frames whatever the split points", () => {
    fc.assert(
      fc.property(frames, fc.array(fc.nat(), { maxLength: 30 }), (payloads, cuts) => {
        const stream = concatBytes(...payloads.map(encodeFrame));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const reader = new FrameReader();
        const out: Uint8Array[] = [];
        let last = 0;
        for (const p of [...points, stream.length]) {
          reader.push(stream.subarray(last, p));
          last = p;
          for (let f = reader.next(300); f.kind === "frame"; f = reader.next(300)) out.push(f.payload.slice());
        }
        expect(out).toEqual(payloads);
        expect(reader.bufferedBytes).toBe(0);
      }),
    );
  });

  it("FrameReader stops at the first frame over the limit, never after it", () => {
    fc.assert(
      fc.property(frames, fc.nat({ max: 300 }), (payloads, limit) => {
        const reader = new FrameReader();
        reader.push(concatBytes(...payloads.map(encodeFrame)));
        const firstBig = payloads.findIndex((p) => p.length > limit);
        let n = 0;
        for (;;) {
          const f = reader.next(limit);
          if (f.kind !== "frame") {
            expect(f.kind).toBe(firstBig === -1 ? "incomplete" : "oversized");
            break;
          }
          n++;
        }
        expect(n).toBe(firstBig === -1 ? payloads.length : firstBig);
      }),
    );
  });

  const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
  const u16 = fc.integer({ min: 0, max: 0xffff });
  const message: fc.Arbitrary<HandshakeMessage> = fc.oneof(
    fc.record({
      type: fc.constant("hello" as const),
      version: fc.constant(1),
      chainId: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      from: u16,
      to: u16,
      ephemeral: bytes(32),
    }),
    fc.record({
      type: fc.constant("helloAck" as const),
      version: fc.constant(1),
      chainId: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      from: u16,
      to: u16,
      ephemeral: bytes(32),
      signature: bytes(64),
    }),
    fc.record({ type: fc.constant("auth" as const), signature: bytes(64) }),
    fc.record({ type: fc.constant("reject" as const), reason: fc.integer({ min: 0, max: 255 }) }),
  );

  it("handshake messages round-trip, and every decodable input is canonical", () => {
    fc.assert(
      fc.property(message, (m) => {
        const d = decodeHandshake(encodeHandshake(m));
        expect(d).toEqual({ ok: true, message: m });
      }),
    );
    const mutated = fc.tuple(message, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("flip", "cut", "add"));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 130 }),
          mutated.map(([m, at, byte, how]) => mutate(encodeHandshake(m), at, byte, how)),
        ),
        (b) => {
          const d = decodeHandshake(b);
          if (d.ok) expect(encodeHandshake(d.message)).toEqual(b);
          else expect(d.code).toMatch(/^NET_(HANDSHAKE_MALFORMED|WRONG_VERSION)$/);
        },
      ),
      { numRuns: fuzzRuns(3000) },
    );
  });

  it("a session opens exactly what its peer sealed and refuses anything else", () => {
    const a = createEphemeral();
    const b = createEphemeral();
    const context = handshakeContext({ dialer: 0, acceptor: 1, dialerEphemeral: a.publicKey, acceptorEphemeral: b.publicKey });
    const dialer = deriveSession(a, b.publicKey, "dialer", CHAIN, context)!;
    const acceptor = deriveSession(b, a.publicKey, "acceptor", CHAIN, context)!;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ minLength: 17, maxLength: 60 }), (body, junk) => {
        const frame = readFrame(dialer.seal(InnerType.DATA, body), 0, 1 << 20);
        if (frame.kind !== "frame") throw new Error("seal made no frame");
        expect(acceptor.open(frame.payload)).toEqual({ ok: true, type: InnerType.DATA, body });
        const forged = acceptor.open(junk); // consumes a counter, so the sessions drift: reseal both ways
        expect(forged.ok).toBe(false);
        dialer.seal(InnerType.PING, new Uint8Array(0));
      }),
    );
    expect(deriveSession(a, new Uint8Array(32), "dialer", CHAIN, context)).toBeUndefined();
  });
});

function mutate(b: Uint8Array, at: number, byte: number, how: string): Uint8Array {
  const i = b.length === 0 ? 0 : at % b.length;
  if (how === "cut") return b.subarray(0, i);
  if (how === "add") return concatBytes(b, Uint8Array.of(byte));
  const c = b.slice();
  if (c.length) c[i] = c[i]! ^ (byte || 1);
  return c;
}
