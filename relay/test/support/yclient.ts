// A y-websocket client for tests: a real `ws` socket, a Yjs document and an awareness, speaking
// the protocol with y-protocols the way y-websocket's provider does (step 1 and awareness on open,
// every local change sent as an update), plus the relay's signed join for account rooms.
import { decodeJoinChallenge, encodeJoinChallenge, type Signer, signJoinChallenge } from "@nullspace/core";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { WebSocket } from "ws";
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from "y-protocols/awareness";
import { readSyncMessage, writeSyncStep1, writeUpdate } from "y-protocols/sync";
import * as Y from "yjs";
import { joinSignatureMessage } from "../../src/rooms/messages.js";

const REMOTE = Symbol("remote");

export interface JoinAs {
  signer: Signer;
  chainId: bigint;
  /** Change the challenge before signing it (to forge a wrong room, say). */
  tamper?: (c: ReturnType<typeof decodeJoinChallenge>) => ReturnType<typeof decodeJoinChallenge>;
  /** Sign, but keep the signature instead of sending it. */
  withhold?: boolean;
}

export class YClient {
  readonly doc = new Y.Doc();
  readonly awareness = new Awareness(this.doc);
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  challenge: Uint8Array | undefined;
  signature: Uint8Array | undefined;
  isJoined = false;
  received = 0;

  constructor(url: string, room: string, join?: JoinAs) {
    this.ws = new WebSocket(`${url.replace("http", "ws")}/rooms/${room}`);
    this.ws.binaryType = "nodebuffer";
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", () => resolve());
      this.ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    this.closed = new Promise((resolve) => this.ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on("error", () => {});
    this.ws.on("open", () => {
      this.sendSync((e) => writeSyncStep1(e, this.doc));
      this.sendAwareness();
    });
    this.ws.on("message", (data: Buffer) => void this.receive(new Uint8Array(data), join));
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) this.sendSync((e) => writeUpdate(e, update));
    });
    this.awareness.on("update", (_c: unknown, origin: unknown) => {
      if (origin !== REMOTE) this.sendAwareness();
    });
  }

  /** A sync message (type 0) whose body `write` encodes. */
  private sendSync(write: (e: encoding.Encoder) => void): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    write(e);
    this.ws.send(encoding.toUint8Array(e));
  }

  sendAwareness(): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, encodeAwarenessUpdate(this.awareness, [this.doc.clientID]));
    this.ws.send(encoding.toUint8Array(e));
  }

  sendRaw(bytes: Uint8Array | string): void {
    this.ws.send(bytes);
  }

  private async receive(b: Uint8Array, join?: JoinAs): Promise<void> {
    this.received++;
    const d = decoding.createDecoder(b);
    const type = decoding.readVarUint(d);
    if (type === 0) {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      readSyncMessage(d, e, this.doc, REMOTE);
      if (encoding.length(e) > 1) this.ws.send(encoding.toUint8Array(e));
    } else if (type === 1) applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(d), REMOTE);
    else if (type === 100) {
      const sub = decoding.readVarUint(d);
      if (sub === 2) this.isJoined = true;
      else if (sub === 0 && join) {
        this.challenge = decoding.readVarUint8Array(d);
        const c = decodeJoinChallenge(this.challenge);
        const signed = join.tamper ? encodeJoinChallenge(join.tamper(c)) : this.challenge;
        this.signature = await signJoinChallenge(join.signer, join.chainId, signed);
        if (!join.withhold) this.ws.send(joinSignatureMessage(this.signature));
      } else if (sub === 0) this.challenge = decoding.readVarUint8Array(d);
    }
  }

  close(): void {
    this.ws.close();
  }
}
