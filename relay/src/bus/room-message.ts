// What relays say to each other about Yjs rooms on the bus (docs/decisions/006-relay-bus.md):
// the updates and awareness changes their own sockets made, and a newly opened room's request
// for what the others hold. Binary:
//
//   u8 version (1) ‖ 8 bytes sender relay id ‖ u8 kind ‖ u8 name length ‖ room name (ASCII)
//     ‖ (kind SYNC_REPLY: 8 bytes addressee relay id) ‖ payload (the rest)
//
// Payloads are y-protocols bytes (an update, an awareness update, a state vector); the room that
// applies one decodes it with Yjs, which refuses malformed bytes.
import { parseRoomName, type RoomName } from "../rooms/room-name.js";

export const RoomBusKind = {
  /** A Yjs update a socket of the sender applied. */
  UPDATE: 1,
  /** An awareness update (presence) of the sender's sockets. */
  AWARENESS: 2,
  /** The sender opened the room: payload its state vector; holders answer with SYNC_REPLY. */
  SYNC_REQUEST: 3,
  /** What the addressee lacks (an update). */
  SYNC_REPLY: 4,
} as const;
export type RoomBusKind = (typeof RoomBusKind)[keyof typeof RoomBusKind];

/** Bytes of a room message past which it is not sent (and not accepted). */
export const MAX_ROOM_BUS_MESSAGE_BYTES = 4 * 1024 * 1024;
const VERSION = 1;
const ID_BYTES = 8;

export interface RoomBusMessage {
  /** Sender relay id, 16 lowercase hex characters. */
  from: string;
  kind: RoomBusKind;
  room: RoomName;
  /** SYNC_REPLY only: the relay that asked. */
  to?: string;
  payload: Uint8Array;
}

export class RoomBusMessageMalformed extends Error {
  override readonly name = "RoomBusMessageMalformed";
  readonly code = "BUS_MESSAGE_MALFORMED";
}

function idBytes(id: string): Uint8Array {
  if (!/^[0-9a-f]{16}$/.test(id)) throw new RangeError(`a relay id is 16 hex characters, got ${id.slice(0, 20)}`);
  return Buffer.from(id, "hex");
}

export function encodeRoomBusMessage(m: RoomBusMessage): Uint8Array {
  const name = Buffer.from(m.room.name, "latin1");
  const to = m.kind === RoomBusKind.SYNC_REPLY ? idBytes(m.to ?? "") : new Uint8Array(0);
  const out = new Uint8Array(1 + ID_BYTES + 2 + name.length + to.length + m.payload.length);
  out[0] = VERSION;
  out.set(idBytes(m.from), 1);
  out[1 + ID_BYTES] = m.kind;
  out[2 + ID_BYTES] = name.length;
  out.set(name, 3 + ID_BYTES);
  out.set(to, 3 + ID_BYTES + name.length);
  out.set(m.payload, 3 + ID_BYTES + name.length + to.length);
  return out;
}

export function decodeRoomBusMessage(b: Uint8Array): RoomBusMessage {
  if (b.length > MAX_ROOM_BUS_MESSAGE_BYTES) throw new RoomBusMessageMalformed(`a room message of ${b.length} bytes`);
  if (b.length < 3 + ID_BYTES) throw new RoomBusMessageMalformed("shorter than a room message header");
  if (b[0] !== VERSION) throw new RoomBusMessageMalformed(`unknown version ${b[0]}`);
  const from = Buffer.from(b.subarray(1, 1 + ID_BYTES)).toString("hex");
  const kind = b[1 + ID_BYTES] as number;
  if (kind < RoomBusKind.UPDATE || kind > RoomBusKind.SYNC_REPLY) throw new RoomBusMessageMalformed(`unknown kind ${kind}`);
  const nameLength = b[2 + ID_BYTES] as number;
  let at = 3 + ID_BYTES + nameLength;
  if (at > b.length) throw new RoomBusMessageMalformed("the room name runs past the message");
  let room: RoomName;
  try {
    room = parseRoomName(Buffer.from(b.subarray(3 + ID_BYTES, at)).toString("latin1"));
  } catch (e) {
    throw new RoomBusMessageMalformed(`bad room name: ${(e as Error).message}`);
  }
  let to: string | undefined;
  if (kind === RoomBusKind.SYNC_REPLY) {
    if (at + ID_BYTES > b.length) throw new RoomBusMessageMalformed("the addressee runs past the message");
    to = Buffer.from(b.subarray(at, at + ID_BYTES)).toString("hex");
    at += ID_BYTES;
  }
  return { from, kind: kind as RoomBusKind, room, ...(to === undefined ? {} : { to }), payload: b.subarray(at) };
}

/** The rooms channel of one chain (`chainKey` in message.ts). */
export function roomsChannel(key: string): string {
  return `nullspace:${key}:rooms`;
}
