// The peer-link handshake: message codecs (pure, bounds-checked), the checks each side applies,
// and the transcript both sides sign. Byte layouts and the full exchange: docs/peer-links.md.
//
//   dialer   -> acceptor  HELLO      version, chain id, dialer index, acceptor index, ephemeral D
//   acceptor -> dialer    HELLO_ACK  version, chain id, acceptor index, dialer index, ephemeral A,
//                                    sig_A(PEER, chain id, 0x02 ‖ context)
//   dialer   -> acceptor  AUTH       sig_D(PEER, chain id, 0x01 ‖ context)
//   acceptor -> dialer    its first sealed frame (a PING, session.ts): AUTH accepted, link open
//   either   -> other     REJECT     reason (then close)
//
// context = version ‖ dialer u16 ‖ acceptor u16 ‖ ephemeral D ‖ ephemeral A. Each side signs a
// transcript holding the other side's fresh ephemeral key, so a signature recorded on one
// connection is worthless on the next; the role byte keeps an acceptor's signature from passing as
// a dialer's; the chain id is in the PEER domain prefix. The ephemerals are X25519 keys: the same
// exchange that authenticates the link also keys its AES-GCM session (session.ts).

import { SignatureKind, type Signer, signingPayload, verifyDomain } from "@nullspace/core";
import type { NetErrorCode } from "./errors.js";

export const PROTOCOL_VERSION = 1;
export const EPHEMERAL_BYTES = 32;
export const SIGNATURE_BYTES = 64;
/** Frame limit while the handshake runs: far above any handshake message, far below a data frame. */
export const HANDSHAKE_MAX_FRAME_BYTES = 1024;
/** Largest validator index a handshake can carry (u16). */
export const MAX_PEERS = 0x1_0000;

export const HandshakeType = { HELLO: 1, HELLO_ACK: 2, AUTH: 3, REJECT: 4 } as const;

const HELLO_BYTES = 1 + 1 + 8 + 2 + 2 + EPHEMERAL_BYTES; // 46
const HELLO_ACK_BYTES = HELLO_BYTES + SIGNATURE_BYTES; // 110
const AUTH_BYTES = 1 + SIGNATURE_BYTES; // 65
const REJECT_BYTES = 2;
const CONTEXT_BYTES = 1 + 2 + 2 + 2 * EPHEMERAL_BYTES; // 69

const ROLE_DIALER = 1;
const ROLE_ACCEPTOR = 2;

export interface Hello {
  type: "hello";
  version: number;
  chainId: bigint;
  /** The sender's index (the dialer's). */
  from: number;
  /** The index the sender believes it is talking to. */
  to: number;
  ephemeral: Uint8Array;
}

export interface HelloAck extends Omit<Hello, "type"> {
  type: "helloAck";
  signature: Uint8Array;
}

export interface Auth {
  type: "auth";
  signature: Uint8Array;
}

export interface Reject {
  type: "reject";
  /** A wire number of REJECT_CODES; unknown numbers decode too (a newer peer's reason). */
  reason: number;
}

export type HandshakeMessage = Hello | HelloAck | Auth | Reject;

export type HandshakeDecode = { ok: true; message: HandshakeMessage } | { ok: false; code: NetErrorCode; detail: string };

function isIndex(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0 && n < MAX_PEERS;
}

function checkBytes(name: string, b: Uint8Array, length: number): void {
  if (!(b instanceof Uint8Array) || b.length !== length) throw new RangeError(`${name} must be ${length} bytes`);
}

function writeHelloFields(out: DataView, bytes: Uint8Array, m: Omit<Hello, "type">): void {
  if (!Number.isInteger(m.version) || m.version < 0 || m.version > 255) throw new RangeError(`version ${m.version}`);
  if (!isIndex(m.from) || !isIndex(m.to)) throw new RangeError(`index ${m.from} or ${m.to} not a u16`);
  checkBytes("ephemeral", m.ephemeral, EPHEMERAL_BYTES);
  out.setUint8(1, m.version);
  out.setBigUint64(2, m.chainId, false); // throws RangeError outside u64
  out.setUint16(10, m.from, false);
  out.setUint16(12, m.to, false);
  bytes.set(m.ephemeral, 14);
}

/** The message's bytes (a frame payload). Throws RangeError on fields outside their wire range. */
export function encodeHandshake(m: HandshakeMessage): Uint8Array {
  switch (m.type) {
    case "hello":
    case "helloAck": {
      const out = new Uint8Array(m.type === "hello" ? HELLO_BYTES : HELLO_ACK_BYTES);
      const view = new DataView(out.buffer);
      out[0] = m.type === "hello" ? HandshakeType.HELLO : HandshakeType.HELLO_ACK;
      writeHelloFields(view, out, m);
      if (m.type === "helloAck") {
        checkBytes("signature", m.signature, SIGNATURE_BYTES);
        out.set(m.signature, HELLO_BYTES);
      }
      return out;
    }
    case "auth": {
      checkBytes("signature", m.signature, SIGNATURE_BYTES);
      const out = new Uint8Array(AUTH_BYTES);
      out[0] = HandshakeType.AUTH;
      out.set(m.signature, 1);
      return out;
    }
    case "reject": {
      if (!Number.isInteger(m.reason) || m.reason < 0 || m.reason > 255) throw new RangeError(`reason ${m.reason}`);
      return Uint8Array.of(HandshakeType.REJECT, m.reason);
    }
  }
}

function malformed(detail: string): HandshakeDecode {
  return { ok: false, code: "NET_HANDSHAKE_MALFORMED", detail };
}

/**
 * Decodes one handshake message. Pure, never throws; the fields it returns are copies. A HELLO or
 * HELLO_ACK with another version is NET_WRONG_VERSION whatever its length, since a future version
 * may lay the rest out differently.
 */
export function decodeHandshake(bytes: Uint8Array): HandshakeDecode {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) return malformed("empty message");
  const type = bytes[0]!;
  switch (type) {
    case HandshakeType.HELLO:
    case HandshakeType.HELLO_ACK: {
      if (bytes.length < 2) return malformed("no version byte");
      if (bytes[1] !== PROTOCOL_VERSION) return { ok: false, code: "NET_WRONG_VERSION", detail: `version ${bytes[1]}` };
      const expected = type === HandshakeType.HELLO ? HELLO_BYTES : HELLO_ACK_BYTES;
      if (bytes.length !== expected) return malformed(`type ${type}: ${bytes.length} bytes, expected ${expected}`);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      const fields = {
        version: bytes[1]!,
        chainId: view.getBigUint64(2, false),
        from: view.getUint16(10, false),
        to: view.getUint16(12, false),
        ephemeral: bytes.slice(14, 14 + EPHEMERAL_BYTES),
      };
      if (type === HandshakeType.HELLO) return { ok: true, message: { type: "hello", ...fields } };
      return { ok: true, message: { type: "helloAck", ...fields, signature: bytes.slice(HELLO_BYTES, HELLO_ACK_BYTES) } };
    }
    case HandshakeType.AUTH:
      if (bytes.length !== AUTH_BYTES) return malformed(`auth: ${bytes.length} bytes, expected ${AUTH_BYTES}`);
      return { ok: true, message: { type: "auth", signature: bytes.slice(1) } };
    case HandshakeType.REJECT:
      if (bytes.length !== REJECT_BYTES) return malformed(`reject: ${bytes.length} bytes, expected ${REJECT_BYTES}`);
      return { ok: true, message: { type: "reject", reason: bytes[1]! } };
    default:
      return malformed(`unknown handshake type ${type}`);
  }
}

/** What one side knows about itself when it checks the other's HELLO or HELLO_ACK. */
export interface HandshakeContext {
  self: number;
  size: number;
  chainId: bigint;
}

export type Refusal = { code: NetErrorCode; detail: string } | undefined;

/** The acceptor's checks of a HELLO: our chain, addressed to us, from a known lower index. */
export function checkHello(hello: Hello, ctx: HandshakeContext): Refusal {
  if (hello.chainId !== ctx.chainId) return { code: "NET_WRONG_CHAIN", detail: `chain ${hello.chainId}, ours ${ctx.chainId}` };
  if (hello.to !== ctx.self) return { code: "NET_WRONG_TARGET", detail: `addressed to ${hello.to}, we are ${ctx.self}` };
  if (hello.from >= ctx.size || hello.from === ctx.self)
    return { code: "NET_UNKNOWN_PEER", detail: `index ${hello.from} (size ${ctx.size}, self ${ctx.self})` };
  if (hello.from > ctx.self) return { code: "NET_WRONG_DIRECTION", detail: `index ${hello.from} dialed lower index ${ctx.self}` };
  return undefined;
}

/** The dialer's checks of a HELLO_ACK (its signature is checked separately, with verifyTranscript). */
export function checkHelloAck(ack: HelloAck, ctx: HandshakeContext, dialed: number): Refusal {
  if (ack.chainId !== ctx.chainId) return { code: "NET_WRONG_CHAIN", detail: `chain ${ack.chainId}, ours ${ctx.chainId}` };
  if (ack.from !== dialed || ack.to !== ctx.self)
    return { code: "NET_WRONG_TARGET", detail: `answer from ${ack.from} to ${ack.to}; we are ${ctx.self} and dialed ${dialed}` };
  return undefined;
}

export interface TranscriptFields {
  dialer: number;
  acceptor: number;
  dialerEphemeral: Uint8Array;
  acceptorEphemeral: Uint8Array;
}

/** version ‖ dialer u16 ‖ acceptor u16 ‖ ephemeral D ‖ ephemeral A: what both sides agree on. */
export function handshakeContext(t: TranscriptFields): Uint8Array {
  if (!isIndex(t.dialer) || !isIndex(t.acceptor)) throw new RangeError(`index ${t.dialer} or ${t.acceptor} not a u16`);
  checkBytes("dialerEphemeral", t.dialerEphemeral, EPHEMERAL_BYTES);
  checkBytes("acceptorEphemeral", t.acceptorEphemeral, EPHEMERAL_BYTES);
  const out = new Uint8Array(CONTEXT_BYTES);
  out[0] = PROTOCOL_VERSION;
  out[1] = t.dialer >>> 8;
  out[2] = t.dialer & 0xff;
  out[3] = t.acceptor >>> 8;
  out[4] = t.acceptor & 0xff;
  out.set(t.dialerEphemeral, 5);
  out.set(t.acceptorEphemeral, 5 + EPHEMERAL_BYTES);
  return out;
}

export type Role = "dialer" | "acceptor";

function transcript(role: Role, context: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + context.length);
  out[0] = role === "dialer" ? ROLE_DIALER : ROLE_ACCEPTOR;
  out.set(context, 1);
  return out;
}

/** `role`'s signature over the PEER-domain transcript. The signer must sign synchronously. */
export function signTranscript(signer: Signer, role: Role, chainId: bigint, context: Uint8Array): Uint8Array {
  if (!signer.signSync) throw new TypeError("peer links need a signer with signSync (node:crypto or noble)");
  return signer.signSync(signingPayload(SignatureKind.PEER, chainId, transcript(role, context)));
}

/** Whether `signature` is `role`'s signature, by `publicKey`, over this connection's transcript. */
export function verifyTranscript(publicKey: Uint8Array, role: Role, chainId: bigint, context: Uint8Array, signature: Uint8Array): boolean {
  return verifyDomain(publicKey, SignatureKind.PEER, chainId, transcript(role, context), signature);
}
