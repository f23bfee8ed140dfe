// The y-websocket wire protocol as the relay speaks it (docs/relay-api.md, "WebSocket /rooms"):
// every binary message starts with a lib0 varuint type. 0 is sync (y-protocols/sync: step 1 a
// state vector, step 2 and update an update), 1 awareness (y-protocols/awareness), 3 a query for
// awareness states (y-websocket clients send it), and 100 the relay's signed join. The relay
// decodes every client message completely before acting on it, so which kind of message it is
// (a read or a write) is decided here, not by trusting the sender.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";

export const MessageType = { SYNC: 0, AWARENESS: 1, AUTH: 2, QUERY_AWARENESS: 3, JOIN: 100 } as const;
export const SyncType = { STEP1: 0, STEP2: 1, UPDATE: 2 } as const;
/** Sub-types of JOIN: the relay's challenge, the client's signature, the relay's acceptance. */
export const JoinType = { CHALLENGE: 0, SIGNATURE: 1, JOINED: 2 } as const;

export type ClientMessage =
  | { kind: "sync-step1"; stateVector: Uint8Array }
  | { kind: "sync-update"; update: Uint8Array }
  | { kind: "awareness"; update: Uint8Array }
  | { kind: "query-awareness" }
  | { kind: "join"; signature: Uint8Array };

export class RoomMessageError extends Error {
  override readonly name = "RoomMessageError";
}

/**
 * lib0 reads a declared length as a view of the underlying ArrayBuffer without checking it against
 * the array's end (ws can hand out a message as a slice of a larger socket chunk). The final
 * length check would refuse such a message anyway; decoding an exact-size copy makes sure no read
 * ever looks past the message in the meantime.
 */
function own(b: Uint8Array): Uint8Array {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : b.slice();
}

/** Reads one client message; throws RoomMessageError for anything that is not exactly one known message. */
export function readClientMessage(b: Uint8Array): ClientMessage {
  let m: ClientMessage;
  const d = decoding.createDecoder(own(b));
  try {
    const type = decoding.readVarUint(d);
    if (type === MessageType.SYNC) {
      const sub = decoding.readVarUint(d);
      const bytes = decoding.readVarUint8Array(d);
      if (sub === SyncType.STEP1) m = { kind: "sync-step1", stateVector: bytes };
      else if (sub === SyncType.STEP2 || sub === SyncType.UPDATE) m = { kind: "sync-update", update: bytes };
      else throw new RoomMessageError(`unknown sync message ${sub}`);
    } else if (type === MessageType.AWARENESS) m = { kind: "awareness", update: decoding.readVarUint8Array(d) };
    else if (type === MessageType.QUERY_AWARENESS) m = { kind: "query-awareness" };
    else if (type === MessageType.JOIN) {
      if (decoding.readVarUint(d) !== JoinType.SIGNATURE) throw new RoomMessageError("clients send only join signatures");
      m = { kind: "join", signature: decoding.readVarUint8Array(d) };
      if (m.signature.length !== 64) throw new RoomMessageError("a join signature is 64 bytes");
    } else throw new RoomMessageError(`unknown message type ${type}`);
  } catch (e) {
    if (e instanceof RoomMessageError) throw e;
    throw new RoomMessageError(`malformed message: ${(e as Error).message}`);
  }
  if (decoding.hasContent(d)) throw new RoomMessageError("bytes after the message");
  return m;
}

function framed(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  write(e);
  return encoding.toUint8Array(e);
}

export function syncStep1Message(stateVector: Uint8Array): Uint8Array {
  return framed((e) => {
    encoding.writeVarUint(e, MessageType.SYNC);
    encoding.writeVarUint(e, SyncType.STEP1);
    encoding.writeVarUint8Array(e, stateVector);
  });
}

export function syncStep2Message(update: Uint8Array): Uint8Array {
  return framed((e) => {
    encoding.writeVarUint(e, MessageType.SYNC);
    encoding.writeVarUint(e, SyncType.STEP2);
    encoding.writeVarUint8Array(e, update);
  });
}

export function syncUpdateMessage(update: Uint8Array): Uint8Array {
  return framed((e) => {
    encoding.writeVarUint(e, MessageType.SYNC);
    encoding.writeVarUint(e, SyncType.UPDATE);
    encoding.writeVarUint8Array(e, update);
  });
}

export function awarenessMessage(update: Uint8Array): Uint8Array {
  return framed((e) => {
    encoding.writeVarUint(e, MessageType.AWARENESS);
    encoding.writeVarUint8Array(e, update);
  });
}

export function joinChallengeMessage(challenge: Uint8Array): Uint8Array {
  return framed((e) => {
    encoding.writeVarUint(e, MessageType.JOIN);
    encoding.writeVarUint(e, JoinType.CHALLENGE);
    encoding.writeVarUint8Array(e, challenge);
  });
}

export function joinSignatureMessage(signature: Uint8Array): Uint8Array {
  return framed((e) => {
    encoding.writeVarUint(e, MessageType.JOIN);
    encoding.writeVarUint(e, JoinType.SIGNATURE);
    encoding.writeVarUint8Array(e, signature);
  });
}

export const JOINED_MESSAGE: Uint8Array = framed((e) => {
  encoding.writeVarUint(e, MessageType.JOIN);
  encoding.writeVarUint(e, JoinType.JOINED);
});

export interface AwarenessEntry {
  clientId: number;
  clock: number;
  /** The state's JSON text ("null" when the client left). */
  stateJson: string;
}

/**
 * Reads an awareness update (varuint count ‖ count × (varuint clientID ‖ varuint clock ‖ varstring
 * JSON)) completely, refusing more than `maxEntries` entries, states longer than `maxStateChars`,
 * JSON that does not parse, and trailing bytes: y-protocols would otherwise apply a prefix of it
 * and throw half-way.
 */
export function readAwarenessUpdate(b: Uint8Array, limits: { maxEntries: number; maxStateChars: number }): AwarenessEntry[] {
  const d = decoding.createDecoder(own(b));
  const out: AwarenessEntry[] = [];
  try {
    const count = decoding.readVarUint(d);
    if (count > limits.maxEntries) throw new RoomMessageError(`${count} awareness entries, at most ${limits.maxEntries}`);
    for (let i = 0; i < count; i++) {
      const clientId = decoding.readVarUint(d);
      const clock = decoding.readVarUint(d);
      const stateJson = decoding.readVarString(d);
      if (stateJson.length > limits.maxStateChars) throw new RoomMessageError(`an awareness state over ${limits.maxStateChars} characters`);
      JSON.parse(stateJson);
      out.push({ clientId, clock, stateJson });
    }
  } catch (e) {
    if (e instanceof RoomMessageError) throw e;
    throw new RoomMessageError(`malformed awareness update: ${(e as Error).message}`);
  }
  if (decoding.hasContent(d)) throw new RoomMessageError("bytes after the awareness update");
  return out;
}
