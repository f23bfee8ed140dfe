// The relay's HTTP and WebSocket surface (docs/relay-api.md) on fastify: submission, history for
// replay, certified state lookups, explorer reads, probes, metrics, and /updates. Every refusal is
// a RelayError rendered as `{error: {code, message, hint}}`; nothing a client sends can throw out.
import { Ed25519Thread, httpTimeouts, TurnGate } from "@nullspace/core/node";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { chainKey } from "../bus/message.js";
import type { RoomBus } from "../bus/redis-bus.js";
import { RelayError } from "../errors.js";
import type { LogFn, RelayCore } from "../relay.js";
import type { Rooms } from "../rooms/rooms.js";
import { StoreUnavailable } from "../store/db.js";
import { capConnectionsPerAddress } from "./address-cap.js";
import { relayClientErrors } from "./client-errors.js";
import { registerExplorer } from "./explorer.js";
import { Forwarder } from "./forward.js";
import { METRICS_CONTENT_TYPE } from "./metrics.js";
import { originCheck } from "./origin.js";
import { jsonSafe, parseHex, parseU64 } from "./params.js";
import { ProcessMetrics } from "./process-metrics.js";
import { parseQuery, queryOf } from "./query.js";
import { RateLimiter } from "./rate-limit.js";
import { ReadGate, type ReadGateOptions } from "./read-gate.js";
import { bundleJson, cutToBytes, logAnswerJson } from "./recent-bundles.js";
import { requestIdOf } from "./request-id.js";
import { attachRooms, type RoomsGuard } from "./rooms-upgrade.js";
import { limiterRedis as limiterRedisOf, SharedRateLimiter } from "./shared-rate-limit.js";
import { precheck, type SubmitDeps, takeAddressToken } from "./submit.js";
import { attachUpdates } from "./updates-upgrade.js";
import { UpgradeRouter } from "./upgrade.js";

export interface ApiOptions extends Partial<Omit<RoomsGuard, "pingIntervalMs">> {
  relay: RelayCore;
  validators: readonly string[];
  log: LogFn;
  host?: string;
  port?: number;
  /** /submit body limit (default 4,096: the largest transaction). */
  maxTxBytes?: number;
  /** Most heights one /log answer holds (default 256). */
  maxLogHeights?: number;
  /** /readyz: ready when within this many heights of the validators' tip (default 8). */
  maxLag?: number;
  /** Per remote address over /submit: tokens a second and burst (default 20/s, 40). */
  ipRate?: { rate: number; burst: number };
  /** Per account over /submit (default 5/s, burst 20). */
  accountRate?: { rate: number; burst: number };
  /** Browser origins allowed (HTTP and WebSocket); requests without an Origin header always pass. Default: any. */
  allowedOrigins?: readonly string[];
  /** Open /updates sockets in all (default 20,000); open WebSockets of one remote address, /updates and /rooms together (default 64). */
  maxSubscribers?: number;
  maxSubscribersPerIp?: number;
  /** /updates and /rooms heartbeat: ping this often, drop a subscriber that missed the previous pong (default 30 s). */
  pingIntervalMs?: number;
  /** Most bytes of bundles in one /log answer (default 8 MiB; at least one bundle is always sent). */
  maxLogBytes?: number;
  /** The relays' bus, through which Yjs rooms share changes with the other relays (absent: rooms are this relay's only). */
  roomBus?: RoomBus;
  /** Redis shared by the relays behind one load balancer: /submit's rate limits are then global, not per relay. */
  limiterRedisUrl?: string;
  /**
   * Connections the kernel holds for the relay to accept (default 4,096; Linux caps it at
   * net.core.somaxconn). Node's 511 overflowed when thousands reconnected at once: the kernel
   * dropped their handshakes and they retried after 1, 3, 7 s or failed (decision 016).
   */
  listenBacklog?: number;
  /**
   * Open connections of every kind together (HTTP, /updates, /rooms; default 40,000: room for
   * maxSubscribers and maxRoomSockets and 10,000 more). Past it a new connection is closed at once.
   */
  maxConnections?: number;
  /**
   * Open connections of one remote address, every kind together (default 256: its 64 WebSockets
   * and room for keep-alive HTTP). Past it a new one is closed at once (address-cap.ts). Behind a
   * load balancer every connection comes from its address: raise this there.
   */
  maxConnectionsPerIp?: number;
  /**
   * Submissions inside the relay at once, from their checks to the validators' verdict (default
   * 4,096, as a validator's own admission bound). Past it /submit answers RELAY_BUSY at once, before
   * any check: a relay whose validators fall behind queues no more than this.
   */
  maxPendingSubmits?: number;
  /** Submissions checked in one event-loop turn at most (default 16); the rest wait for the next. */
  submitChecksPerTurn?: number;
  /**
   * Time a new request has to send its headers (default 10,000 ms; a WebSocket upgrade's too) and
   * all of it (requestTimeoutMs, default 30,000). Past either the relay answers 408
   * RELAY_REQUEST_TIMEOUT and closes (client-errors.ts): a connection that sends nothing, or
   * trickles its headers, holds a slot of maxConnections that long at most (Node's own: 60 s, and
   * none for the whole request under fastify).
   */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * Explorer and /log reads of the store at once (default 4) and waiting (default 512; past it
   * RELAY_READS_BUSY): a height waits behind this many reads at most to be stored (read-gate.ts).
   */
  storeReads?: ReadGateOptions;
}

/** The longest path parameter any route takes: a 64-byte state key in hex (fastify's default is 100). */
const MAX_PARAM_CHARS = 128;
/**
 * /readyz: the tip probe asks every second; a tip older than this is not one to say "synced" by (a
 * hung validator, or this process paused: it answered ready from a 25-s-old tip on resuming).
 */
const TIP_STALE_MS = 5000;
const TX_TYPES = ["application/vnd.nullspace.tx", "application/octet-stream"];

/** The listening API and, for tests, its open Yjs rooms and its routes. */
export interface Api {
  app: FastifyInstance;
  rooms: Rooms;
  /**
   * What it serves, as docs/relay-openapi.yaml must describe it (test/api-docs.test.ts): the HTTP
   * routes (method and fastify URL pattern) and the WebSocket upgrade paths (a prefix ends in "/").
   */
  routes: { http: readonly { method: string; url: string }[]; upgrade: readonly string[] };
  server: FastifyInstance["server"];
  /** The turns of explorer and /log reads of the store (tests hold them to see a refusal). */
  reads: ReadGate;
  close(): Promise<void>;
}

export async function buildApi(o: ApiOptions): Promise<Api> {
  const relay = o.relay;
  const reads = new ReadGate(o.storeReads);
  const headersMs = o.headersTimeoutMs ?? 10_000;
  const { requestTimeout, ...http } = httpTimeouts(headersMs, Math.max(headersMs, o.requestTimeoutMs ?? 30_000));
  const app = Fastify({
    logger: false,
    bodyLimit: o.maxTxBytes ?? 4096,
    requestTimeout, // fastify sets it on the server itself (its default: none)
    http,
    clientErrorHandler: relayClientErrors((code) => relay.metrics.clientErrors.inc({ code })),
    genReqId: (req) => requestIdOf(req.headers),
    routerOptions: { maxParamLength: MAX_PARAM_CHARS, querystringParser: parseQuery },
    // The router's own refusals (a path that is not valid percent-encoding, a parameter longer
    // than maxParamLength) would answer in fastify's shape, the latter as 414: ours instead.
    frameworkErrors: (err, req, reply) => {
      const e = new RelayError(
        "RELAY_BAD_REQUEST",
        err.code === "FST_ERR_MAX_PARAM_LENGTH"
          ? `a path parameter is over ${MAX_PARAM_CHARS} characters`
          : "the path is not valid percent-encoding",
      );
      (reply as FastifyReply).header("x-request-id", req.id).code(e.status).send(e.body());
    },
  });
  const httpRoutes: { method: string; url: string }[] = [];
  app.addHook("onRoute", (r) => {
    for (const method of [r.method].flat()) httpRoutes.push({ method, url: r.url });
  });
  const processMetrics = new ProcessMetrics(relay.metrics);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(TX_TYPES, { parseAs: "buffer" }, (_req, body, done) => done(null, body));

  const isAllowed = originCheck(o.allowedOrigins);
  app.addHook("onRequest", async (req, reply) => {
    reply.header("x-request-id", req.id);
    const origin = req.headers.origin;
    if (origin === undefined) return;
    if (!isAllowed(origin)) throw new RelayError("RELAY_ORIGIN_NOT_ALLOWED", `origin ${origin.slice(0, 100)} is not allowed`);
    reply.header("access-control-allow-origin", o.allowedOrigins ? origin : "*");
    reply.header("vary", "origin");
  });
  // CORS preflight (a browser asks before POSTing a binary Content-Type).
  app.options("*", async (_req, reply) => {
    reply.header("access-control-allow-methods", "GET, POST");
    reply.header("access-control-allow-headers", "content-type, x-request-id");
    reply.header("access-control-max-age", "600");
    reply.code(204).send();
  });
  app.addHook("onResponse", async (req, reply) => {
    const route = req.routeOptions.url ?? "unmatched";
    relay.metrics.requests.inc({ route, status: String(reply.statusCode) });
    // Refusals and failures only: an accepted submission is counted (relay_submitted_total) and
    // its transaction is on the chain; a line each cost ~10% of a busy relay's thread (benchmarks.md).
    if (reply.statusCode >= 400)
      o.log("info", "request", {
        reqId: req.id,
        method: req.method,
        path: route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      });
  });
  app.setNotFoundHandler((req, reply) => {
    const e = new RelayError("RELAY_NOT_FOUND", `no route ${req.method} ${req.url.split("?")[0]}`);
    reply.code(e.status).send(e.body());
  });
  /** The relay's error for whatever a route, a hook or fastify's body parsing threw. */
  const relayErrorOf = (err: Error & { code?: string; statusCode?: number }, req: FastifyRequest): RelayError => {
    if (err instanceof RelayError) return err;
    if (err instanceof StoreUnavailable)
      return new RelayError("RELAY_STORE_UNAVAILABLE", "the relay's database cannot answer now", { retryAfter: 1 });
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE")
      return new RelayError("RELAY_BODY_TOO_LARGE", `the body is over ${o.maxTxBytes ?? 4096} bytes`);
    if (err.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE" || err.code === "FST_ERR_CTP_INVALID_CONTENT_LENGTH")
      return new RelayError("RELAY_UNSUPPORTED_MEDIA", `unsupported Content-Type ${String(req.headers["content-type"])}`);
    if (err.statusCode && err.statusCode < 500) return new RelayError("RELAY_BAD_REQUEST", err.message);
    return new RelayError("RELAY_INTERNAL", "the relay failed to answer");
  };
  app.setErrorHandler((err: Error & { code?: string; statusCode?: number }, req, reply) => {
    const e = relayErrorOf(err, req);
    if (e.code === "RELAY_INTERNAL") o.log("error", "request_failed", { reqId: req.id, message: err.message, stack: err.stack });
    if (e.extra.retryAfter !== undefined) reply.header("retry-after", String(e.extra.retryAfter));
    if (e.code === "RELAY_BODY_TOO_LARGE") reply.header("connection", "close");
    reply.code(e.status).send(e.body());
  });

  const ipRate = o.ipRate ?? { rate: 20, burst: 40 };
  const accountRate = o.accountRate ?? { rate: 5, burst: 20 };
  const limiterRedis = o.limiterRedisUrl ? limiterRedisOf(o.limiterRedisUrl, (event, fields) => o.log("warn", event, fields)) : undefined;
  const limitsKey = `nullspace:${chainKey(relay.chain.trust.chainId, relay.chain.trust.genesisDigest)}:rl:`;
  const fallback = () => relay.metrics.rateLimitFallbacks.inc();
  const submitDeps: SubmitDeps = {
    core: () => relay.certifiedChain().core,
    chainId: relay.chain.trust.chainId,
    perIp: limiterRedis ? new SharedRateLimiter(limiterRedis, `${limitsKey}ip:`, ipRate, fallback) : new RateLimiter(ipRate),
    perAccount: limiterRedis
      ? new SharedRateLimiter(limiterRedis, `${limitsKey}acct:`, accountRate, fallback)
      : new RateLimiter(accountRate),
    nonceWindow: 64,
    signatures: new Ed25519Thread(),
  };
  void submitDeps.signatures.warm();
  app.addHook("onClose", async () => submitDeps.signatures.close());
  const forwarder = new Forwarder({
    validators: o.validators,
    timeoutMs: 5000,
    onBatch: (_validator, txs) => {
      relay.metrics.forwardBatches.inc();
      relay.metrics.forwardTxs.inc({}, txs);
    },
  });
  app.addHook("onClose", async () => forwarder.close());
  const maxPendingSubmits = o.maxPendingSubmits ?? 4096;
  let pendingSubmits = 0;
  // The checks of at most 16 submissions a turn: a burst read in one turn is checked over several,
  // and the loop accepts connections and reads requests between them (decision 022).
  const submitTurns = new TurnGate(o.submitChecksPerTurn ?? 16);
  const busy = () => new RelayError("RELAY_BUSY", `${maxPendingSubmits} submissions are waiting for the validators`, { retryAfter: 1 });
  const submitOptions = {
    // The room and the address's bucket before the body is read, so an oversized or mistyped body
    // (413, 415, refused by the parser) spends the address's tokens as any other submission does.
    preParsing: async (req: FastifyRequest) => {
      if (pendingSubmits >= maxPendingSubmits) throw busy();
      await takeAddressToken(submitDeps, req.ip);
    },
    // Every refusal, wherever it is thrown (a hook, the body parser, the handler), counted once.
    onError: async (req: FastifyRequest, _reply: FastifyReply, err: Error) => {
      relay.metrics.submitted.inc({ result: relayErrorOf(err, req).code });
    },
  };
  app.post("/submit", submitOptions, async (req) => {
    const body = req.body;
    if (!(body instanceof Uint8Array) || body.length === 0) throw new RelayError("RELAY_MALFORMED_TX", "an empty body");
    const tx = new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    if (pendingSubmits >= maxPendingSubmits) throw busy(); // filled while this body was read
    pendingSubmits++;
    relay.metrics.submitsPending.set(pendingSubmits);
    try {
      await submitTurns.enter();
      const { hash } = await precheck(submitDeps, relay.chain.core.codec, tx);
      const v = await forwarder.forward(tx);
      if (!v.ok)
        throw new RelayError("RELAY_REJECTED", `the validators refused it: ${v.code}`, { reason: v.code, retryable: v.retryable ?? false });
      relay.metrics.submitted.inc({ result: "ok" });
      return { ok: true, hash: v.hash ?? hash };
    } finally {
      pendingSubmits--;
      relay.metrics.submitsPending.set(pendingSubmits);
    }
  });

  app.get("/log", async (req, reply) => {
    const q = queryOf(req);
    const from = parseU64(q.from, "RELAY_BAD_RANGE", "from");
    const max = BigInt(o.maxLogHeights ?? 256);
    const to = q.to === undefined ? from + max - 1n : parseU64(q.to, "RELAY_BAD_RANGE", "to");
    if (from < 1n || to < from || to - from >= max)
      throw new RelayError("RELAY_BAD_RANGE", `from ${from} to ${to}: at most ${max} heights from 1 on`);
    const tip = relay.height;
    const end = to < tip ? to : tip;
    const maxBytes = o.maxLogBytes ?? 8 * 1024 * 1024;
    // Recent heights from memory (api/recent-bundles.ts), older ones from the store: one writer for both.
    reply.type("application/json; charset=utf-8");
    const recent = relay.recent.range(from, end, maxBytes);
    if (recent) {
      relay.metrics.logAnswers.inc({ source: "memory" });
      return logAnswerJson(from, recent.to, tip, recent.json);
    }
    relay.metrics.logAnswers.inc({ source: "store" });
    const stored = await reads.run(() => relay.store.bundles(from, end, Number(max)));
    const rows = cutToBytes(stored, (r) => r.bundle.length, maxBytes);
    return logAnswerJson(
      from,
      rows.at(-1)?.height ?? from - 1n,
      tip,
      rows.map((r) => bundleJson(r.bundle)),
    );
  });

  app.get("/state/:key", async (req) => {
    const key = parseHex((req.params as { key: string }).key, { max: 64 }, "key");
    // Synchronous from here: the state, its proof and the certificate are of one height.
    const chain = relay.certifiedChain();
    const latest = chain.latest;
    if (!latest) throw new RelayError("RELAY_NOT_READY", "no height verified yet");
    const { value, proof } = chain.stateAt(key);
    return jsonSafe({
      key,
      value,
      proof,
      height: latest.height,
      stateRoot: latest.progress.stateRoot,
      progressCertificate: latest.progressCertificate,
    });
  });

  app.get("/healthz", async () => ({ status: "ok", chainId: relay.chain.trust.chainId.toString(), height: relay.height.toString() }));
  app.get("/readyz", async (_req, reply) => {
    const lag = relay.validatorTip > relay.height ? relay.validatorTip - relay.height : 0n;
    const reasons: string[] = [];
    if (relay.validatorTip === 0n) reasons.push("no validator has announced a height yet");
    else if (!relay.tipProbe.hasAnswered)
      reasons.push("no validator has yet said how far the chain is (the stream tells only how far it was read)");
    else {
      const tipAgeMs = Date.now() - relay.tipProbe.answeredAtMs;
      if (tipAgeMs > TIP_STALE_MS)
        reasons.push(`no validator has said how far the chain is for ${Math.floor(tipAgeMs / 1000)} s (the tip it knows may be stale)`);
    }
    if (lag > BigInt(o.maxLag ?? 8)) reasons.push(`${lag} heights behind the validators`);
    const outage = relay.storeOutage;
    const r = relay.rebuilding;
    if (r) reasons.push(`rebuilding its chain from its store: replayed ${r.replayed} of ${r.of} heights`);
    if (outage.since !== undefined) reasons.push(`the store has been unavailable for ${outage.downSeconds()} s: ${outage.lastError}`);
    // Why it may be stuck, not a reason of its own: a relay at the tip may refuse a forgery.
    const refused = relay.refusals.reason;
    if (reasons.length > 0 && refused !== undefined) reasons.push(refused);
    const figures = { height: relay.height.toString(), validatorTip: relay.validatorTip.toString(), lag: lag.toString() };
    if (reasons.length === 0) return { ready: true, ...figures };
    const e = new RelayError("RELAY_NOT_READY", reasons.join("; "));
    reply.code(503);
    return { ready: false, reasons, ...figures, ...e.body() };
  });
  app.get("/metrics", async (_req, reply) => {
    processMetrics.update();
    relay.metrics.subscribers.set(relay.hub.subscribers.size);
    relay.metrics.roomsOpen.set(rooms.open.size);
    reply.header("content-type", METRICS_CONTENT_TYPE);
    return relay.registry.render();
  });
  app.get("/updates", async () => {
    throw new RelayError("RELAY_UPGRADE_REQUIRED", "/updates speaks WebSocket only");
  });
  app.get("/rooms/:room", async () => {
    throw new RelayError("RELAY_UPGRADE_REQUIRED", "/rooms speaks WebSocket only (the y-websocket protocol)");
  });

  registerExplorer(app, relay, reads);
  const router = new UpgradeRouter(app, { isAllowed, maxSocketsPerIp: o.maxSubscribersPerIp ?? 64, log: o.log });
  const pingIntervalMs = o.pingIntervalMs ?? 30_000;
  attachUpdates(app, router, relay, o.log, { maxSubscribers: o.maxSubscribers ?? 20_000, pingIntervalMs });
  const rooms = attachRooms(app, router, relay, o.log, {
    maxRoomSockets: o.maxRoomSockets ?? 10_000,
    maxRoomPeers: o.maxRoomPeers ?? 64,
    maxRooms: o.maxRooms ?? 10_000,
    roomIdleMs: o.roomIdleMs ?? 60_000,
    maxRoomMessageBytes: o.maxRoomMessageBytes ?? 256 * 1024,
    challengeTtlMs: o.challengeTtlMs ?? 10_000,
    roomRate: o.roomRate ?? { rate: 20, burst: 60 },
    maxAccountDocBytes: o.maxAccountDocBytes ?? 1024 * 1024,
    maxChatEntries: o.maxChatEntries ?? 100,
    maxChatEntryChars: o.maxChatEntryChars ?? 1024,
    pingIntervalMs,
    ...(o.roomBus ? { bus: o.roomBus } : {}),
  });
  // Send passes yield sooner while connections arrive (UpdateHub.noteArrival).
  app.server.on("connection", () => relay.hub.noteArrival());
  app.server.maxConnections = o.maxConnections ?? 40_000;
  app.server.on("drop", () => relay.metrics.connectionsDropped.inc({ reason: "max_connections" }));
  capConnectionsPerAddress(app.server, o.maxConnectionsPerIp ?? 256, () => relay.metrics.connectionsDropped.inc({ reason: "per_address" }));
  await app.listen({ host: o.host ?? "127.0.0.1", port: o.port ?? 0, backlog: o.listenBacklog ?? 4096 });
  return {
    app,
    rooms,
    reads,
    routes: { http: httpRoutes, upgrade: router.paths },
    close: async () => {
      processMetrics.stop();
      await app.close();
      limiterRedis?.disconnect();
    },
    server: app.server,
  };
}
