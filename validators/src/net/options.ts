// TcpNetwork's options, their defaults, and the one place they are checked. A bad option is a
// configuration bug: start() throws NET_BAD_OPTIONS before binding anything.

import { equalBytes, PUBLIC_KEY_LENGTH, type Signer, toHex } from "@nullspace/core";
import { NetError } from "./errors.js";
import { MAX_PEERS } from "./handshake.js";
import type { RateLimit } from "./limits.js";

/** Where validator `index` (its position in `peers`) listens, and its ed25519 key. */
export interface PeerAddress {
  publicKey: Uint8Array;
  host: string;
  /** 1..65535 for peers this node dials (higher indices); ignored for the others. */
  port: number;
}

export interface QueueLimit {
  /** Messages held for one peer beyond what its socket has taken. */
  maxMessages: number;
  /** Bytes of those messages (at least maxMessageBytes). */
  maxBytes: number;
}

export interface Backoff {
  /** Delay before the first redial (the base of the exponential). */
  initialMs: number;
  /** Cap of the delay. */
  maxMs: number;
}

/** A structured log line. `code` is set for refusals and closes. */
export interface NetLogEntry {
  level: "debug" | "info" | "warn" | "error";
  event: string;
  self: number;
  peer?: number;
  code?: string;
  remote?: string;
  detail?: string;
}

export interface TcpNetworkOptions {
  /** Our validator index. */
  self: number;
  chainId: bigint;
  /** Our ed25519 key; must match peers[self].publicKey and sign synchronously (node:crypto, noble). */
  signer: Signer;
  /** Every validator, ourselves included, in validator-set order. */
  peers: readonly PeerAddress[];
  /** Where to listen (default peers[self].host and .port; port 0 picks a free one, see address()). */
  listen?: { host?: string; port?: number };
  /** Largest message body (default 4 MiB). */
  maxMessageBytes?: number;
  /** Inbound limit per peer (default 10,000 msg/s, burst 20,000; 64 MiB/s, burst 2 × maxMessageBytes). */
  rateLimit?: Partial<RateLimit>;
  /** Outbound queue per peer (default 4,096 messages, max(16 MiB, 2 × maxMessageBytes)). */
  queue?: Partial<QueueLimit>;
  /** Redial policy (default 50 ms doubling to 2,000 ms, with jitter). */
  backoff?: Partial<Backoff>;
  /** Time from connect to an authenticated link (default 5,000 ms). */
  handshakeTimeoutMs?: number;
  /** A PING goes out when nothing else was sent for this long (default 5,000 ms). */
  pingIntervalMs?: number;
  /** A link that received nothing for this long is closed (default 20,000 ms; > 2 × pingIntervalMs). */
  idleTimeoutMs?: number;
  /** Unauthenticated inbound connections held at once; more are closed at once (default 64). */
  maxPendingHandshakes?: number;
  /** Of those, from one remote address (default 8): one host cannot take every slot from the peers. */
  maxPendingHandshakesPerAddress?: number;
  log?: (entry: NetLogEntry) => void;
}

export interface ResolvedOptions {
  self: number;
  chainId: bigint;
  signer: Signer;
  peers: readonly PeerAddress[];
  listenHost: string;
  listenPort: number;
  maxMessageBytes: number;
  rateLimit: RateLimit;
  queue: QueueLimit;
  backoff: Backoff;
  handshakeTimeoutMs: number;
  pingIntervalMs: number;
  idleTimeoutMs: number;
  maxPendingHandshakes: number;
  maxPendingHandshakesPerAddress: number;
  log: ((entry: NetLogEntry) => void) | undefined;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
/** Keeps a sealed frame's length far inside the frame decoder's range. */
export const MAX_MESSAGE_BYTES_LIMIT = 256 * 1024 * 1024;

function bad(message: string): never {
  throw new NetError("NET_BAD_OPTIONS", message);
}

function positive(name: string, value: number, integer = true): number {
  if (!(typeof value === "number" && value > 0 && Number.isFinite(value)) || (integer && !Number.isSafeInteger(value)))
    bad(`${name} must be a positive ${integer ? "integer" : "number"}, got ${String(value)}`);
  return value;
}

function isPort(port: unknown, allowZero: boolean): boolean {
  return typeof port === "number" && Number.isInteger(port) && port >= (allowZero ? 0 : 1) && port <= 65535;
}

export function resolveOptions(o: TcpNetworkOptions): ResolvedOptions {
  if (o === null || typeof o !== "object") bad("options must be an object");
  const peers = o.peers;
  if (!Array.isArray(peers) || peers.length < 1 || peers.length > MAX_PEERS) bad(`peers must list 1..${MAX_PEERS} validators`);
  const size = peers.length;
  if (!Number.isSafeInteger(o.self) || o.self < 0 || o.self >= size) bad(`self ${String(o.self)} not in 0..${size - 1}`);
  if (typeof o.chainId !== "bigint" || o.chainId < 0n || o.chainId >= 1n << 64n) bad("chainId must be a bigint in [0, 2^64)");
  const seen = new Set<string>();
  peers.forEach((p, i) => {
    if (!(p?.publicKey instanceof Uint8Array) || p.publicKey.length !== PUBLIC_KEY_LENGTH) bad(`peers[${i}].publicKey must be 32 bytes`);
    const key = toHex(p.publicKey);
    if (seen.has(key)) bad(`peers[${i}] repeats another validator's key`);
    seen.add(key);
    if (typeof p.host !== "string" || p.host.length === 0) bad(`peers[${i}].host must be a non-empty string`);
    if (!isPort(p.port, i <= o.self)) bad(`peers[${i}].port ${String(p.port)} is not a port we can dial`);
  });
  if (!o.signer?.publicKey || !equalBytes(o.signer.publicKey, peers[o.self]!.publicKey))
    bad(`the signer's key is not peers[${o.self}].publicKey`);
  if (typeof o.signer.signSync !== "function") bad("the signer must sign synchronously (node:crypto or noble, not WebCrypto)");

  const listenHost = o.listen?.host ?? peers[o.self]!.host;
  const listenPort = o.listen?.port ?? peers[o.self]!.port;
  if (typeof listenHost !== "string" || listenHost.length === 0) bad("listen.host must be a non-empty string");
  if (!isPort(listenPort, true)) bad(`listen.port ${String(listenPort)}`);

  const maxMessageBytes = o.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  positive("maxMessageBytes", maxMessageBytes);
  if (maxMessageBytes > MAX_MESSAGE_BYTES_LIMIT) bad(`maxMessageBytes ${maxMessageBytes} > ${MAX_MESSAGE_BYTES_LIMIT}`);

  const rateLimit: RateLimit = {
    messagesPerSecond: positive("rateLimit.messagesPerSecond", o.rateLimit?.messagesPerSecond ?? 10_000, false),
    messageBurst: positive("rateLimit.messageBurst", o.rateLimit?.messageBurst ?? 20_000, false),
    bytesPerSecond: positive("rateLimit.bytesPerSecond", o.rateLimit?.bytesPerSecond ?? 64 * 1024 * 1024, false),
    byteBurst: positive("rateLimit.byteBurst", o.rateLimit?.byteBurst ?? 2 * maxMessageBytes, false),
  };
  // A message the buckets can never pay for would be dropped forever.
  if (rateLimit.messageBurst < 1) bad("rateLimit.messageBurst must be at least 1");
  if (rateLimit.byteBurst < maxMessageBytes) bad(`rateLimit.byteBurst must be at least maxMessageBytes (${maxMessageBytes})`);

  const queue: QueueLimit = {
    maxMessages: positive("queue.maxMessages", o.queue?.maxMessages ?? 4096),
    maxBytes: positive("queue.maxBytes", o.queue?.maxBytes ?? Math.max(16 * 1024 * 1024, 2 * maxMessageBytes)),
  };
  if (queue.maxBytes < maxMessageBytes) bad(`queue.maxBytes must be at least maxMessageBytes (${maxMessageBytes})`);

  const backoff: Backoff = {
    initialMs: positive("backoff.initialMs", o.backoff?.initialMs ?? 50, false),
    maxMs: positive("backoff.maxMs", o.backoff?.maxMs ?? 2000, false),
  };
  if (backoff.maxMs < backoff.initialMs) bad("backoff.maxMs must be at least backoff.initialMs");

  const pingIntervalMs = positive("pingIntervalMs", o.pingIntervalMs ?? 5000, false);
  const idleTimeoutMs = positive("idleTimeoutMs", o.idleTimeoutMs ?? 20_000, false);
  // A healthy but quiet link sends a ping at most 2 intervals apart (see connection.ts).
  if (idleTimeoutMs <= 2 * pingIntervalMs) bad("idleTimeoutMs must exceed 2 × pingIntervalMs");
  if (o.log !== undefined && typeof o.log !== "function") bad("log must be a function");

  return {
    self: o.self,
    chainId: o.chainId,
    signer: o.signer,
    // Our own copy: a caller editing its array later must not change whom we trust.
    peers: peers.map((p) => ({ publicKey: p.publicKey.slice(), host: p.host, port: p.port })),
    listenHost,
    listenPort,
    maxMessageBytes,
    rateLimit,
    queue,
    backoff,
    handshakeTimeoutMs: positive("handshakeTimeoutMs", o.handshakeTimeoutMs ?? 5000, false),
    pingIntervalMs,
    idleTimeoutMs,
    maxPendingHandshakes: positive("maxPendingHandshakes", o.maxPendingHandshakes ?? 64),
    maxPendingHandshakesPerAddress: positive("maxPendingHandshakesPerAddress", o.maxPendingHandshakesPerAddress ?? 8),
    log: o.log,
  };
}

/** The redial delay after `attempt` consecutive failures: exponential, capped, with equal jitter
 * (half fixed, half uniform) so peers that lost the same node do not redial in lockstep. */
export function backoffDelay(backoff: Backoff, attempt: number, random: number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + (ceiling / 2) * Math.min(1, Math.max(0, random));
}
