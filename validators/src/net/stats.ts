// What TcpNetwork counts, for metrics and tests: per-peer traffic and drops, handshake outcomes.

import type { NetErrorCode } from "./errors.js";

/** Counters in NetStats.drops. Message drops: rateLimited, queueFull, closed, noHandler. The others count
 * connections closed for that reason (each one also loses whatever was in flight on it). */
export interface DropCounts {
  /** Inbound messages over the sender's token bucket. */
  rateLimited: number;
  /** Outbound messages refused because the peer's queue was full. */
  queueFull: number;
  /** Messages sent after close(). */
  closed: number;
  /** Messages that arrived while no handler was registered (as SimNetwork's noHandler). */
  noHandler: number;
  /** Connections closed for announcing a frame over the limit. */
  oversized: number;
  /** Connections closed for a malformed frame or message. */
  badFrame: number;
  /** Handshakes refused (by us or by the peer), including timeouts. */
  authFailed: number;
}

export type DropReason = keyof DropCounts;

export function emptyDrops(): DropCounts {
  return { rateLimited: 0, queueFull: 0, closed: 0, noHandler: 0, oversized: 0, badFrame: 0, authFailed: 0 };
}

/** Which drop counter a connection closed with `code` feeds, if any. */
export function dropReasonOf(code: NetErrorCode): DropReason | undefined {
  switch (code) {
    case "NET_FRAME_TOO_LARGE":
      return "oversized";
    case "NET_HANDSHAKE_MALFORMED":
    case "NET_BAD_FRAME":
    case "NET_DECRYPT_FAILED":
    case "NET_UNEXPECTED_MESSAGE":
      return "badFrame";
    case "NET_WRONG_VERSION":
    case "NET_WRONG_CHAIN":
    case "NET_UNKNOWN_PEER":
    case "NET_WRONG_TARGET":
    case "NET_WRONG_DIRECTION":
    case "NET_BAD_SIGNATURE":
    case "NET_KEY_EXCHANGE_FAILED":
    case "NET_HANDSHAKE_TIMEOUT":
    case "NET_PEER_REFUSED":
      return "authFailed";
    default:
      return undefined;
  }
}

export interface PeerStats {
  index: number;
  connected: boolean;
  /** Links authenticated / authenticated links lost (a replaced link counts as lost). */
  connects: number;
  disconnects: number;
  messagesIn: number;
  bytesIn: number;
  /** Messages handed to the socket (not necessarily delivered). */
  messagesOut: number;
  bytesOut: number;
  /** Handshake failures count against the index the connection dialed or claimed. */
  drops: DropCounts;
}

export interface PeerStatus {
  index: number;
  /** "dial" when we open the link, "accept" when the peer does. */
  direction: "dial" | "accept" | "self";
  connected: boolean;
  remote?: string;
  queuedMessages: number;
  queuedBytes: number;
  /** Why the last link with this peer, or our last dial of it, failed or closed. */
  lastError?: { code: NetErrorCode; detail: string };
}

export interface NetStats {
  peers: PeerStats[];
  /** Everything, including connections that never named a valid peer. */
  drops: DropCounts;
  handshakes: {
    dialed: number;
    accepted: number;
    authenticated: number;
    /** Inbound connections still handshaking now. */
    pending: number;
    /** Connections that closed before authenticating, by code. */
    failed: Partial<Record<NetErrorCode, number>>;
  };
  /** Exceptions thrown by message handlers (caught and logged). */
  handlerErrors: number;
}
