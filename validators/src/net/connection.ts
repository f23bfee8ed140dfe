// One TCP connection of a peer link: its handshake state machine, sealed framing, keepalive and
// close. It knows nothing of queues, redials or other connections; TcpNetwork owns those and hears
// from it through ConnectionEvents.
//
// Every socket callback is wrapped: whatever the bytes, a failure closes this connection with a
// typed code and never throws into Node's event loop. Once closed, a connection ignores everything
// that arrives after (the rest of the current chunk included) and `closed` fires exactly once.

import type { Socket } from "node:net";
import type { Signer } from "@nullspace/core";
import { type NetErrorCode, REJECT_CODES, rejectNumber } from "./errors.js";
import { encodeFrame, FrameReader } from "./frame.js";
import {
  type Auth,
  checkHello,
  checkHelloAck,
  decodeHandshake,
  encodeHandshake,
  HANDSHAKE_MAX_FRAME_BYTES,
  type HandshakeContext,
  type HandshakeMessage,
  type Hello,
  type HelloAck,
  handshakeContext,
  PROTOCOL_VERSION,
  type Refusal,
  type Role,
  signTranscript,
  verifyTranscript,
} from "./handshake.js";
import { createEphemeral, deriveSession, type Ephemeral, InnerType, SEAL_OVERHEAD, type Session } from "./session.js";

export interface ConnectionConfig extends HandshakeContext {
  signer: Signer;
  publicKeys: readonly Uint8Array[];
  maxMessageBytes: number;
  handshakeTimeoutMs: number;
  pingIntervalMs: number;
  idleTimeoutMs: number;
}

export interface ConnectionEvents {
  /** The peer proved its index; `conn.peer` is now authenticated. */
  authenticated(conn: Connection): void;
  /** Whether to accept the next sealed frame of `frameBytes` (the rate limiter's say). */
  admit(conn: Connection, frameBytes: number): boolean;
  /** A DATA message; `body` is a fresh array nobody else holds. */
  message(conn: Connection, body: Uint8Array): void;
  /** The socket took everything written; writes may resume. */
  drain(conn: Connection): void;
  /** Fired once. `wasOpen` says whether the link had been authenticated. */
  closed(conn: Connection, code: NetErrorCode, detail: string, wasOpen: boolean): void;
}

// Dialer: connecting → awaitAck → awaitConfirm → open. Acceptor: awaitHello → awaitAuth → open.
type State = "connecting" | "awaitHello" | "awaitAck" | "awaitAuth" | "awaitConfirm" | "open" | "closed";

/** How long a refused peer gets to read our REJECT before the socket is destroyed anyway. */
const REJECT_GRACE_MS = 250;

export class Connection {
  /** Before "open": the index dialed, or the one a HELLO claimed. After: the authenticated index. */
  peer: number | undefined;
  private state: State;
  private readonly reader = new FrameReader();
  private ephemeral: Ephemeral | undefined;
  private peerEphemeral: Uint8Array | undefined;
  private context: Uint8Array | undefined;
  private session: Session | undefined;
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  private keepaliveTimer: ReturnType<typeof setInterval> | undefined;
  private lastReceivedAt = performance.now();
  private lastSentAt = performance.now();
  private remoteName: string | undefined;

  constructor(
    private readonly socket: Socket,
    readonly role: Role,
    private readonly config: ConnectionConfig,
    private readonly events: ConnectionEvents,
    dialed?: number,
  ) {
    this.peer = dialed;
    this.state = role === "dialer" ? "connecting" : "awaitHello";
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.guard(() => this.onData(chunk)));
    socket.on("drain", () => this.guard(() => this.state === "open" && this.events.drain(this)));
    socket.on("error", (err: NodeJS.ErrnoException) => this.guard(() => this.close("NET_SOCKET_ERROR", err.code ?? err.message)));
    socket.on("end", () => this.guard(() => this.close("NET_CONNECTION_CLOSED", "the peer ended the connection")));
    socket.on("close", () => this.guard(() => this.close("NET_CONNECTION_CLOSED", "socket closed")));
    if (role === "dialer") socket.on("connect", () => this.guard(() => this.onConnect()));
    else this.rememberRemote();
    this.handshakeTimer = setTimeout(
      () => this.guard(() => this.fail("NET_HANDSHAKE_TIMEOUT", `no authenticated link after ${config.handshakeTimeoutMs} ms`)),
      config.handshakeTimeoutMs,
    );
  }

  get isOpen(): boolean {
    return this.state === "open";
  }

  get isClosed(): boolean {
    return this.state === "closed";
  }

  /** Whether the socket's buffer is past its high-water mark: wait for `drain` before writing more. */
  get needsDrain(): boolean {
    return this.socket.writableNeedDrain;
  }

  get remote(): string {
    this.rememberRemote();
    return this.remoteName ?? "?";
  }

  // A destroyed socket forgets its peer's address, and the close is what we most want to log.
  private rememberRemote(): void {
    if (this.remoteName === undefined && this.socket.remoteAddress !== undefined)
      this.remoteName = `${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  /** Seals and writes one message; false when the socket wants a `drain` first (the bytes are taken). */
  writeData(body: Uint8Array): boolean {
    return this.writeSealed(InnerType.DATA, body);
  }

  /** Batches the writes until uncork() into one syscall. */
  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  /** Closes the connection; `closed` fires once, now. A REJECT goes out first only on request and
   * only during the handshake. */
  close(code: NetErrorCode, detail: string, sendReject = false): void {
    const previous = this.state;
    if (previous === "closed") return;
    const wasOpen = previous === "open";
    this.state = "closed";
    clearTimeout(this.handshakeTimer);
    clearInterval(this.keepaliveTimer);
    this.ephemeral = undefined;
    this.session = undefined;
    // Nobody to tell before the TCP connect completes, and nobody left to convince after the handshake.
    const reason = sendReject && !wasOpen && previous !== "connecting" ? rejectNumber(code) : undefined;
    if (reason !== undefined && this.socket.writable) {
      this.socket.end(encodeFrame(encodeHandshake({ type: "reject", reason })));
      const timer = setTimeout(() => this.socket.destroy(), REJECT_GRACE_MS);
      timer.unref();
      this.socket.once("close", () => clearTimeout(timer));
    } else {
      this.socket.destroy();
    }
    this.events.closed(this, code, detail, wasOpen);
  }

  /** Refuses the peer: REJECT (during the handshake) and close. */
  private fail(code: NetErrorCode, detail: string): void {
    this.close(code, detail, true);
  }

  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      this.close("NET_INTERNAL_ERROR", e instanceof Error ? `${e.name}: ${e.message}` : String(e));
    }
  }

  private send(message: HandshakeMessage): void {
    this.socket.write(encodeFrame(encodeHandshake(message)));
  }

  private onConnect(): void {
    if (this.state !== "connecting") return;
    this.rememberRemote();
    this.ephemeral = createEphemeral();
    const { self, chainId } = this.config;
    this.send({ type: "hello", version: PROTOCOL_VERSION, chainId, from: self, to: this.peer!, ephemeral: this.ephemeral.publicKey });
    this.state = "awaitAck";
  }

  private onData(chunk: Uint8Array): void {
    if (this.isClosed) return;
    this.lastReceivedAt = performance.now();
    this.reader.push(chunk);
    // Re-read the state every frame: AUTH switches the limit mid-chunk, and a handler may close us.
    while (!this.isClosed) {
      const isOpen = this.state === "open";
      const limit = isOpen ? this.config.maxMessageBytes + SEAL_OVERHEAD : HANDSHAKE_MAX_FRAME_BYTES;
      const frame = this.reader.next(limit);
      if (frame.kind === "incomplete") return;
      let refusal: Refusal;
      if (frame.kind === "oversized") refusal = { code: "NET_FRAME_TOO_LARGE", detail: `frame of ${frame.length} bytes > ${limit}` };
      else if (isOpen) refusal = this.onSealed(frame.payload);
      // Sealed frames are at least 17 bytes, a REJECT 2: the length tells them apart.
      else if (this.state === "awaitConfirm" && frame.payload.length >= SEAL_OVERHEAD) refusal = this.onConfirm(frame.payload);
      else refusal = this.onHandshake(frame.payload);
      if (refusal) this.fail(refusal.code, refusal.detail);
    }
  }

  private onSealed(payload: Uint8Array): Refusal {
    const session = this.session!;
    if (!this.events.admit(this, payload.length)) {
      session.skip();
      return undefined;
    }
    const opened = session.open(payload);
    if (!opened.ok) return { code: opened.code, detail: `sealed frame of ${payload.length} bytes` };
    if (opened.type === InnerType.DATA) this.events.message(this, opened.body);
    else if (opened.type !== InnerType.PING) return { code: "NET_BAD_FRAME", detail: `inner type ${opened.type}` };
    return undefined;
  }

  private onHandshake(payload: Uint8Array): Refusal {
    const decoded = decodeHandshake(payload);
    if (!decoded.ok) return decoded;
    const m = decoded.message;
    if (m.type === "reject") {
      this.close("NET_PEER_REFUSED", `refused by the peer: ${REJECT_CODES[m.reason] ?? `reason ${m.reason}`}`);
      return undefined;
    }
    if (this.state === "awaitHello" && m.type === "hello") return this.onHello(m);
    if (this.state === "awaitAuth" && m.type === "auth") return this.onAuth(m);
    if (this.state === "awaitAck" && m.type === "helloAck") return this.onHelloAck(m);
    return { code: "NET_UNEXPECTED_MESSAGE", detail: `${m.type} while in ${this.state}` };
  }

  /** Acceptor: check the claim, answer with our ephemeral and signature, wait for AUTH. */
  private onHello(m: Hello): Refusal {
    const refusal = checkHello(m, this.config);
    if (refusal) return refusal;
    const { self, chainId, signer } = this.config;
    this.peer = m.from;
    const ephemeral = createEphemeral();
    const context = handshakeContext({
      dialer: m.from,
      acceptor: self,
      dialerEphemeral: m.ephemeral,
      acceptorEphemeral: ephemeral.publicKey,
    });
    const signature = signTranscript(signer, "acceptor", chainId, context);
    this.send({ type: "helloAck", version: PROTOCOL_VERSION, chainId, from: self, to: m.from, ephemeral: ephemeral.publicKey, signature });
    this.ephemeral = ephemeral;
    this.peerEphemeral = m.ephemeral;
    this.context = context;
    this.state = "awaitAuth";
    return undefined;
  }

  /** Acceptor: check the dialer's proof; only then pay for the key exchange (strangers never get
   * that far), and confirm with our first sealed frame, which must precede any data. */
  private onAuth(m: Auth): Refusal {
    const { chainId, publicKeys } = this.config;
    if (!verifyTranscript(publicKeys[this.peer!]!, "dialer", chainId, this.context!, m.signature))
      return { code: "NET_BAD_SIGNATURE", detail: `not signed by validator ${this.peer}'s key` };
    this.session = deriveSession(this.ephemeral!, this.peerEphemeral!, "acceptor", chainId, this.context!);
    if (!this.session) return { code: "NET_KEY_EXCHANGE_FAILED", detail: "unusable ephemeral key" };
    this.state = "open";
    this.writeSealed(InnerType.PING, new Uint8Array(0));
    this.open();
    return undefined;
  }

  /** Dialer: check the answer and its signature, prove ourselves with AUTH, and the link is up. */
  private onHelloAck(m: HelloAck): Refusal {
    const { self, chainId, signer, publicKeys } = this.config;
    const dialed = this.peer!;
    const refusal = checkHelloAck(m, this.config, dialed);
    if (refusal) return refusal;
    const own = this.ephemeral!;
    const context = handshakeContext({ dialer: self, acceptor: dialed, dialerEphemeral: own.publicKey, acceptorEphemeral: m.ephemeral });
    if (!verifyTranscript(publicKeys[dialed]!, "acceptor", chainId, context, m.signature))
      return { code: "NET_BAD_SIGNATURE", detail: `not signed by validator ${dialed}'s key` };
    this.session = deriveSession(own, m.ephemeral, "dialer", chainId, context);
    if (!this.session) return { code: "NET_KEY_EXCHANGE_FAILED", detail: "unusable ephemeral key" };
    this.send({ type: "auth", signature: signTranscript(signer, "dialer", chainId, context) });
    // Not open yet: the acceptor may still refuse our AUTH, and its REJECT is plaintext.
    this.state = "awaitConfirm";
    return undefined;
  }

  /** Dialer: the acceptor's first sealed frame (a PING) confirms that it accepted our AUTH. */
  private onConfirm(payload: Uint8Array): Refusal {
    const opened = this.session!.open(payload);
    if (!opened.ok) return { code: opened.code, detail: `confirmation frame of ${payload.length} bytes` };
    if (opened.type !== InnerType.PING)
      return { code: "NET_UNEXPECTED_MESSAGE", detail: `inner type ${opened.type} before the confirmation` };
    this.open();
    return undefined;
  }

  private open(): void {
    this.state = "open";
    this.ephemeral = undefined;
    this.peerEphemeral = undefined;
    this.context = undefined;
    clearTimeout(this.handshakeTimer);
    const { pingIntervalMs, idleTimeoutMs } = this.config;
    this.keepaliveTimer = setInterval(() => this.guard(() => this.keepalive(pingIntervalMs, idleTimeoutMs)), pingIntervalMs);
    this.events.authenticated(this);
  }

  // Runs every pingIntervalMs, so a quiet link pings at most two intervals apart.
  private keepalive(pingIntervalMs: number, idleTimeoutMs: number): void {
    if (this.state !== "open") return;
    const now = performance.now();
    if (now - this.lastReceivedAt >= idleTimeoutMs) this.close("NET_IDLE_TIMEOUT", `nothing received for ${idleTimeoutMs} ms`);
    // A socket waiting for drain is not idle, and a ping would only queue behind the backlog.
    else if (now - this.lastSentAt >= pingIntervalMs && !this.needsDrain) this.writeSealed(InnerType.PING, new Uint8Array(0));
  }

  private writeSealed(type: number, body: Uint8Array): boolean {
    if (this.state !== "open") return false;
    this.lastSentAt = performance.now();
    return this.socket.write(this.session!.seal(type, body));
  }
}
