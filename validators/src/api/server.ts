// The validator's HTTP and WebSocket surface (docs/validator-api.md): health, readiness, metrics,
// transaction submission and the finalized-height stream that relays follow. node:http and `ws`,
// no framework. Every guard (connections, rate, body, send queue) is applied before the work it
// protects, and every handler ends in a response or a close: no input can throw out of here.

import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { answerClientErrors, type ClientErrorKind, httpTimeouts } from "@nullspace/core/node";
import { MEMPOOL_ERRORS } from "../mempool/errors.js";
import { DEFAULT_MAX_BATCH_TXS, decodeBatch } from "./batch.js";
import { ApiConfigError, ApiError, type ApiErrorCode } from "./errors.js";
import { MediaType, mediaType, parseU64, rawResponse, readBody, requestIdOf, send, sendError, sendJson } from "./http.js";
import { StreamHub } from "./hub.js";
import { ConnectionCounter, positiveNumber, RateLimiter } from "./limits.js";
import { type Counter, METRICS_CONTENT_TYPE, Registry } from "./metrics.js";
import type { SubmitResult, ValidatorApiSource } from "./source.js";
import type { StreamLimits } from "./stream.js";

export interface LogRecord {
  time: string;
  level: "info" | "warn" | "error";
  event: string;
  reqId?: string;
  [field: string]: unknown;
}

export interface ApiServerOptions {
  source: ValidatorApiSource;
  /** Port to listen on; 0 picks a free one (see `ApiServer.port`). */
  port: number;
  /** Address to bind (default 127.0.0.1: expose it on purpose, behind a firewall that admits relays). */
  host?: string;
  /** Where /metrics reads from and the API's own metrics go (default a new registry). */
  registry?: Registry;
  /** Receives one JSON-safe record per request, stream and refusal (default: dropped). */
  log?: (record: LogRecord) => void;
  /** Monotonic milliseconds, for rate limiting (default performance.now). */
  now?: () => number;
  /** Largest /submit body (default 1 MiB). */
  maxBodyBytes?: number;
  /** Transactions per batch (default 1,024). */
  maxBatchTxs?: number;
  /** Open connections, HTTP and WebSocket together (default 512). */
  maxConnections?: number;
  /** Open connections per remote address (default 32). */
  maxConnectionsPerIp?: number;
  /** Requests per remote address to /submit, /blocks and /stream (default 50/s, burst 100); false turns it off. */
  rateLimit?: { ratePerSecond: number; burst: number } | false;
  /** /readyz wants executed ≥ finalized − this (default 8). */
  maxExecutionLag?: number;
  /** Stream send-queue limits (defaults: 4 MiB high water, 10 s stall, batches of 16, 4,096 pending completions). */
  stream?: Partial<StreamLimits>;
  /** Ping every stream this often and drop one that missed the previous pong (default 30 s). */
  pingIntervalMs?: number;
  /** How long a closing stream may take before its socket is dropped (default 5 s). */
  closeTimeoutMs?: number;
  /** Whole-request deadline, headers and body (default 30 s; answered 408 API_REQUEST_TIMEOUT). */
  requestTimeoutMs?: number;
}

/** The code of each kind of unreadable HTTP (answerClientErrors). */
const CLIENT_ERROR_CODES: Readonly<Record<ClientErrorKind, ApiErrorCode>> = {
  "request-timeout": "API_REQUEST_TIMEOUT",
  "headers-too-large": "API_HEADERS_TOO_LARGE",
  "bad-request": "API_BAD_REQUEST",
};

const ROUTES: Readonly<Record<string, string>> = {
  "/healthz": "GET",
  "/readyz": "GET",
  "/metrics": "GET",
  "/submit": "POST",
  "/blocks": "GET",
  "/stream": "GET",
};

export class ApiServer {
  readonly registry: Registry;
  private readonly http: Server;
  private readonly hub: StreamHub;
  private readonly refused = new WeakSet<object>();
  private readonly connections: ConnectionCounter;
  private readonly limiter: RateLimiter | undefined;
  private readonly idPrefix = randomBytes(4).toString("hex");
  private readonly startedAt = Date.now();
  private readonly metrics: { requests: Counter; txs: Counter; refusals: Counter; clientErrors: Counter };
  private nextId = 0;
  private closing: Promise<void> | undefined;
  private boundPort = 0;

  private constructor(private readonly o: Required<Omit<ApiServerOptions, "rateLimit" | "stream" | "log">> & ApiServerOptions) {
    this.registry = o.registry;
    this.connections = new ConnectionCounter(o.maxConnections, o.maxConnectionsPerIp);
    this.limiter =
      o.rateLimit === false ? undefined : new RateLimiter({ ...(o.rateLimit ?? { ratePerSecond: 50, burst: 100 }), now: o.now });
    const s = o.stream ?? {};
    const limits: StreamLimits = {
      highWaterBytes: positiveNumber("stream.highWaterBytes", s.highWaterBytes ?? 4 * 1024 * 1024),
      stallMs: positiveNumber("stream.stallMs", s.stallMs ?? 10_000),
      batch: positiveNumber("stream.batch", s.batch ?? 16),
      maxPendingCompletions: positiveNumber("stream.maxPendingCompletions", s.maxPendingCompletions ?? 4096),
    };
    const r = this.registry;
    this.metrics = {
      requests: r.counter({
        name: "api_requests_total",
        help: "HTTP requests answered, by route and status.",
        labelNames: ["route", "status"],
      }),
      txs: r.counter({
        name: "api_submitted_transactions_total",
        help: "Submitted transactions, by mempool verdict.",
        labelNames: ["result"],
      }),
      refusals: r.counter({ name: "api_refusals_total", help: "Connections or requests refused by a limit.", labelNames: ["reason"] }),
      clientErrors: r.counter({
        name: "api_client_errors_total",
        help: "Connections whose HTTP could not be read (late, oversized headers, not HTTP), answered and closed, by code.",
        labelNames: ["code"],
      }),
    };
    this.http = createServer(httpTimeouts(Math.min(o.requestTimeoutMs, 10_000), o.requestTimeoutMs));
    this.hub = new StreamHub({
      source: o.source,
      limits,
      pingIntervalMs: o.pingIntervalMs,
      closeTimeoutMs: o.closeTimeoutMs,
      log: (level, event, fields) => this.log(level, event, fields),
      metrics: {
        streams: r.gauge({ name: "api_streams", help: "Open /stream subscribers." }),
        evictions: r.counter({ name: "api_stream_evictions_total", help: "Streams closed as slow consumers (4008)." }),
      },
    });
    // The handlers do not throw; the guards make a bug there cost one connection, not the process.
    this.http.on("connection", (socket: Socket) => this.guard(socket, () => this.admit(socket)));
    this.http.on("request", (req, res) => this.guard(req.socket, () => this.handle(req, res)));
    this.http.on("upgrade", (req, socket, head) => this.guard(socket, () => this.upgrade(req, socket, head)));
    // HTTP that cannot be read (late, oversized headers, not HTTP): a typed answer, then closed.
    this.http.on(
      "clientError",
      answerClientErrors(
        (kind, message) => {
          const e = new ApiError(CLIENT_ERROR_CODES[kind], message);
          return { code: e.code, status: e.status, body: e.toJSON() };
        },
        (code) => this.metrics.clientErrors.inc(1, { code }),
      ),
    );
  }

  static async start(options: ApiServerOptions): Promise<ApiServer> {
    const o = options;
    if (o?.source == null) throw new ApiConfigError("source", "required");
    if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new ApiConfigError("port", `must be 0..65535, got ${o.port}`);
    const lag = o.maxExecutionLag ?? 8;
    if (!Number.isSafeInteger(lag) || lag < 0) throw new ApiConfigError("maxExecutionLag", `must be an integer ≥ 0, got ${lag}`);
    const server = new ApiServer({
      ...o,
      host: o.host ?? "127.0.0.1",
      registry: o.registry ?? new Registry(),
      now: o.now ?? (() => performance.now()),
      maxBodyBytes: positiveNumber("maxBodyBytes", o.maxBodyBytes ?? 1024 * 1024),
      maxBatchTxs: positiveNumber("maxBatchTxs", o.maxBatchTxs ?? DEFAULT_MAX_BATCH_TXS),
      maxConnections: o.maxConnections ?? 512,
      maxConnectionsPerIp: o.maxConnectionsPerIp ?? 32,
      maxExecutionLag: lag,
      pingIntervalMs: positiveNumber("pingIntervalMs", o.pingIntervalMs ?? 30_000),
      closeTimeoutMs: positiveNumber("closeTimeoutMs", o.closeTimeoutMs ?? 5_000),
      requestTimeoutMs: positiveNumber("requestTimeoutMs", o.requestTimeoutMs ?? 30_000),
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.http.once("error", reject);
        server.http.listen(o.port, server.o.host, () => {
          server.http.off("error", reject);
          resolve();
        });
      });
    } catch (e) {
      await server.hub.close();
      throw e;
    }
    const address = server.http.address();
    server.boundPort = typeof address === "object" && address !== null ? address.port : o.port;
    server.log("info", "api_listening", { host: server.o.host, port: server.boundPort });
    return server;
  }

  /** The bound port (the real one when started with port 0). */
  get port(): number {
    return this.boundPort;
  }

  get host(): string {
    return this.o.host;
  }

  /** Open /stream subscribers. */
  get streams(): number {
    return this.hub.size;
  }

  /** Stops listening, closes every stream with 1001 and every connection; resolves when all are gone. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => this.http.close(() => resolve()));
      this.http.closeIdleConnections();
      await this.hub.close();
      this.http.closeAllConnections();
      await stopped;
    })();
    return this.closing;
  }

  // --- connections ---------------------------------------------------------------------------

  private admit(socket: Socket): void {
    const ip = socket.remoteAddress ?? "unknown";
    socket.on("error", () => {}); // resets and half-closed peers are normal on the internet
    if (!this.connections.open(ip)) {
      this.refused.add(socket);
      this.metrics.refusals.inc(1, { reason: "connections" });
      this.log("warn", "connection_refused", { ip, open: this.connections.count });
      const e = new ApiError(
        "API_TOO_MANY_CONNECTIONS",
        `at most ${this.connections.maxPerAddress} per address, ${this.connections.max} in all`,
      );
      socket.end(rawResponse(e));
      // Not destroyed at once: a reset could discard the 503 before the client reads it.
      setTimeout(() => socket.destroy(), this.o.closeTimeoutMs).unref();
      return;
    }
    socket.once("close", () => this.connections.close(ip));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", () => {});
    if (this.refused.has(socket)) return;
    const reqId = this.requestId(req);
    const ip = req.socket.remoteAddress ?? "unknown";
    const [path, query] = splitUrl(req.url);
    let refusal: [e: ApiError, headers?: Record<string, string>] | undefined;
    if (path !== "/stream") refusal = [new ApiError("API_NOT_FOUND", `no WebSocket at ${path}`)];
    else if (this.closing !== undefined) refusal = [new ApiError("API_SHUTTING_DOWN", "server closing")];
    else {
      const wait = this.limiter?.take(ip) ?? 0;
      if (wait > 0) {
        this.metrics.refusals.inc(1, { reason: "rate" });
        const e = new ApiError("API_RATE_LIMITED", "too many requests");
        refusal = [e, { "retry-after": retryAfter(wait) }];
      }
    }
    if (refusal !== undefined) {
      const [e, headers] = refusal;
      this.log("warn", "upgrade_refused", { reqId, ip, path, status: e.status, code: e.code });
      socket.end(rawResponse(e, { "x-request-id": reqId, ...headers }));
      return;
    }
    this.hub.accept(req, socket, head, query, reqId, ip);
  }

  // --- requests ------------------------------------------------------------------------------

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.refused.has(req.socket)) return;
    const started = this.o.now();
    const reqId = this.requestId(req);
    const ip = req.socket.remoteAddress ?? "unknown";
    const [path] = splitUrl(req.url);
    const route = path.startsWith("/blocks/") ? "/blocks" : Object.hasOwn(ROUTES, path) ? path : "other";
    req.on("error", () => {});
    res.on("error", () => {});
    res.setHeader("x-request-id", reqId);
    res.once("close", () => {
      this.metrics.requests.inc(1, { route, status: res.statusCode });
      const ms = Math.round((this.o.now() - started) * 1000) / 1000;
      this.log(res.statusCode >= 500 ? "error" : "info", "request", { reqId, ip, method: req.method, path, status: res.statusCode, ms });
    });
    this.route(req, res, path, route, ip).catch((e: unknown) => {
      const known = e instanceof ApiError;
      if (!known) this.log("error", "request_failed", { reqId, error: String(e instanceof Error ? e.stack : e) });
      // An error before the body was read leaves it on the socket: close rather than parse it as the next request.
      const headers: Record<string, string> = req.complete ? {} : { connection: "close" };
      sendError(res, known ? e : new ApiError("API_INTERNAL", "internal error"), headers);
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse, path: string, route: string, ip: string): Promise<void> {
    if (route === "other" || (route === "/blocks" && path.split("/").length !== 3)) {
      throw new ApiError("API_NOT_FOUND", `no route ${path}`);
    }
    const method = ROUTES[route]!;
    if (req.method !== method) {
      res.setHeader("allow", method);
      throw new ApiError("API_METHOD_NOT_ALLOWED", `${route} takes ${method}`);
    }
    if (route === "/healthz") return this.healthz(res);
    if (route === "/readyz") return this.readyz(res);
    if (route === "/metrics") return send(res, 200, this.registry.render(), { "content-type": METRICS_CONTENT_TYPE });
    if (route === "/stream") {
      res.setHeader("upgrade", "websocket");
      throw new ApiError("API_UPGRADE_REQUIRED", "/stream is a WebSocket");
    }
    const wait = this.limiter?.take(ip) ?? 0;
    if (wait > 0) {
      this.metrics.refusals.inc(1, { reason: "rate" });
      res.setHeader("retry-after", retryAfter(wait));
      throw new ApiError("API_RATE_LIMITED", "too many requests");
    }
    if (route === "/submit") return this.submit(req, res);
    return this.block(res, path.slice("/blocks/".length));
  }

  private healthz(res: ServerResponse): void {
    const s = this.o.source;
    const uptimeSeconds = Math.floor((Date.now() - this.startedAt) / 1000);
    sendJson(res, 200, { status: "ok", chainId: s.chainId, validatorIndex: s.validatorIndex, uptimeSeconds });
  }

  private readyz(res: ServerResponse): void {
    const n = this.o.source.validatorCount;
    const peersNeeded = n - Math.floor((n - 1) / 3) - 1;
    let h: ReturnType<ValidatorApiSource["health"]>;
    try {
      h = this.o.source.health();
    } catch (e) {
      this.log("error", "health_failed", { error: String(e) });
      const err = new ApiError("API_NOT_READY", "the validator did not report its health");
      sendJson(res, 503, { ready: false, reasons: [err.message], ...err.toJSON() });
      return;
    }
    const reasons: string[] = [];
    if (!h.ok) reasons.push("engine not ok");
    if (h.peersConnected < peersNeeded) reasons.push(`${h.peersConnected} peers connected, ${peersNeeded} needed`);
    if (h.alarm) reasons.push("execution alarm");
    const lag = h.finalized - h.executed;
    if (lag > BigInt(this.o.maxExecutionLag)) reasons.push(`executed ${h.executed} is ${lag} heights behind finalized ${h.finalized}`);
    const body = { ready: reasons.length === 0, reasons, ...h, peersNeeded };
    if (reasons.length === 0) sendJson(res, 200, body);
    else sendJson(res, 503, { ...body, ...new ApiError("API_NOT_READY", reasons.join("; ")).toJSON() });
  }

  private async submit(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const type = mediaType(req);
    const isBatch = type === MediaType.TX_BATCH;
    if (!isBatch && type !== MediaType.TX && type !== MediaType.OCTET_STREAM) {
      throw new ApiError("API_UNSUPPORTED_MEDIA", `content-type ${type || "(none)"}`);
    }
    const body = await readBody(req, this.o.maxBodyBytes);
    if (body.length === 0) throw new ApiError("API_BAD_BATCH", "empty body");
    const txs = isBatch ? decodeBatch(body, this.o.maxBatchTxs) : [body];
    const verdicts = await this.o.source.submit(txs);
    if (!Array.isArray(verdicts) || verdicts.length !== txs.length)
      throw new Error(`submit answered ${verdicts?.length} results for ${txs.length}`);
    const results = verdicts.map((r: SubmitResult) => {
      this.metrics.txs.inc(1, { result: r.ok ? "ok" : r.code });
      if (r.ok) return r;
      const known = MEMPOOL_ERRORS[r.code];
      return { ...r, retryable: known?.isRetryable ?? false, hint: known?.hint ?? "" };
    });
    sendJson(res, 200, { results });
  }

  private async block(res: ServerResponse, raw: string): Promise<void> {
    const height = parseU64(raw);
    if (height === undefined) throw new ApiError("API_BAD_HEIGHT", `not a height: ${raw.slice(0, 40)}`);
    const b = await this.o.source.bundle(height);
    if (b === undefined) throw new ApiError("API_NOT_FOUND", `no bundle at height ${height}`);
    send(res, 200, b.bytes, {
      "content-type": MediaType.BUNDLE,
      "x-nullspace-complete": b.isComplete ? "true" : "false",
      // A complete bundle never changes; an incomplete one gains σ and the progress certificate.
      "cache-control": b.isComplete ? "public, max-age=31536000, immutable" : "no-cache",
    });
  }

  // --- plumbing ------------------------------------------------------------------------------

  private guard(socket: Duplex, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.log("error", "handler_failed", { error: String(e instanceof Error ? e.stack : e) });
      socket.destroy();
    }
  }

  private requestId(req: IncomingMessage): string {
    return requestIdOf(req, () => `${this.idPrefix}-${(++this.nextId).toString(36)}`);
  }

  private log(level: LogRecord["level"], event: string, fields: Record<string, unknown>): void {
    const sink = this.o.log;
    if (sink === undefined) return;
    const record: LogRecord = { time: new Date().toISOString(), level, event };
    for (const [k, v] of Object.entries(fields)) record[k] = typeof v === "bigint" ? v.toString() : v;
    try {
      sink(record);
    } catch {
      // A broken log sink must not take the API down with it.
    }
  }
}

/** Path and query of a request target, without trusting it to be a valid URL. */
function splitUrl(url: string | undefined): [string, URLSearchParams] {
  const target = url ?? "/";
  const q = target.indexOf("?");
  // No route is longer than /blocks/ and 20 digits: cutting keeps logs and error messages short.
  const path = (q < 0 ? target : target.slice(0, q)).slice(0, 64);
  return [path, new URLSearchParams(q < 0 ? "" : target.slice(q + 1))];
}

function retryAfter(seconds: number): string {
  return String(Math.max(1, Math.ceil(seconds)));
}
