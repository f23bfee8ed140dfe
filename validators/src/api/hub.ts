// Every /stream subscriber of one server: the WebSocket handshake, parsing `from`, a heartbeat that
// drops peers that stopped answering pings, and the orderly close on shutdown. The guards that
// come before the handshake (path, rate, connection caps) are the HTTP server's.

import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { StreamCloseCode } from "./errors.js";
import { parseU64 } from "./http.js";
import type { Counter, Gauge } from "./metrics.js";
import type { ValidatorApiSource } from "./source.js";
import { type StreamLimits, StreamSession } from "./stream.js";

export interface HubOptions {
  source: ValidatorApiSource;
  limits: StreamLimits;
  pingIntervalMs: number;
  closeTimeoutMs: number;
  log(level: "info" | "warn", event: string, fields: Record<string, unknown>): void;
  metrics: { streams: Gauge; evictions: Counter };
}

export class StreamHub {
  private readonly wss: WebSocketServer;
  private readonly sessions = new Set<StreamSession>();
  /** Whether each socket answered the last ping. */
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly o: HubOptions) {
    // Clients send nothing but control frames, hence the tiny maxPayload (1009 past it).
    // closeTimeout bounds how long a closing client (one that does not read its close frame, say)
    // keeps its buffers; it is in ws 8.23 but not yet in @types/ws, hence the object outside the call.
    const wsOptions = { noServer: true, maxPayload: 1024, closeTimeout: o.closeTimeoutMs, perMessageDeflate: false };
    this.wss = new WebSocketServer(wsOptions);
    this.heartbeat = setInterval(() => this.ping(), o.pingIntervalMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Completes the handshake and starts the stream (or closes at once with 1008 on a bad `from`). */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, query: URLSearchParams, reqId: string, ip: string): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws, query, reqId, ip));
  }

  /** Closes every stream with 1001; after `closeTimeoutMs` drops the ones that did not answer. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    const closed = [...this.sessions].map((s) => new Promise<void>((resolve) => s.ws.once("close", () => resolve())));
    for (const s of this.sessions) s.close(StreamCloseCode.GOING_AWAY, "API_SHUTTING_DOWN", "server closing");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise((resolve) => (timer = setTimeout(resolve, this.o.closeTimeoutMs)))]);
    clearTimeout(timer);
    for (const s of this.sessions) s.ws.terminate();
    this.wss.close();
  }

  private open(ws: WebSocket, query: URLSearchParams, reqId: string, ip: string): void {
    ws.on("error", () => {});
    const raw = query.get("from");
    const from = raw === null ? this.tipOrZero() + 1n : parseU64(raw);
    if (from === undefined) {
      this.o.log("warn", "stream_refused", { reqId, ip, from: String(raw).slice(0, 40), code: "API_BAD_FROM" });
      ws.close(StreamCloseCode.POLICY_VIOLATION, "API_BAD_FROM: from must be a decimal u64");
      return;
    }
    this.alive.set(ws, true);
    ws.on("pong", () => this.alive.set(ws, true));
    const { metrics } = this.o;
    let session: StreamSession;
    try {
      session = this.start(ws, from, reqId, ip);
    } catch (e) {
      this.o.log("warn", "stream_failed", { reqId, ip, error: String(e) });
      ws.close(StreamCloseCode.INTERNAL_ERROR, "API_INTERNAL: could not subscribe");
      return;
    }
    this.sessions.add(session);
    metrics.streams.set(this.sessions.size);
    this.o.log("info", "stream_opened", { reqId, ip, from });
  }

  /** A session; throws only if the source's onFinalized does. */
  private start(ws: WebSocket, from: bigint, reqId: string, ip: string): StreamSession {
    const { metrics } = this.o;
    return new StreamSession(
      ws,
      this.o.source,
      from,
      this.o.limits,
      {
        log: (event, fields) => this.o.log(event === "stream_closed" ? "info" : "warn", event, { reqId, ip, ...fields }),
        closed: (s) => {
          this.sessions.delete(s);
          metrics.streams.set(this.sessions.size);
        },
        evicted: () => metrics.evictions.inc(),
      },
      reqId,
    );
  }

  private ping(): void {
    for (const s of this.sessions) {
      if (this.alive.get(s.ws) === false) {
        this.o.log("warn", "stream_dead", { reqId: s.requestId });
        s.ws.terminate();
        continue;
      }
      this.alive.set(s.ws, false);
      try {
        s.ws.ping();
      } catch {
        s.ws.terminate();
      }
    }
  }

  /** With no `from`, a stream starts after the current tip (live only). */
  private tipOrZero(): bigint {
    try {
      return this.o.source.tip();
    } catch {
      return 0n;
    }
  }
}
