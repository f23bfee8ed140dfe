// The session that protects an authenticated link: every frame after the handshake is sealed with
// AES-256-GCM under keys from the handshake's X25519 exchange.
//
// Why seal at all: the handshake proves who was at the other end when it ran, but on plain TCP an
// on-path attacker could inject frames afterwards, and the `from` consensus receives would be a
// lie. Sealing makes every frame carry the proof. Confidentiality comes free with it.
//
// Keys: HKDF-SHA256(ikm = X25519(own, peer), salt = PEER-domain payload of the handshake context
// (chain id, indices, both ephemerals), info = KEY_INFO) → 64 bytes: dialer→acceptor key, then
// acceptor→dialer key. One key per direction, so the two counters can never collide.
// Nonce: 4 zero bytes ‖ u64 big-endian frame counter of that direction, from 0. TCP delivers in
// order, so the receiver knows the counter and nothing is sent for it; a dropped, replayed,
// reordered or injected frame breaks the tag and closes the link.
//
// Sealed frame payload = ciphertext(type u8 ‖ body) ‖ tag (16). Inner types: DATA, PING.

import {
  createCipheriv,
  createDecipheriv,
  createPublicKey,
  createSecretKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from "node:crypto";
import { SignatureKind, signingPayload } from "@nullspace/core";
import { FRAME_HEADER_BYTES, writeFrameHeader } from "./frame.js";
import { EPHEMERAL_BYTES, type Role } from "./handshake.js";

export const TAG_BYTES = 16;
/** Bytes a sealed frame adds to a message body: inner type byte and GCM tag. */
export const SEAL_OVERHEAD = 1 + TAG_BYTES;
export const InnerType = { DATA: 0, PING: 1 } as const;

const CIPHER = "aes-256-gcm";
const KEY_INFO = new TextEncoder().encode("nullspace peer link v1 aes-256-gcm");
const X25519_SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x03, 0x21, 0x00]);

export interface Ephemeral {
  readonly publicKey: Uint8Array;
  readonly privateKey: KeyObject;
}

/** A fresh X25519 key pair for one connection. */
export function createEphemeral(): Ephemeral {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  const der = publicKey.export({ format: "der", type: "spki" });
  return { publicKey: new Uint8Array(der.subarray(der.length - EPHEMERAL_BYTES)), privateKey };
}

/** The X25519 shared secret, or undefined for a peer key that gives none (small order: all zero). */
function sharedSecret(own: Ephemeral, peerPublic: Uint8Array): Uint8Array | undefined {
  if (peerPublic.length !== EPHEMERAL_BYTES) return undefined;
  try {
    const publicKey = createPublicKey({ key: Buffer.from([...X25519_SPKI_PREFIX, ...peerPublic]), format: "der", type: "spki" });
    const secret = diffieHellman({ privateKey: own.privateKey, publicKey });
    // OpenSSL already refuses an all-zero result; checking again costs nothing.
    return secret.some((b) => b !== 0) ? new Uint8Array(secret) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The session for one side of a link, or undefined when the peer's ephemeral key is unusable.
 * `context` is handshake.ts's handshakeContext; `role` is this side's.
 */
export function deriveSession(
  own: Ephemeral,
  peerPublic: Uint8Array,
  role: Role,
  chainId: bigint,
  context: Uint8Array,
): Session | undefined {
  const secret = sharedSecret(own, peerPublic);
  if (secret === undefined) return undefined;
  const salt = signingPayload(SignatureKind.PEER, chainId, context);
  const keys = new Uint8Array(hkdfSync("sha256", secret, salt, KEY_INFO, 64));
  secret.fill(0);
  const dialerToAcceptor = createSecretKey(keys.subarray(0, 32));
  const acceptorToDialer = createSecretKey(keys.subarray(32, 64));
  keys.fill(0);
  return role === "dialer" ? new Session(dialerToAcceptor, acceptorToDialer) : new Session(acceptorToDialer, dialerToAcceptor);
}

export type Opened = { ok: true; type: number; body: Uint8Array } | { ok: false; code: "NET_BAD_FRAME" | "NET_DECRYPT_FAILED" };

export class Session {
  private sendCounter = 0n;
  private receiveCounter = 0n;
  private readonly nonce = Buffer.alloc(12);

  constructor(
    private readonly sendKey: KeyObject,
    private readonly receiveKey: KeyObject,
  ) {}

  private nonceFor(counter: bigint): Buffer {
    this.nonce.writeBigUInt64BE(counter, 4);
    return this.nonce;
  }

  /** A whole frame (header included) carrying `type ‖ body`, sealed under the next send counter. */
  seal(type: number, body: Uint8Array): Uint8Array {
    const cipher = createCipheriv(CIPHER, this.sendKey, this.nonceFor(this.sendCounter++), { authTagLength: TAG_BYTES });
    const payloadLength = 1 + body.length + TAG_BYTES;
    const out = new Uint8Array(FRAME_HEADER_BYTES + payloadLength);
    writeFrameHeader(out, 0, payloadLength);
    let at = FRAME_HEADER_BYTES;
    for (const part of [cipher.update(Uint8Array.of(type)), cipher.update(body), cipher.final(), cipher.getAuthTag()]) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /** Opens the next sealed payload. The body is a fresh, exactly-sized Uint8Array. */
  open(payload: Uint8Array): Opened {
    if (payload.length < SEAL_OVERHEAD) return { ok: false, code: "NET_BAD_FRAME" };
    const decipher = createDecipheriv(CIPHER, this.receiveKey, this.nonceFor(this.receiveCounter++), { authTagLength: TAG_BYTES });
    const split = payload.length - TAG_BYTES;
    decipher.setAuthTag(payload.subarray(split));
    const plain = decipher.update(payload.subarray(0, split));
    try {
      decipher.final();
    } catch {
      return { ok: false, code: "NET_DECRYPT_FAILED" };
    }
    return { ok: true, type: plain[0]!, body: new Uint8Array(plain.subarray(1)) };
  }

  /** Consumes the next receive counter without opening a frame (one the rate limiter dropped). */
  skip(): void {
    this.receiveCounter++;
  }
}
