// TcpNetwork: the runtime's `Network` over authenticated, sealed TCP links (docs/peer-links.md).
//
// - One link per pair: the lower index dials, the higher accepts. If an authenticated connection
//   from a peer arrives while an older one is still up (the dialer restarted, or the old one is
//   half-open), the newer replaces it: only the key holder can authenticate, and it dials only
//   when it believes it has no link.
// - Outbound: send() copies the bytes into the peer's bounded queue (dropped and counted when full,
//   never blocking), whether or not the link is up; a microtask flushes the queue into the socket
//   until it reports backpressure, and 'drain' resumes it. So a slow or absent peer holds at most
//   queue.maxBytes of ours plus the socket's high-water mark and one message.
// - Inbound: each peer's token bucket admits or drops every sealed frame before it is decrypted;
//   messages go to the handlers in order, each handler with its own copy.
// - Dialed links that drop are redialed with capped exponential backoff and jitter; the attempt
//   count resets once a link authenticates.

import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import { type MessageHandler, type Network, NetworkError } from "../runtime/network.js";
import { Connection, type ConnectionConfig, type ConnectionEvents } from "./connection.js";
import { NetError, type NetErrorCode } from "./errors.js";
import { BoundedQueue, RateLimiter } from "./limits.js";
import { backoffDelay, type NetLogEntry, type ResolvedOptions, resolveOptions, type TcpNetworkOptions } from "./options.js";
import { type DropReason, dropReasonOf, emptyDrops, type NetStats, type PeerStats, type PeerStatus } from "./stats.js";

interface Slot {
  readonly index: number;
  readonly isDialed: boolean;
  readonly queue: BoundedQueue;
  readonly limiter: RateLimiter;
  readonly stats: PeerStats;
  /** The authenticated link. */
  link: Connection | undefined;
  /** Our dial in progress (dialed peers only). */
  dialing: Connection | undefined;
  attempt: number;
  redialTimer: ReturnType<typeof setTimeout> | undefined;
  isFlushScheduled: boolean;
  /** Inside a run of drops; logged once per run. */
  isQueueFull: boolean;
  isRateLimited: boolean;
  lastError: { code: NetErrorCode; detail: string } | undefined;
}

export class TcpNetwork implements Network {
  readonly self: number;
  readonly size: number;
  private readonly slots: Slot[];
  /** Unauthenticated inbound connections, by the remote address they came from. */
  private readonly inbound = new Map<Connection, string>();
  private readonly pendingByAddress = new Map<string, number>();
  private handlers: MessageHandler[] = [];
  private readonly totals = emptyDrops();
  private readonly handshakes: Omit<NetStats["handshakes"], "pending"> = { dialed: 0, accepted: 0, authenticated: 0, failed: {} };
  private handlerErrors = 0;
  private isClosed = false;
  private readonly config: ConnectionConfig;
  private readonly events: ConnectionEvents;

  private constructor(
    private readonly options: ResolvedOptions,
    private readonly server: Server,
  ) {
    this.self = options.self;
    this.size = options.peers.length;
    const now = performance.now();
    this.slots = options.peers.map((_, index) => ({
      index,
      isDialed: index > options.self,
      queue: new BoundedQueue(options.queue.maxMessages, options.queue.maxBytes),
      limiter: new RateLimiter(options.rateLimit, now),
      stats: {
        index,
        connected: false,
        connects: 0,
        disconnects: 0,
        messagesIn: 0,
        bytesIn: 0,
        messagesOut: 0,
        bytesOut: 0,
        drops: emptyDrops(),
      },
      link: undefined,
      dialing: undefined,
      attempt: 0,
      redialTimer: undefined,
      isFlushScheduled: false,
      isQueueFull: false,
      isRateLimited: false,
      lastError: undefined,
    }));
    this.config = {
      self: options.self,
      size: this.size,
      chainId: options.chainId,
      signer: options.signer,
      publicKeys: options.peers.map((p) => p.publicKey),
      maxMessageBytes: options.maxMessageBytes,
      handshakeTimeoutMs: options.handshakeTimeoutMs,
      pingIntervalMs: options.pingIntervalMs,
      idleTimeoutMs: options.idleTimeoutMs,
    };
    this.events = {
      authenticated: (conn) => this.onAuthenticated(conn),
      admit: (conn, frameBytes) => this.admit(conn, frameBytes),
      message: (conn, body) => this.onData(conn.peer!, body),
      drain: (conn) => {
        const slot = this.slots[conn.peer!]!;
        if (slot.link === conn) this.flush(slot);
      },
      closed: (conn, code, detail, wasOpen) => this.onClosed(conn, code, detail, wasOpen),
    };
  }

  /** Listens, then dials every higher index. Throws NET_BAD_OPTIONS or NET_LISTEN_FAILED. */
  static async start(options: TcpNetworkOptions): Promise<TcpNetwork> {
    const resolved = resolveOptions(options);
    const server = createServer({ noDelay: true });
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) =>
        reject(new NetError("NET_LISTEN_FAILED", `${resolved.listenHost}:${resolved.listenPort}: ${err.message}`, { cause: err }));
      server.once("error", onError);
      server.listen({ host: resolved.listenHost, port: resolved.listenPort }, () => {
        server.off("error", onError);
        resolve();
      });
    });
    const network = new TcpNetwork(resolved, server);
    server.on("connection", (socket) => network.onInbound(socket));
    server.on("error", (err) => network.log("error", "server-error", { detail: err.message }));
    const { port } = network.address();
    network.log("info", "listening", { detail: `${resolved.listenHost}:${port}` });
    for (const slot of network.slots) if (slot.isDialed) network.dial(slot);
    return network;
  }

  /** The address actually bound (the port is the real one when listen.port was 0). */
  address(): { host: string; port: number } {
    const a = this.server.address() as AddressInfo | null;
    return { host: a?.address ?? this.options.listenHost, port: a?.port ?? 0 };
  }

  send(to: number, bytes: Uint8Array): void {
    this.checkMessage(to, bytes);
    if (this.isClosed) this.drop(this.slots[to]!, "closed");
    else this.enqueue(this.slots[to]!, bytes.slice());
  }

  broadcast(bytes: Uint8Array): void {
    this.checkMessage(undefined, bytes);
    // One copy shared by every queue: queued bytes are never written to.
    const copy = bytes.slice();
    for (const slot of this.slots) {
      if (slot.index === this.self) continue;
      if (this.isClosed) this.drop(slot, "closed");
      else this.enqueue(slot, copy);
    }
  }

  onMessage(handler: MessageHandler): () => void {
    const list = this.handlers;
    list.push(handler);
    return () => {
      const at = list.indexOf(handler);
      if (at >= 0) list.splice(at, 1);
    };
  }

  /** Stops listening, closes every link, cancels redials. Handlers never run again; later sends are
   * dropped (counted as "closed"). */
  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    this.handlers = [];
    for (const slot of this.slots) {
      clearTimeout(slot.redialTimer);
      slot.link?.close("NET_CLOSED", "network closed");
      slot.dialing?.close("NET_CLOSED", "network closed");
    }
    for (const conn of [...this.inbound.keys()]) conn.close("NET_CLOSED", "network closed");
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.log("info", "closed", {});
  }

  peerStatus(): PeerStatus[] {
    return this.slots.map((slot) => {
      const status: PeerStatus = {
        index: slot.index,
        direction: slot.index === this.self ? "self" : slot.isDialed ? "dial" : "accept",
        connected: slot.link?.isOpen ?? false,
        queuedMessages: slot.queue.length,
        queuedBytes: slot.queue.bytes,
      };
      if (slot.link) status.remote = slot.link.remote;
      if (slot.lastError) status.lastError = { ...slot.lastError };
      return status;
    });
  }

  stats(): NetStats {
    return {
      peers: this.slots.map((s) => ({ ...s.stats, connected: s.link?.isOpen ?? false, drops: { ...s.stats.drops } })),
      drops: { ...this.totals },
      handshakes: { ...this.handshakes, pending: this.inbound.size, failed: { ...this.handshakes.failed } },
      handlerErrors: this.handlerErrors,
    };
  }

  // ---- outbound ----

  private checkMessage(to: number | undefined, bytes: Uint8Array): void {
    if (to !== undefined && (!Number.isSafeInteger(to) || to < 0 || to >= this.size))
      throw new NetworkError("NETWORK_INVALID_PEER", `peer ${to} not in 0..${this.size - 1}`);
    if (to === this.self) throw new NetworkError("NETWORK_INVALID_PEER", `node ${this.self} sending to itself`);
    if (!(bytes instanceof Uint8Array)) throw new NetworkError("NETWORK_INVALID_CONFIG", "message is not a Uint8Array");
    if (bytes.length > this.options.maxMessageBytes)
      throw new NetworkError("NETWORK_MESSAGE_TOO_LARGE", `${bytes.length} bytes > ${this.options.maxMessageBytes}`);
  }

  private enqueue(slot: Slot, bytes: Uint8Array): void {
    if (!slot.queue.push(bytes)) {
      this.drop(slot, "queueFull");
      if (!slot.isQueueFull) {
        slot.isQueueFull = true;
        this.log("warn", "queue-full", { peer: slot.index, detail: `${slot.queue.length} messages, ${slot.queue.bytes} bytes queued` });
      }
      return;
    }
    slot.isQueueFull = false;
    this.scheduleFlush(slot);
  }

  private scheduleFlush(slot: Slot): void {
    if (slot.isFlushScheduled || !slot.link?.isOpen) return;
    slot.isFlushScheduled = true;
    // A microtask: every send of the current task goes out in one corked write.
    queueMicrotask(() => {
      slot.isFlushScheduled = false;
      this.flush(slot);
    });
  }

  private flush(slot: Slot): void {
    const link = slot.link;
    if (!link?.isOpen || link.needsDrain) return;
    link.cork();
    try {
      while (slot.queue.length > 0 && link.isOpen) {
        const bytes = slot.queue.shift()!;
        slot.stats.messagesOut++;
        slot.stats.bytesOut += bytes.length;
        if (!link.writeData(bytes)) break; // resumes on 'drain'
      }
    } catch (e) {
      link.close("NET_INTERNAL_ERROR", e instanceof Error ? e.message : String(e));
    } finally {
      link.uncork();
    }
  }

  // ---- connections ----

  private dial(slot: Slot): void {
    if (this.isClosed || slot.link || slot.dialing) return;
    const { host, port } = this.options.peers[slot.index]!;
    this.handshakes.dialed++;
    let socket: Socket;
    try {
      socket = connect({ host, port });
    } catch (e) {
      slot.lastError = { code: "NET_SOCKET_ERROR", detail: e instanceof Error ? e.message : String(e) };
      this.scheduleRedial(slot);
      return;
    }
    slot.dialing = new Connection(socket, "dialer", this.config, this.events, slot.index);
  }

  private scheduleRedial(slot: Slot): void {
    if (this.isClosed || slot.redialTimer !== undefined || slot.link || slot.dialing) return;
    const delay = backoffDelay(this.options.backoff, slot.attempt++, Math.random());
    slot.redialTimer = setTimeout(() => {
      slot.redialTimer = undefined;
      this.dial(slot);
    }, delay);
  }

  private onInbound(socket: Socket): void {
    try {
      this.accept(socket);
    } catch (e) {
      socket.destroy();
      this.log("error", "accept-failed", { detail: e instanceof Error ? e.message : String(e) });
    }
  }

  private accept(socket: Socket): void {
    const address = socket.remoteAddress ?? "?";
    const fromAddress = this.pendingByAddress.get(address) ?? 0;
    if (
      this.isClosed ||
      this.inbound.size >= this.options.maxPendingHandshakes ||
      fromAddress >= this.options.maxPendingHandshakesPerAddress
    ) {
      socket.on("error", () => {});
      socket.destroy();
      this.countFailure(this.isClosed ? "NET_CLOSED" : "NET_TOO_MANY_HANDSHAKES");
      return;
    }
    this.handshakes.accepted++;
    this.pendingByAddress.set(address, fromAddress + 1);
    this.inbound.set(new Connection(socket, "acceptor", this.config, this.events), address);
  }

  /** An inbound connection is no longer pending (authenticated or closed): frees its slots. */
  private settleInbound(conn: Connection): void {
    const address = this.inbound.get(conn);
    if (address === undefined) return;
    this.inbound.delete(conn);
    const left = (this.pendingByAddress.get(address) ?? 1) - 1;
    if (left > 0) this.pendingByAddress.set(address, left);
    else this.pendingByAddress.delete(address);
  }

  private onAuthenticated(conn: Connection): void {
    this.settleInbound(conn);
    const slot = this.slots[conn.peer!]!;
    if (slot.dialing === conn) slot.dialing = undefined;
    if (this.isClosed) {
      conn.close("NET_CLOSED", "network closed");
      return;
    }
    const old = slot.link;
    slot.link = conn;
    old?.close("NET_REPLACED", "a newer authenticated connection from the same peer");
    slot.attempt = 0;
    slot.stats.connects++;
    this.handshakes.authenticated++;
    this.log("info", "connected", { peer: slot.index, remote: conn.remote });
    this.scheduleFlush(slot);
  }

  private onClosed(conn: Connection, code: NetErrorCode, detail: string, wasOpen: boolean): void {
    this.settleInbound(conn);
    const slot = conn.peer === undefined ? undefined : this.slots[conn.peer];
    if (slot?.dialing === conn) slot.dialing = undefined;
    if (slot && slot.link === conn) slot.link = undefined;
    if (wasOpen && slot) slot.stats.disconnects++;
    if (!wasOpen) this.countFailure(code);
    const reason = dropReasonOf(code);
    if (reason) this.drop(slot, reason);
    // A stranger's claim of an index must not overwrite that peer's diagnostics: only links we
    // dialed or that had authenticated report here (the rest is in handshakes.failed and the log).
    if (slot && (wasOpen || conn.role === "dialer") && code !== "NET_CLOSED" && code !== "NET_REPLACED") slot.lastError = { code, detail };
    const level = reason ? "warn" : wasOpen && code !== "NET_CLOSED" && code !== "NET_REPLACED" ? "info" : "debug";
    this.log(level, wasOpen ? "disconnected" : "handshake-failed", { peer: conn.peer, code, detail, remote: conn.remote });
    if (slot?.isDialed && conn.role === "dialer") this.scheduleRedial(slot);
  }

  private countFailure(code: NetErrorCode): void {
    this.handshakes.failed[code] = (this.handshakes.failed[code] ?? 0) + 1;
  }

  // ---- inbound ----

  private admit(conn: Connection, frameBytes: number): boolean {
    const slot = this.slots[conn.peer!]!;
    if (slot.limiter.tryTake(frameBytes, performance.now())) {
      slot.isRateLimited = false;
      return true;
    }
    this.drop(slot, "rateLimited");
    if (!slot.isRateLimited) {
      slot.isRateLimited = true;
      this.log("warn", "rate-limited", { peer: slot.index });
    }
    return false;
  }

  private onData(from: number, body: Uint8Array): void {
    const slot = this.slots[from]!;
    slot.stats.messagesIn++;
    slot.stats.bytesIn += body.length;
    if (this.handlers.length === 0) {
      this.drop(slot, "noHandler");
      return;
    }
    // Snapshot: a handler that unsubscribes (or adds one) does not change who sees this message.
    const handlers = [...this.handlers];
    handlers.forEach((handler, k) => {
      try {
        // Every handler but the last gets its own copy, so one cannot corrupt another's bytes.
        handler(from, k === handlers.length - 1 ? body : body.slice());
      } catch (e) {
        this.handlerErrors++;
        this.log("error", "handler-error", { peer: from, detail: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      }
    });
  }

  private drop(slot: Slot | undefined, reason: DropReason): void {
    this.totals[reason]++;
    if (slot) slot.stats.drops[reason]++;
  }

  private log(level: NetLogEntry["level"], event: string, fields: Omit<NetLogEntry, "level" | "event" | "self">): void {
    const log = this.options.log;
    if (!log) return;
    const entry: NetLogEntry = { level, event, self: this.self };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) (entry as unknown as Record<string, unknown>)[k] = v;
    try {
      log(entry);
    } catch {
      // A broken logger must not take the links down with it.
    }
  }
}
