// A WebSocket subscriber for the load generators that costs its process as little as it can: the
// relay benchmark's clients share the two cores with the servers they measure, so every
// microsecond a client spends on a frame is taken from the server under test (with `ws` clients
// the generators used ~0.7 of a core receiving 15,000 subscribers' updates). Here a socket reads
// through `net`'s `onread` into one buffer shared by every socket of the process (no stream, no
// per-read allocation), frames are parsed in place and handed over as views, pings are answered.
// It reads what a server sends a subscriber (unmasked, unfragmented binary frames, pings, close)
// and refuses anything else by closing the socket.
import { createHash, randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

/** RFC 6455 §1.3: the GUID a server appends to the client's key for Sec-WebSocket-Accept. */
const ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
/** Every socket of the process reads into this; a read is consumed before the next one starts. */
const readBuffer = Buffer.allocUnsafe(256 * 1024);
const HEADERS_END = Buffer.from("\r\n\r\n");
const MAX_HEADERS = 16 * 1024;

export interface LeanHandlers {
  onOpen(): void;
  /** A binary message's payload: a view into the shared read buffer, valid only during the call. */
  onFrame(payload: Buffer): void;
  /** The socket closed; `wasOpen`: after the handshake had succeeded. */
  onClose(wasOpen: boolean): void;
}

export interface LeanSocket {
  terminate(): void;
}

/** Opens a subscriber on `url` (ws://host:port/path). */
export function openLeanSubscriber(url: string, h: LeanHandlers): LeanSocket {
  const u = new URL(url);
  const key = randomBytes(16).toString("base64");
  const accept = createHash("sha1")
    .update(key + ACCEPT_GUID)
    .digest("base64");
  let isOpen = false;
  /** Bytes of an incomplete frame (or of the handshake's answer) carried over to the next read. */
  let pending: Buffer | undefined;

  /** What a read brought (`nread` bytes of the shared buffer); always true: keep reading. */
  const onRead = (nread: number, buf: Uint8Array): boolean => {
    if (!read(Buffer.from(buf.buffer, buf.byteOffset, nread))) socket.destroy();
    return true;
  };
  /** Consumes `bytes` after what was pending; false if they are not what a WebSocket server sends. */
  const read = (bytes: Buffer): boolean => {
    let data = bytes;
    if (pending) {
      data = Buffer.concat([pending, data]);
      pending = undefined;
    }
    let at = 0;
    if (!isOpen) {
      const end = data.indexOf(HEADERS_END);
      if (end < 0) {
        pending = Buffer.from(data);
        return data.length <= MAX_HEADERS;
      }
      if (!isAccepted(data.toString("latin1", 0, end), accept)) return false;
      isOpen = true;
      h.onOpen();
      at = end + HEADERS_END.length;
    }
    at = readFrames(data, at);
    if (at < 0) return false;
    if (at < data.length) pending = Buffer.from(data.subarray(at));
    return true;
  };

  /** Parses whole frames of `data` from `at`; returns where the first incomplete one starts, or -1 on a frame no server sends. */
  const readFrames = (data: Buffer, from: number): number => {
    let at = from;
    while (data.length - at >= 2) {
      const b0 = data[at] as number;
      const b1 = data[at + 1] as number;
      // FIN set, no extension bits, unmasked: what a server sends (fragmented messages are not).
      if ((b0 & 0xf0) !== 0x80 || b1 & 0x80) return -1;
      let length = b1 & 0x7f;
      let head = 2;
      if (length === 126) {
        if (data.length - at < 4) break;
        length = data.readUInt16BE(at + 2);
        head = 4;
      } else if (length === 127) {
        if (data.length - at < 10) break;
        length = Number(data.readBigUInt64BE(at + 2));
        head = 10;
      }
      if (data.length - at < head + length) break;
      const payload = data.subarray(at + head, at + head + length);
      at += head + length;
      const opcode = b0 & 0x0f;
      if (opcode === 0x2) h.onFrame(payload);
      else if (opcode === 0x9) socket.write(masked(0xa, payload));
      else if (opcode === 0x8) {
        socket.end(masked(0x8, payload.subarray(0, 2)));
        return data.length;
      } else if (opcode !== 0xa) return -1;
    }
    return at;
  };

  const socket: Socket = connect({
    host: u.hostname,
    port: Number(u.port),
    noDelay: true,
    onread: { buffer: readBuffer, callback: onRead },
  });
  socket.on("connect", () => {
    socket.write(
      `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
  socket.on("error", () => {});
  socket.on("close", () => h.onClose(isOpen));
  return { terminate: () => socket.destroy() };
}

/** Whether the handshake's answer (status line and headers) is a 101 with the expected Sec-WebSocket-Accept. */
function isAccepted(head: string, accept: string): boolean {
  const lines = head.split("\r\n");
  if (!/^HTTP\/1\.1 101 /.test(lines[0] ?? "")) return false;
  return lines.some((l) => {
    const colon = l.indexOf(":");
    return colon > 0 && l.slice(0, colon).trim().toLowerCase() === "sec-websocket-accept" && l.slice(colon + 1).trim() === accept;
  });
}

/** A client frame (FIN, `opcode`, masked as RFC 6455 §5.3 requires) carrying `payload` (≤ 125 bytes: control frames). */
function masked(opcode: number, payload: Uint8Array): Buffer {
  const mask = randomBytes(4);
  const out = Buffer.allocUnsafe(6 + payload.length);
  out[0] = 0x80 | opcode;
  out[1] = 0x80 | payload.length;
  mask.copy(out, 2);
  for (let i = 0; i < payload.length; i++) out[6 + i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return out;
}
