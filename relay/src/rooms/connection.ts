// One socket in a room. A table socket joins at once. An account socket first gets a challenge
// (client/room-join.ts in @nullspace/core) and joins only when the key's signature over it arrives
// before it expires; until then it is sent nothing of the document and everything it sends except
// the signature is dropped unread, and a bad or missing signature closes it. Who may write is
// decided here from the decoded message type: sync step 1 and awareness queries are reads,
// step 2 and update are writes, and writes reach the document only from joined sockets, after the
// room's policy (tables: tableUpdateRefusal; accounts: the size limit).
import { randomBytes } from "node:crypto";
import { encodeJoinChallenge, verifyJoinSignature } from "@nullspace/core";
import type { WebSocket } from "ws";
import * as Y from "yjs";
import { closeThenCut } from "../api/close-then-cut.js";
import { RateLimiter } from "../api/rate-limit.js";
import { RoomCloseCode, type RoomCloseReason } from "../errors.js";
import {
  type ClientMessage,
  JOINED_MESSAGE,
  joinChallengeMessage,
  RoomMessageError,
  readAwarenessUpdate,
  readClientMessage,
  syncStep2Message,
} from "./messages.js";
import type { Peer, Room } from "./room.js";
import { type TablePolicy, tableUpdateRefusal } from "./table-policy.js";

export interface ConnectionOptions {
  chainId: bigint;
  /** The relay's host as this client dialed it (the Host header), bound into the challenge. */
  host: string;
  challengeTtlMs: number;
  /** Messages a second per socket, and burst. */
  rate: { rate: number; burst: number };
  /** A socket whose unsent bytes pass this is closed as a slow consumer. */
  maxQueuedBytes: number;
  maxAccountDocBytes: number;
  /** Whether an account document can take `bytes` more (Rooms.makeRoom: compacts when that helps). */
  accountDocFits(room: Room, bytes: number): boolean;
  table: TablePolicy;
  maxAwarenessStateChars: number;
  maxClientIdsPerPeer: number;
  onClose?: (reason: RoomCloseReason | "closed") => void;
  /** A socket the relay closed is cut this long after, if its peer has not answered the close (default CLOSE_GRACE_MS, close-then-cut.ts). */
  closeGraceMs?: number;
}

/** Messages an account socket may send before its signature (a y-websocket client sends step 1 and awareness at once). */
const MAX_BEFORE_JOIN = 16;

export class RoomConnection implements Peer {
  private joined = false;
  private closed = false;
  private challenge: Uint8Array | undefined;
  private expiry: NodeJS.Timeout | undefined;
  private beforeJoin = 0;
  private readonly limiter: RateLimiter;
  /** Messages are handled one at a time: a join waits for the account document to load. */
  private work: Promise<void> = Promise.resolve();

  constructor(
    private readonly ws: WebSocket,
    private readonly room: Room,
    private readonly o: ConnectionOptions,
  ) {
    this.limiter = new RateLimiter({ ...o.rate, maxKeys: 1 });
    room.sockets++;
    ws.on("message", (data, isBinary) => this.receive(data as Buffer, isBinary));
    ws.once("close", () => this.detach("closed"));
    // ws reports an oversized or malformed frame as an error and closes (1009, 1002): the socket
    // goes, the relay stays.
    ws.on("error", () => {});
    if (room.name.kind === "table") this.enter();
    else this.sendChallenge();
  }

  send(message: Uint8Array): void {
    if (this.closed) return;
    if (this.ws.bufferedAmount > this.o.maxQueuedBytes) {
      this.close("RELAY_SLOW_CONSUMER", "the send queue is full");
      return;
    }
    this.ws.send(message);
  }

  close(reason: RoomCloseReason, message: string): void {
    if (this.closed) return;
    // A slow consumer's close frame waits behind all it did not read: it gets the grace, not ws's 30 s.
    closeThenCut(this.ws, RoomCloseCode[reason], `${reason}: ${message}`.slice(0, 120), this.o.closeGraceMs);
    this.detach(reason);
  }

  private detach(reason: RoomCloseReason | "closed"): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.expiry);
    if (this.joined) this.room.leave(this);
    this.room.sockets--;
    this.o.onClose?.(reason);
  }

  private sendChallenge(): void {
    const expiresAtMs = Date.now() + this.o.challengeTtlMs;
    this.challenge = encodeJoinChallenge({
      nonce: randomBytes(32),
      expiresAtMs: BigInt(expiresAtMs),
      host: this.o.host,
      room: this.room.name.name,
    });
    this.expiry = setTimeout(
      () => this.close("RELAY_ROOM_JOIN_TIMEOUT", "no signed join before the challenge expired"),
      this.o.challengeTtlMs,
    );
    this.ws.send(joinChallengeMessage(this.challenge));
  }

  private enter(): void {
    this.joined = true;
    this.room.join(this);
  }

  private receive(data: Buffer, isBinary: boolean): void {
    if (this.closed) return;
    if (this.limiter.take("") > 0) {
      this.close("RELAY_ROOM_FLOOD", "too many messages");
      return;
    }
    if (!isBinary) {
      this.close("RELAY_ROOM_BAD_MESSAGE", "binary messages only");
      return;
    }
    let m: ClientMessage;
    try {
      m = readClientMessage(data);
    } catch (e) {
      if (e instanceof RoomMessageError) {
        this.close("RELAY_ROOM_BAD_MESSAGE", e.message);
        return;
      }
      throw e;
    }
    this.work = this.work.then(() => this.handle(m)).catch((e: Error) => this.close("RELAY_ROOM_BAD_MESSAGE", e.message));
  }

  private async handle(m: ClientMessage): Promise<void> {
    if (this.closed) return;
    if (m.kind === "join") return this.verifyJoin(m.signature);
    if (!this.joined) {
      // Read nothing an unproved socket sends: it may not write, and it learns nothing by asking.
      if (++this.beforeJoin > MAX_BEFORE_JOIN) this.close("RELAY_ROOM_BAD_MESSAGE", "join first");
      return;
    }
    switch (m.kind) {
      case "sync-step1":
        return this.send(syncStep2Message(this.room.diff(m.stateVector)));
      case "sync-update":
        return this.write(m.update);
      case "awareness": {
        const entries = readAwarenessUpdate(m.update, {
          maxEntries: this.o.maxClientIdsPerPeer,
          maxStateChars: this.o.maxAwarenessStateChars,
        });
        this.room.applyAwareness(
          m.update,
          entries.map((e) => e.clientId),
          this,
        );
        return;
      }
      case "query-awareness":
        return this.send(this.room.awarenessStates());
    }
  }

  private async verifyJoin(signature: Uint8Array): Promise<void> {
    const challenge = this.challenge;
    if (this.joined || !challenge || this.room.name.kind !== "account") return this.close("RELAY_ROOM_BAD_MESSAGE", "no join is pending");
    this.challenge = undefined; // one answer per challenge
    clearTimeout(this.expiry);
    const expiresAt = new DataView(challenge.buffer).getBigUint64(33, false);
    if (BigInt(Date.now()) > expiresAt) return this.close("RELAY_ROOM_JOIN_TIMEOUT", "the challenge expired");
    if (!verifyJoinSignature(this.room.name.publicKey, this.o.chainId, challenge, signature))
      return this.close("RELAY_ROOM_JOIN_REFUSED", "the signature is not this account's over this connection's challenge");
    try {
      await this.room.ensureLoaded();
    } catch {
      return this.close("RELAY_INTERNAL", "the account document could not be read; retry");
    }
    if (this.closed) return;
    this.ws.send(JOINED_MESSAGE);
    this.enter();
  }

  private write(update: Uint8Array): void {
    if (this.room.name.kind === "table") {
      const refusal = tableUpdateRefusal(update, this.o.table);
      if (refusal) {
        this.close("RELAY_ROOM_BAD_MESSAGE", refusal);
        return;
      }
    } else {
      Y.decodeUpdate(update); // throws on bytes that are not an update, before the document sees them
      if (!this.o.accountDocFits(this.room, update.length)) {
        this.close("RELAY_ROOM_DOC_FULL", `the document would pass ${this.o.maxAccountDocBytes} bytes`);
        return;
      }
    }
    this.room.applyUpdate(update, this);
  }
}
