// One open room: its Yjs document, its awareness (presence), and the peers that have joined it.
// Every change, whoever made it, is sent to every other joined peer; the room never decides who
// may write (connection.ts does, before calling applyUpdate), it only keeps documents bounded:
// a table's chat is trimmed to its newest entries, and structs waiting for missing history are
// kept only up to a byte bound. (An honest client can send one: an edit made right after it
// reconnected to a room the relay had dropped reaches the relay before its sync step 2 carries
// the history; dropping it is harmless, as that step 2 carries the edit too.)
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from "y-protocols/awareness";
import * as Y from "yjs";
import { awarenessMessage, syncStep1Message, syncStep2Message, syncUpdateMessage } from "./messages.js";
import type { RoomName } from "./room-name.js";
import { TABLE_CHAT } from "./table-policy.js";

/** A joined connection, as the room sees it. */
export interface Peer {
  send(message: Uint8Array): void;
}

export interface RoomOptions {
  /** Newest chat entries a table keeps (default 100). */
  maxChatEntries: number;
  /** Awareness client IDs one peer may speak for. */
  maxClientIdsPerPeer: number;
  /** Bytes of updates waiting for missing history the room keeps (past it they are dropped). */
  maxPendingBytes: number;
  /** Called with every update applied from a peer (account rooms persist it). */
  onUpdate?: (update: Uint8Array) => void;
  /** Fills the document from the store (account rooms), on the first join. */
  load?: (room: Room) => Promise<void>;
  /** Passes on what this relay's own sockets changed (rooms.ts sends it to the other relays). */
  share?: (kind: "update" | "awareness", bytes: Uint8Array) => void;
}

export const LOADED = Symbol("loaded");
const RELAY = Symbol("relay");
/** Changes that came from another relay: sent to this relay's sockets, neither stored nor passed on again. */
export const FROM_BUS = Symbol("bus");

export class Room {
  readonly doc = new Y.Doc({ gc: true });
  readonly awareness = new Awareness(this.doc);
  /** Joined peers and the awareness client IDs each controls. */
  readonly peers = new Map<Peer, Set<number>>();
  /** Sockets attached (joined or not): a room with none may be evicted. */
  sockets = 0;
  lastActiveMs = Date.now();
  /** Stored bytes of an account document (counted against its limit), and its rows in the store. */
  storedBytes = 0;
  storedSeqs: bigint[] = [];
  private loading: Promise<void> | undefined;

  constructor(
    readonly name: RoomName,
    private readonly o: RoomOptions,
  ) {
    this.awareness.setLocalState(null);
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      const m = syncUpdateMessage(update);
      for (const p of this.peers.keys()) if (p !== origin) p.send(m);
      // Each relay trims its own tables (RELAY) and loads its own copy (LOADED); what another relay
      // sent was stored and shared by that relay.
      if (origin === LOADED || origin === RELAY || origin === FROM_BUS) return;
      this.o.onUpdate?.(update);
      this.o.share?.("update", update);
    });
    this.awareness.on("update", ({ added, updated, removed }: AwarenessChanges, origin: unknown) => {
      const changed = [...added, ...updated, ...removed];
      const encoded = encodeAwarenessUpdate(this.awareness, changed);
      const m = awarenessMessage(encoded);
      for (const p of this.peers.keys()) if (p !== origin) p.send(m);
      if (origin !== FROM_BUS) this.o.share?.("awareness", encoded);
    });
  }

  /** Resolves once the stored document is in `doc` (at once for tables); a failed load is retried by the next caller. */
  ensureLoaded(): Promise<void> {
    if (!this.loading) {
      this.loading = this.o.load ? this.o.load(this) : Promise.resolve();
      this.loading.catch(() => {
        this.loading = undefined;
      });
    }
    return this.loading;
  }

  /** A peer joins: it gets the whole document (as step 2, unasked) and asks for what it has that we lack (step 1). */
  join(peer: Peer): void {
    this.peers.set(peer, new Set());
    this.touch();
    peer.send(syncStep1Message(Y.encodeStateVector(this.doc)));
    peer.send(syncStep2Message(Y.encodeStateAsUpdate(this.doc)));
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) peer.send(awarenessMessage(encodeAwarenessUpdate(this.awareness, states)));
  }

  leave(peer: Peer): void {
    const ids = this.peers.get(peer);
    this.peers.delete(peer);
    this.touch();
    if (ids && ids.size > 0) removeAwarenessStates(this.awareness, [...ids], null);
  }

  /** The part of our document a peer lacks, for its step 1. Throws on a malformed state vector. */
  diff(stateVector: Uint8Array): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc, stateVector);
  }

  /** Whether `stateVector` (another copy's) holds changes this document lacks. Throws on a malformed one. */
  lacksWhatIsIn(stateVector: Uint8Array): boolean {
    for (const [client, clock] of Y.decodeStateVector(stateVector)) if (clock > Y.getState(this.doc.store, client)) return true;
    return false;
  }

  /** Whether updates wait here for history this document has not seen (a change missed on the bus). */
  get isWaitingForHistory(): boolean {
    return this.doc.store.pendingStructs !== null || this.doc.store.pendingDs !== null;
  }

  /** Applies a peer's update, already checked by the caller. */
  applyUpdate(update: Uint8Array, from: Peer): void {
    this.touch();
    Y.applyUpdate(this.doc, update, from);
    this.bound();
  }

  /** Applies another relay's update or awareness update (rooms.ts decoded the message). Throws on malformed bytes. */
  applyFromBus(kind: "update" | "awareness", bytes: Uint8Array): void {
    this.touch();
    if (kind === "awareness") applyAwarenessUpdate(this.awareness, bytes, FROM_BUS);
    else {
      Y.applyUpdate(this.doc, bytes, FROM_BUS);
      this.bound();
    }
  }

  /** Keeps the document bounded: waiting structs up to a byte bound, a table's newest chat entries. */
  private bound(): void {
    const store = this.doc.store;
    if ((store.pendingStructs?.update.length ?? 0) + (store.pendingDs?.length ?? 0) > this.o.maxPendingBytes) {
      store.pendingStructs = null;
      store.pendingDs = null;
    }
    if (this.name.kind === "table") {
      const chat = this.doc.getArray(TABLE_CHAT);
      const over = chat.length - this.o.maxChatEntries;
      if (over > 0) this.doc.transact(() => chat.delete(0, over), RELAY);
    }
  }

  /**
   * Applies a peer's awareness update, whose entries the caller has decoded. Entries for client IDs
   * another peer controls are not this peer's to change: such an update is ignored whole, as is one
   * that would make the peer speak for more than maxClientIdsPerPeer IDs. Returns whether it applied.
   */
  applyAwareness(update: Uint8Array, clientIds: readonly number[], from: Peer): boolean {
    const mine = this.peers.get(from);
    if (!mine) return false;
    for (const [p, ids] of this.peers) if (p !== from && clientIds.some((id) => ids.has(id))) return false;
    const after = new Set([...mine, ...clientIds]);
    if (after.size > this.o.maxClientIdsPerPeer) return false;
    this.touch();
    applyAwarenessUpdate(this.awareness, update, from);
    for (const id of clientIds)
      if (this.awareness.getStates().has(id)) mine.add(id);
      else mine.delete(id);
    return true;
  }

  awarenessStates(): Uint8Array {
    return awarenessMessage(this.awarenessUpdate());
  }

  /** Every current awareness state, as one awareness update. */
  awarenessUpdate(): Uint8Array {
    return encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()]);
  }

  get isIdle(): boolean {
    return this.sockets === 0;
  }

  private touch(): void {
    this.lastActiveMs = Date.now();
  }

  destroy(): void {
    this.awareness.destroy();
    this.doc.destroy();
  }
}

interface AwarenessChanges {
  added: number[];
  updated: number[];
  removed: number[];
}
