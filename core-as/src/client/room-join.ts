// The signed join of a relay's account room (docs/relay-api.md, "WebSocket /rooms"). The relay
// sends a fresh challenge on the socket; the key's owner signs it under the ROOM_JOIN domain of its
// chain, and only then may it read and write the room. The challenge binds everything a replay
// could change: a random nonce (one per connection), an expiry, the relay's host as the client
// dialed it, and the room's name. A client checks `host` and `room` before signing, so a relay
// cannot pass another relay's challenge through to it.
//
//   challenge = u8 version (1) ‖ nonce (32) ‖ u64be expiresAtMs ‖ u8 len ‖ host ‖ u8 len ‖ room
//
// host and room are printable ASCII (0x21–0x7e), 1–255 bytes. Nothing follows the room.

import { SignatureKind, signingPayload } from "../crypto/domain.js";
import { type Signer, verify } from "../crypto/ed25519.js";

export const JOIN_CHALLENGE_VERSION = 1;
export const JOIN_NONCE_LENGTH = 32;

export interface JoinChallenge {
  nonce: Uint8Array;
  expiresAtMs: bigint;
  host: string;
  room: string;
}

export class JoinChallengeError extends Error {
  override readonly name = "JoinChallengeError";
}

const U64_MAX = (1n << 64n) - 1n;
const PRINTABLE = /^[\x21-\x7e]{1,255}$/;

function checkText(what: string, s: string): void {
  if (typeof s !== "string" || !PRINTABLE.test(s)) throw new JoinChallengeError(`${what} must be 1–255 printable ASCII characters`);
}

export function encodeJoinChallenge(c: JoinChallenge): Uint8Array {
  if (!(c.nonce instanceof Uint8Array) || c.nonce.length !== JOIN_NONCE_LENGTH) throw new JoinChallengeError("nonce must be 32 bytes");
  if (typeof c.expiresAtMs !== "bigint" || c.expiresAtMs < 0n || c.expiresAtMs > U64_MAX)
    throw new JoinChallengeError("expiresAtMs must be a u64");
  checkText("host", c.host);
  checkText("room", c.room);
  const out = new Uint8Array(1 + JOIN_NONCE_LENGTH + 8 + 1 + c.host.length + 1 + c.room.length);
  out[0] = JOIN_CHALLENGE_VERSION;
  out.set(c.nonce, 1);
  const view = new DataView(out.buffer);
  view.setBigUint64(1 + JOIN_NONCE_LENGTH, c.expiresAtMs, false);
  let at = 1 + JOIN_NONCE_LENGTH + 8;
  for (const s of [c.host, c.room]) {
    out[at++] = s.length;
    for (let i = 0; i < s.length; i++) out[at++] = s.charCodeAt(i);
  }
  return out;
}

/** Reads a challenge; throws JoinChallengeError unless the bytes are exactly one canonical challenge. */
export function decodeJoinChallenge(b: Uint8Array): JoinChallenge {
  if (!(b instanceof Uint8Array)) throw new JoinChallengeError("not bytes");
  const fixed = 1 + JOIN_NONCE_LENGTH + 8;
  if (b.length < fixed + 2) throw new JoinChallengeError("truncated challenge");
  if (b[0] !== JOIN_CHALLENGE_VERSION) throw new JoinChallengeError(`unknown challenge version ${b[0]}`);
  const nonce = b.slice(1, 1 + JOIN_NONCE_LENGTH);
  const expiresAtMs = new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(1 + JOIN_NONCE_LENGTH, false);
  let at = fixed;
  const texts: string[] = [];
  for (const what of ["host", "room"]) {
    const len = b[at++];
    if (len === undefined || at + len > b.length) throw new JoinChallengeError(`truncated ${what}`);
    const s = String.fromCharCode(...b.subarray(at, at + len));
    checkText(what, s);
    texts.push(s);
    at += len;
  }
  if (at !== b.length) throw new JoinChallengeError(`${b.length - at} bytes after the room`);
  return { nonce, expiresAtMs, host: texts[0] as string, room: texts[1] as string };
}

/** The key owner's answer to a challenge: ed25519 over the ROOM_JOIN domain of `chainId`. */
export function signJoinChallenge(signer: Signer, chainId: bigint, challenge: Uint8Array): Promise<Uint8Array> {
  return signer.sign(signingPayload(SignatureKind.ROOM_JOIN, chainId, challenge));
}

/** True when `signature` is `publicKey`'s join signature of exactly these challenge bytes on `chainId`. */
export function verifyJoinSignature(publicKey: Uint8Array, chainId: bigint, challenge: Uint8Array, signature: Uint8Array): boolean {
  return verify(publicKey, signingPayload(SignatureKind.ROOM_JOIN, chainId, challenge), signature);
}
