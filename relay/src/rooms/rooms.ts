// The open rooms of one relay, bounded: at most `maxRooms` documents in memory, rooms without
// sockets evicted after `idleMs` (or at once when a new room needs the slot). Table rooms live in
// memory only; an account room loads its stored updates on its first join and stores every update
// its owner applies. Store work runs one step at a time in arrival order, so a room loaded after an
// eviction sees every write made before it.
import * as Y from "yjs";
import type { RoomBus } from "../bus/redis-bus.js";
import { decodeRoomBusMessage, encodeRoomBusMessage, RoomBusKind, RoomBusMessageMalformed } from "../bus/room-message.js";
import type { LogFn } from "../relay.js";
import type { AccountDocs } from "../store/account-docs.js";
import { LOADED, Room } from "./room.js";
import type { RoomName } from "./room-name.js";

export interface RoomsOptions {
  docs: AccountDocs;
  log: LogFn;
  /** Documents in memory (default 10,000). */
  maxRooms: number;
  /** A room without sockets is evicted after this long (default 60 s). */
  idleMs: number;
  maxChatEntries: number;
  maxClientIdsPerPeer: number;
  maxPendingBytes: number;
  /** Rows of one account document folded into one on load past this many (default 32). */
  compactAfter?: number;
  /** Other relays behind the same load balancer: rooms share their changes through it. */
  bus?: RoomBus;
  /** Counts room messages from the bus by result (ok, malformed, ignored). */
  onBusMessage?: (result: "ok" | "malformed" | "ignored") => void;
}

/** A room waiting for history asks the other relays for it at most this often. */
const MISSING_HISTORY_ASK_MS = 1000;

export class Rooms {
  readonly open = new Map<string, Room>();
  /** When each room last asked the other relays for history an update from the bus needed. */
  private readonly askedForHistoryAt = new WeakMap<Room, number>();
  private storeWork: Promise<unknown> = Promise.resolve();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly o: RoomsOptions) {
    this.sweeper = setInterval(() => this.evictIdle(this.o.idleMs), Math.max(1000, Math.floor(o.idleMs / 2)));
    this.sweeper.unref();
    o.bus?.listenRooms(
      (m) => this.fromBus(m),
      // Whatever was said while the subscription was down is lost: ask again for every open room.
      () => {
        for (const room of this.open.values()) this.requestSync(room);
      },
    );
  }

  /** The room of `name`, opened if needed; undefined when maxRooms rooms are open and none is idle. */
  acquire(name: RoomName): Room | undefined {
    const have = this.open.get(name.name);
    if (have) return have;
    if (this.open.size >= this.o.maxRooms) this.evictIdle(0, 1);
    if (this.open.size >= this.o.maxRooms) return undefined;
    const room = new Room(name, {
      maxChatEntries: this.o.maxChatEntries,
      maxClientIdsPerPeer: this.o.maxClientIdsPerPeer,
      maxPendingBytes: this.o.maxPendingBytes,
      // Loaded on the first join, never for a connection that has not proved the key.
      ...(name.kind === "account"
        ? { onUpdate: (u: Uint8Array) => this.persist(room, name.publicKey, u), load: (r: Room) => this.load(r, name.publicKey) }
        : {}),
      ...(this.o.bus ? { share: (kind: "update" | "awareness", bytes: Uint8Array) => this.share(room, kind, bytes) } : {}),
    });
    this.open.set(name.name, room);
    this.requestSync(room);
    return room;
  }

  private share(room: Room, kind: "update" | "awareness", payload: Uint8Array): void {
    const bus = this.o.bus;
    if (!bus) return;
    const k = kind === "update" ? RoomBusKind.UPDATE : RoomBusKind.AWARENESS;
    bus.publishRoom(encodeRoomBusMessage({ from: bus.relayId, kind: k, room: room.name, payload }));
  }

  /** Asks the other relays for what this room lacks (its state vector); holders answer SYNC_REPLY. */
  private requestSync(room: Room): void {
    const bus = this.o.bus;
    if (!bus) return;
    const payload = Y.encodeStateVector(room.doc);
    bus.publishRoom(encodeRoomBusMessage({ from: bus.relayId, kind: RoomBusKind.SYNC_REQUEST, room: room.name, payload }));
  }

  /** A message of another relay: applied to the room if it is open here, else ignored. */
  private fromBus(bytes: Uint8Array): void {
    const bus = this.o.bus;
    if (!bus) return;
    let count: "ok" | "malformed" | "ignored" = "ok";
    try {
      const m = decodeRoomBusMessage(bytes);
      const room = this.open.get(m.room.name);
      if (m.from === bus.relayId || !room || (m.kind === RoomBusKind.SYNC_REPLY && m.to !== bus.relayId)) count = "ignored";
      else if (m.kind === RoomBusKind.SYNC_REQUEST) {
        const payload = room.diff(m.payload);
        bus.publishRoom(encodeRoomBusMessage({ from: bus.relayId, kind: RoomBusKind.SYNC_REPLY, room: room.name, to: m.from, payload }));
        // Presence is not in the document: the asker gets everyone's current state too.
        if (room.awareness.getStates().size > 0) this.share(room, "awareness", room.awarenessUpdate());
        // Sync goes both ways: the asker may hold what this relay missed (written on its side while
        // the bus was down, its own request sent before this relay listened again).
        if (room.lacksWhatIsIn(m.payload)) this.requestSync(room);
      } else {
        room.applyFromBus(m.kind === RoomBusKind.AWARENESS ? "awareness" : "update", m.payload);
        // An update that needs history this relay never got (a message lost on the bus): ask for it.
        const now = Date.now();
        if (room.isWaitingForHistory && now - (this.askedForHistoryAt.get(room) ?? 0) >= MISSING_HISTORY_ASK_MS) {
          this.askedForHistoryAt.set(room, now);
          this.requestSync(room);
        }
      }
    } catch (e) {
      // A malformed message or payload (Yjs refuses it) changes nothing; the bus is shared only by
      // this operator's relays, so this is a bug or corruption to count, not an attack to fight.
      if (!(e instanceof RoomBusMessageMalformed)) this.o.log("warn", "room_bus_refused", { message: (e as Error).message });
      count = "malformed";
    }
    this.o.onBusMessage?.(count);
  }

  private load(room: Room, account: Uint8Array): Promise<void> {
    return this.serially(async () => {
      const stored = await this.o.docs.load(account);
      if (stored.updates.length === 0) return;
      Y.applyUpdate(room.doc, Y.mergeUpdates(stored.updates), LOADED);
      room.storedSeqs = stored.seqs;
      room.storedBytes = stored.updates.reduce((n, u) => n + u.length, 0);
      if (stored.updates.length > (this.o.compactAfter ?? 32)) await this.compactNow(room, account);
    });
  }

  private persist(room: Room, account: Uint8Array, update: Uint8Array): void {
    room.storedBytes += update.length;
    this.serially(async () => {
      room.storedSeqs.push(await this.o.docs.append(account, update));
    }).catch((e: Error) => this.o.log("error", "room_store_failed", { room: room.name.name, message: e.message }));
  }

  /**
   * Makes room for `incoming` more bytes in an account document by storing its state in place of
   * its rows (deleted content is garbage-collected in the state, not in the rows). False when even
   * the state leaves no room.
   */
  makeRoom(room: Room, incoming: number, maxBytes: number): boolean {
    if (room.storedBytes + incoming <= maxBytes) return true;
    if (room.name.kind !== "account") return false;
    const stateBytes = Y.encodeStateAsUpdate(room.doc).length;
    if (stateBytes + incoming > maxBytes) return false;
    room.storedBytes = stateBytes;
    const account = room.name.publicKey;
    this.serially(() => this.compactNow(room, account)).catch((e: Error) =>
      this.o.log("error", "room_store_failed", { room: room.name.name, message: e.message }),
    );
    return true;
  }

  /** Runs inside serially(): every append queued before it has its seq in room.storedSeqs. */
  private async compactNow(room: Room, account: Uint8Array): Promise<void> {
    const state = Y.encodeStateAsUpdate(room.doc);
    const seq = await this.o.docs.compact(account, state, room.storedSeqs);
    room.storedSeqs = [seq];
    room.storedBytes = state.length;
  }

  private serially<T>(step: () => Promise<T>): Promise<T> {
    const run = this.storeWork.then(step, step);
    this.storeWork = run.catch(() => {});
    return run;
  }

  /** Closes rooms without sockets idle for at least `minIdleMs`, oldest first, at most `limit`. */
  evictIdle(minIdleMs: number, limit = Number.POSITIVE_INFINITY): number {
    const now = Date.now();
    const idle = [...this.open.values()].filter((r) => r.isIdle && now - r.lastActiveMs >= minIdleMs);
    idle.sort((a, b) => a.lastActiveMs - b.lastActiveMs);
    let evicted = 0;
    for (const r of idle) {
      if (evicted >= limit) break;
      this.open.delete(r.name.name);
      r.destroy();
      evicted++;
    }
    return evicted;
  }

  /** Waits for pending store writes (tests, shutdown). */
  async flush(): Promise<void> {
    await this.serially(async () => {});
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await this.flush();
    for (const r of this.open.values()) r.destroy();
    this.open.clear();
  }
}
