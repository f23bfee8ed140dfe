// Yjs rooms on a real relay (real PGlite, real ws clients speaking y-websocket with yjs and
// y-protocols): table presence and chat; account rooms that only the key's owner may open, with
// every forged join refused by its close code while the server's document stays as it was; the
// guards (size, flood, policy, names, origins); and an account document across a relay restart,
// stopped with its clients still connected.

import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { decodeJoinChallenge, ed25519, signJoinChallenge, toHex } from "@nullspace/core";
import * as decoding from "lib0/decoding";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { createGenesis } from "../../validators/src/genesis/genesis.js";
import { joinSignatureMessage, syncUpdateMessage } from "../src/rooms/messages.js";
import type { Room } from "../src/rooms/room.js";
import { parseRoomName } from "../src/rooms/room-name.js";
import { Rooms } from "../src/rooms/rooms.js";
import { type RunningRelay, type StartOptions, startRelay } from "../src/start.js";
import { AccountDocs } from "../src/store/account-docs.js";
import { WASM_PATH, waitUntil } from "./support/devnet.js";
import { json, upgradeStatus } from "./support/relays.js";
import { removeTempDirs, tempDir } from "./support/temp-dirs.js";
import { YClient } from "./support/yclient.js";

let relay: RunningRelay;
let options: StartOptions;
let chainId: bigint;
const owner = ed25519.signerFromSeedSync(new Uint8Array(32).fill(11));
const stranger = ed25519.signerFromSeedSync(new Uint8Array(32).fill(12));
const accountRoom = `account:${toHex(owner.publicKey)}`;
const clients: YClient[] = [];
const providers: WebsocketProvider[] = [];

function client(room: string, joinAs?: ConstructorParameters<typeof YClient>[2]): YClient {
  const c = new YClient(relay.url, room, joinAs);
  clients.push(c);
  return c;
}

/** The server's copy of a room's document, as JSON. */
function serverDoc(room: string): unknown {
  const r = relay.api.rooms.open.get(room);
  return r ? { settings: r.doc.getMap("settings").toJSON(), moves: r.doc.getArray("moves").toJSON() } : undefined;
}

beforeAll(async () => {
  const wasm = new Uint8Array(readFileSync(WASM_PATH));
  const dir = await tempDir("relay-rooms-");
  const { genesis } = await createGenesis({ n: 1, chainId: 77n, genesisTimeMs: 0n, wasm, seed: new Uint8Array(32) });
  chainId = BigInt(genesis.chainId);
  await writeFile(join(dir, "genesis.json"), JSON.stringify(genesis));
  options = {
    genesisPath: join(dir, "genesis.json"),
    wasmPath: WASM_PATH,
    // No validator answers: the rooms need nothing from the chain but its id.
    validators: ["http://127.0.0.1:9"],
    dataDir: join(dir, "store"),
    log: () => {},
    allowedOrigins: ["https://play.nullspace.invalid"],
    challengeTtlMs: 1500,
    roomRate: { rate: 50, burst: 100 },
    maxRoomMessageBytes: 64 * 1024,
    maxRoomPeers: 4,
    maxAccountDocBytes: 16 * 1024,
  };
  relay = await startRelay(options);
});

afterAll(async () => {
  for (const p of providers) p.destroy();
  for (const c of clients) c.ws.terminate();
  await relay?.stop();
  await removeTempDirs();
});

describe("table rooms", () => {
  it("two clients see each other's presence and chat", async () => {
    const a = client("table:1:main");
    const b = client("table:1:main");
    await Promise.all([a.opened, b.opened]);
    a.awareness.setLocalStateField("name", "alice");
    b.awareness.setLocalStateField("name", "bob");
    a.doc.getArray("chat").push([{ from: "alice", text: "hi bob" }]);
    await waitUntil(
      "b sees alice and her message",
      () => b.awareness.getStates().get(a.doc.clientID)?.name === "alice" && b.doc.getArray("chat").length === 1,
    );
    await waitUntil("a sees bob", () => a.awareness.getStates().get(b.doc.clientID)?.name === "bob");
    expect(b.doc.getArray("chat").toJSON()).toEqual([{ from: "alice", text: "hi bob" }]);
    // One leaves: the other sees its presence go.
    b.close();
    await waitUntil("a sees bob leave", () => !a.awareness.getStates().has(b.doc.clientID));
  });

  it("an update outside the chat array, an oversized entry or garbage closes with 4400; the document keeps only chat", async () => {
    const before = Y.encodeStateAsUpdate((relay.api.rooms.open.get("table:1:main") as { doc: Y.Doc }).doc);
    const rogue = client("table:1:main");
    await rogue.opened;
    rogue.doc.getMap("junk").set("k", "v");
    expect((await rogue.closed).code).toBe(4400);
    const big = client("table:1:main");
    await big.opened;
    big.doc.getArray("chat").push(["x".repeat(2000)]);
    expect(await big.closed).toMatchObject({ code: 4400, reason: expect.stringMatching(/^RELAY_ROOM_BAD_MESSAGE/) });
    const garbage = client("table:1:main");
    await garbage.opened;
    garbage.sendRaw(Uint8Array.of(0, 2, 50, 1, 2, 3));
    expect((await garbage.closed).code).toBe(4400);
    const doc = (relay.api.rooms.open.get("table:1:main") as { doc: Y.Doc }).doc;
    expect(Y.encodeStateAsUpdate(doc)).toEqual(before);
    expect([...doc.share.keys()]).toEqual(["chat"]);
  });

  it("an update that arrives before the history it needs is kept until that history comes", async () => {
    const origin = new Y.Doc();
    const updates: Uint8Array[] = [];
    origin.on("update", (u: Uint8Array) => updates.push(u));
    origin.getArray("chat").push([{ text: "first" }]);
    origin.getArray("chat").push([{ text: "second" }]);
    const late = client("table:4:order");
    const reader = client("table:4:order");
    await Promise.all([late.opened, reader.opened]);
    late.sendRaw(syncUpdateMessage(updates[1] as Uint8Array));
    late.sendRaw(syncUpdateMessage(updates[0] as Uint8Array));
    await waitUntil("both entries arrive, in order", () => reader.doc.getArray("chat").length === 2);
    expect(reader.doc.getArray("chat").toJSON()).toEqual([{ text: "first" }, { text: "second" }]);
  });

  it("an oversized message gets 1009, a flood 4529, and the relay stays up", async () => {
    const big = client("table:1:main");
    await big.opened;
    big.sendRaw(new Uint8Array(100 * 1024));
    expect((await big.closed).code).toBe(1009);
    const flood = client("table:1:main");
    await flood.opened;
    for (let i = 0; i < 300; i++) flood.sendRaw(Uint8Array.of(3)); // query awareness: cheap, valid
    expect(await flood.closed).toMatchObject({ code: 4529, reason: expect.stringMatching(/^RELAY_ROOM_FLOOD/) });
    expect((await json(`${relay.url}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toMatch(/relay_room_closed_total\{reason="RELAY_ROOM_FLOOD"\} 1/);
    expect(metrics).toMatch(/relay_rooms_open [1-9]/);
  });

  it("an oversized /updates frame gets 1009 and the relay stays up (the socket's error is heard)", async () => {
    const ws = new WebSocket(`${relay.url.replace("http", "ws")}/updates`);
    ws.on("error", () => {});
    await new Promise((r) => ws.once("open", r));
    const closed = new Promise<number>((r) => ws.once("close", (code) => r(code)));
    ws.send(new Uint8Array(4096));
    expect(await closed).toBe(1009);
    expect((await json(`${relay.url}/healthz`)).status).toBe(200);
  });

  it("a full room refuses the next socket before the handshake", async () => {
    const four = [1, 2, 3, 4].map(() => client("table:2:full"));
    await Promise.all(four.map((c) => c.opened));
    expect(await upgradeStatus(`${relay.url.replace("http", "ws")}/rooms/table:2:full`)).toBe(503);
    expect(await upgradeStatus(`${relay.url.replace("http", "ws")}/rooms/table:2:other`)).toBe(101);
  });

  it("a bad room name, a foreign origin and an unknown path are refused before the handshake", async () => {
    const ws = relay.url.replace("http", "ws");
    expect(await upgradeStatus(`${ws}/rooms/table:x:main`)).toBe(400);
    expect(await upgradeStatus(`${ws}/rooms/account:ABC`)).toBe(400);
    expect(await upgradeStatus(`${ws}/rooms/table:1:main`, { origin: "https://evil.invalid" })).toBe(403);
    expect(await upgradeStatus(`${ws}/rooms/table:1:main`, { origin: "https://play.nullspace.invalid" })).toBe(101);
    expect(await upgradeStatus(`${ws}/nowhere`)).toBe(404);
    expect(await upgradeStatus(`${ws}/rooms/${accountRoom}`, { host: "a b" })).toBe(400);
    expect((await json(`${relay.url}/healthz`)).status).toBe(200);
  });
});

describe("account rooms", () => {
  it("the owner's signed join writes, and a second device of the same key syncs it", async () => {
    const phone = client(accountRoom, { signer: owner, chainId });
    await waitUntil("the phone joins", () => phone.isJoined);
    phone.doc.getMap("settings").set("theme", "dark");
    phone.doc.getArray("moves").push([{ session: "7", move: "hit" }]);
    await waitUntil("the relay has it", () => JSON.stringify(serverDoc(accountRoom)).includes("hit"));
    const laptop = client(accountRoom, { signer: owner, chainId });
    await waitUntil("the laptop syncs", () => laptop.doc.getMap("settings").get("theme") === "dark");
    expect(laptop.doc.getArray("moves").toJSON()).toEqual([{ session: "7", move: "hit" }]);
    laptop.doc.getMap("settings").set("sound", false);
    await waitUntil("the phone sees the laptop's write", () => phone.doc.getMap("settings").get("sound") === false);
  });

  it("another key, no signature, an expired or replayed challenge, another room or chain: closed, nothing read, nothing written", async () => {
    const before = JSON.stringify(serverDoc(accountRoom));
    const forge = (c: YClient) => c.doc.getMap("settings").set("theme", "pwned");

    const other = client(accountRoom, { signer: stranger, chainId });
    await other.opened;
    forge(other); // sent before its join: dropped unread
    expect(await other.closed).toMatchObject({ code: 4403, reason: expect.stringMatching(/^RELAY_ROOM_JOIN_REFUSED/) });

    const unsigned = client(accountRoom);
    await unsigned.opened;
    forge(unsigned);
    expect(await unsigned.closed).toMatchObject({ code: 4401, reason: expect.stringMatching(/^RELAY_ROOM_JOIN_TIMEOUT/) });

    // A signature held past its challenge's expiry is useless there, and on a new connection too.
    const late = client(accountRoom, { signer: owner, chainId, withhold: true });
    expect((await late.closed).code).toBe(4401);
    const replay = client(accountRoom);
    await waitUntil("a fresh challenge", () => replay.challenge !== undefined);
    forge(replay);
    replay.sendRaw(joinSignature(late.signature as Uint8Array));
    expect((await replay.closed).code).toBe(4403);

    const elsewhere = client(accountRoom, {
      signer: owner,
      chainId,
      tamper: (c) => ({ ...c, room: `account:${toHex(stranger.publicKey)}` }),
    });
    expect((await elsewhere.closed).code).toBe(4403);
    const otherChain = client(accountRoom, { signer: owner, chainId: chainId + 1n });
    expect((await otherChain.closed).code).toBe(4403);

    for (const c of [other, unsigned, late, replay, elsewhere, otherChain]) {
      expect(c.isJoined).toBe(false);
      expect(c.doc.getMap("settings").get("theme")).not.toBe("dark"); // the relay sent them nothing
      expect(c.doc.getArray("moves").length).toBe(0);
    }
    expect(JSON.stringify(serverDoc(accountRoom))).toBe(before);
  });

  it("an account document compacts to make room, and a write past its limit closes with 4413 and is not applied", async () => {
    const writer = ed25519.signerFromSeedSync(new Uint8Array(32).fill(13));
    const room = `account:${toHex(writer.publicKey)}`;
    const device = client(room, { signer: writer, chainId });
    await waitUntil("it joins", () => device.isJoined);
    const settings = device.doc.getMap("settings");
    const server = () => relay.api.rooms.open.get(room)?.doc.getMap("settings");
    // 3 × 6 KiB written, 16 KiB allowed: each overwrite leaves garbage that compaction drops.
    for (const fill of ["a", "b", "c"]) {
      settings.set("note", fill.repeat(6 * 1024));
      await waitUntil(`the relay has note ${fill}`, () => (server()?.get("note") as string | undefined)?.[0] === fill);
    }
    await relay.api.rooms.flush();
    const rows = await relay.relay.store.db.query(
      "SELECT count(*)::int AS n, sum(length(bytes))::int AS bytes FROM account_doc_updates WHERE account = $1",
      [writer.publicKey],
    );
    expect(rows[0]?.bytes).toBeLessThanOrEqual(16 * 1024);
    settings.set("extra", "x".repeat(12 * 1024));
    expect(await device.closed).toMatchObject({ code: 4413, reason: expect.stringMatching(/^RELAY_ROOM_DOC_FULL/) });
    expect(server()?.has("extra")).toBe(false);
    expect(String(server()?.get("note"))[0]).toBe("c");
  });

  it("the registry holds at most maxRooms documents, evicting idle ones first", async () => {
    const rooms = new Rooms({
      docs: new AccountDocs(relay.relay.store.db),
      log: () => {},
      maxRooms: 2,
      idleMs: 60_000,
      maxChatEntries: 10,
      maxClientIdsPerPeer: 4,
      maxPendingBytes: 1024,
    });
    const a = rooms.acquire(parseRoomName("table:9:a")) as Room;
    const b = rooms.acquire(parseRoomName("table:9:b")) as Room;
    a.sockets = 1;
    b.sockets = 1;
    expect(rooms.acquire(parseRoomName("table:9:c"))).toBeUndefined();
    b.sockets = 0;
    expect(rooms.acquire(parseRoomName("table:9:c"))).toBeDefined();
    expect([...rooms.open.keys()]).toEqual(["table:9:a", "table:9:c"]);
    await rooms.close();
  });

  it("a relay stopped with members and subscribers connected closes them with 1001; the account document survives the restart", async () => {
    const member = client("table:1:main");
    await member.opened;
    const subscriber = new WebSocket(`${relay.url.replace("http", "ws")}/updates?filter=all`);
    const closed = new Promise<[number, string]>((r) => subscriber.once("close", (code, why) => r([code, why.toString()])));
    await new Promise((r) => subscriber.once("open", r));
    await relay.stop(); // with every client of the tests above still connected
    expect(await member.closed).toEqual({ code: 1001, reason: "RELAY_SHUTTING_DOWN: the relay is closing" });
    expect(await closed).toEqual([1001, "RELAY_SHUTTING_DOWN: the relay is closing"]);
    relay = await startRelay(options);
    const device = client(accountRoom, { signer: owner, chainId });
    await waitUntil("the document is back", () => device.doc.getMap("settings").get("theme") === "dark");
    expect(device.doc.getMap("settings").toJSON()).toEqual({ theme: "dark", sound: false });
    expect(device.doc.getArray("moves").toJSON()).toEqual([{ session: "7", move: "hit" }]);
    // The table room was memory only.
    const t = client("table:1:main");
    await t.opened;
    await waitUntil("the table syncs", () => t.received >= 2);
    expect(t.doc.getArray("chat").length).toBe(0);
  });
});

describe("stock y-websocket providers", () => {
  it("join a table as they are, and an account room with one message handler for the signed join", async () => {
    const serverUrl = `${relay.url.replace("http", "ws")}/rooms`;
    // disableBc: two providers in one process would otherwise sync through BroadcastChannel, not the relay.
    const provider = (room: string, doc: Y.Doc) =>
      new WebsocketProvider(serverUrl, room, doc, { WebSocketPolyfill: WebSocket as never, disableBc: true });
    const [da, db] = [new Y.Doc(), new Y.Doc()];
    const [pa, pb] = [provider("table:3:stock", da), provider("table:3:stock", db)];
    providers.push(pa, pb);
    pa.awareness.setLocalStateField("name", "carol");
    da.getArray("chat").push([{ from: "carol", text: "gl" }]);
    await waitUntil(
      "b sees carol and her chat",
      () => pb.awareness.getStates().get(da.clientID)?.name === "carol" && db.getArray("chat").length === 1,
    );

    const dc = new Y.Doc();
    const pc = new WebsocketProvider(serverUrl, accountRoom, dc, {
      WebSocketPolyfill: WebSocket as never,
      disableBc: true,
      connect: false,
    });
    providers.push(pc);
    pc.messageHandlers[100] = (_encoder, decoder) => {
      if (decoding.readVarUint(decoder) !== 0) return;
      const challenge = decoding.readVarUint8Array(decoder);
      const c = decodeJoinChallenge(challenge);
      if (c.room !== accountRoom || c.host !== new URL(relay.url).host) return; // not ours to sign
      void signJoinChallenge(owner, chainId, challenge).then((sig) => pc.ws?.send(joinSignatureMessage(sig)));
    };
    pc.connect();
    await waitUntil("the provider syncs the account document", () => dc.getMap("settings").get("theme") === "dark");
  });
});

function joinSignature(signature: Uint8Array): Uint8Array {
  return Uint8Array.of(100, 1, 64, ...signature);
}
