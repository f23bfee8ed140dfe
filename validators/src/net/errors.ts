// Why a peer link was refused or closed, as one stable code per reason.
//
// Codes appear in three places: thrown NetErrors (only from TcpNetwork.start: bad options, a port
// that cannot be bound), the `code` of log entries and `stats().handshakes.refused`, and, as a
// number, the REJECT message one side sends the other before closing a handshake. Never rename or
// renumber a code, only append (docs/peer-links.md lists them with their wire numbers).
//
// Caller bugs in send()/broadcast() are not NetErrors: they throw the runtime's NetworkError with
// the same codes SimNetwork uses, so consensus code sees one behaviour on both networks.

export type NetErrorCode =
  // Thrown by TcpNetwork.start.
  | "NET_BAD_OPTIONS" // an option outside its domain, or peers[self] not matching the signer
  | "NET_LISTEN_FAILED" // the listening socket could not be bound (cause attached)
  // A handshake refused (by us, or by the peer in a REJECT).
  | "NET_HANDSHAKE_MALFORMED" // a handshake message of the wrong length or unknown type
  | "NET_WRONG_VERSION" // a protocol version other than ours
  | "NET_WRONG_CHAIN" // a chain id other than ours
  | "NET_UNKNOWN_PEER" // a claimed index outside 0..size-1, or our own
  | "NET_WRONG_TARGET" // the handshake names someone other than the index we hold or dialed
  | "NET_WRONG_DIRECTION" // a higher index dialed a lower one (the lower one always dials)
  | "NET_BAD_SIGNATURE" // the handshake signature does not verify with the claimed index's key
  | "NET_KEY_EXCHANGE_FAILED" // an ephemeral X25519 key that gives no usable shared secret
  | "NET_UNEXPECTED_MESSAGE" // a well-formed message in the wrong handshake state
  | "NET_TOO_MANY_HANDSHAKES" // maxPendingHandshakes unauthenticated connections already open
  | "NET_HANDSHAKE_TIMEOUT" // no authenticated link within handshakeTimeoutMs
  | "NET_PEER_REFUSED" // the other side sent REJECT (its reason is in the log detail)
  // An established or handshaking connection closed.
  | "NET_FRAME_TOO_LARGE" // a frame header announcing more than the current limit
  | "NET_BAD_FRAME" // a sealed frame too short to hold a tag, or an unknown inner type
  | "NET_DECRYPT_FAILED" // a sealed frame whose AES-GCM tag does not verify
  | "NET_IDLE_TIMEOUT" // nothing received for idleTimeoutMs (pings included)
  | "NET_SOCKET_ERROR" // the OS reported an error (refused, reset, unreachable...)
  | "NET_CONNECTION_CLOSED" // the peer closed the connection
  | "NET_REPLACED" // a newer authenticated connection from the same peer took over
  | "NET_CLOSED" // this TcpNetwork was closed
  | "NET_INTERNAL_ERROR"; // a bug caught in an event handler; the connection is closed, not the process

export class NetError extends Error {
  override readonly name = "NetError";
  constructor(
    readonly code: NetErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}

/** Wire numbers of the codes a REJECT can carry. Stable: append only. */
export const REJECT_CODES: Readonly<Record<number, NetErrorCode>> = {
  1: "NET_HANDSHAKE_MALFORMED",
  2: "NET_WRONG_VERSION",
  3: "NET_WRONG_CHAIN",
  4: "NET_UNKNOWN_PEER",
  5: "NET_WRONG_TARGET",
  6: "NET_WRONG_DIRECTION",
  7: "NET_BAD_SIGNATURE",
  8: "NET_KEY_EXCHANGE_FAILED",
  9: "NET_UNEXPECTED_MESSAGE",
  10: "NET_TOO_MANY_HANDSHAKES",
  11: "NET_HANDSHAKE_TIMEOUT",
  12: "NET_FRAME_TOO_LARGE",
};

const REJECT_NUMBERS = new Map<NetErrorCode, number>(Object.entries(REJECT_CODES).map(([n, code]) => [code, Number(n)]));

/** The wire number for a refusal code, or undefined for codes a REJECT never carries. */
export function rejectNumber(code: NetErrorCode): number | undefined {
  return REJECT_NUMBERS.get(code);
}
