// Every request with an Upgrade header reaches the relay here, not through fastify (node:http
// hands them all to 'upgrade'). A WebSocket upgrade (docs/relay-api.md): the path picks the
// endpoint (/updates, /rooms/…), the handshake's headers, the origin allowlist and the per-address
// socket cap are checked once for all of them, and each endpoint adds its own checks before the
// handshake. A refusal before the handshake is an HTTP error with the JSON body and x-request-id
// of every other answer. An offer of another protocol (h2c: `curl --http2`) is ignored, as HTTP
// lets a server do: the request is answered by its route, and the connection closed after it.
import { type IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { rawJsonResponse } from "@nullspace/core/node";
import type { FastifyInstance } from "fastify";
import type { WebSocket } from "ws";
import { RelayError } from "../errors.js";
import type { LogFn } from "../relay.js";
import { requestIdOf } from "./request-id.js";

export interface UpgradeContext {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  url: URL;
  /** Refuses the upgrade with the error's status and body (and the request's id). */
  refuse(e: RelayError): void;
  /** Counts an accepted socket against its address until it closes. */
  hold(ws: WebSocket): void;
}

export type UpgradeHandler = (c: UpgradeContext) => void;

export interface UpgradeGuard {
  isAllowed(origin: string): boolean;
  /** Open WebSockets of one remote address, all endpoints together. */
  maxSocketsPerIp: number;
  log: LogFn;
}

export class UpgradeRouter {
  private readonly exact = new Map<string, UpgradeHandler>();
  private readonly prefixes: [string, UpgradeHandler][] = [];
  private readonly perIp = new Map<string, number>();

  constructor(app: FastifyInstance, guard: UpgradeGuard) {
    app.server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const id = requestIdOf(req.headers);
      const refuse = (e: RelayError) => refuseUpgrade(socket, e, id);
      if (req.headers.upgrade?.toLowerCase() !== "websocket") return serveIgnoringUpgrade(app, req, socket, id);
      const url = new URL(req.url ?? "/", "http://relay");
      const handler = this.exact.get(url.pathname) ?? this.prefixes.find(([p]) => url.pathname.startsWith(p))?.[1];
      if (!handler) return refuse(new RelayError("RELAY_NOT_FOUND", `no WebSocket route ${url.pathname.slice(0, 100)}`));
      const handshake = handshakeRefusal(req);
      if (handshake) return refuse(handshake);
      const origin = req.headers.origin;
      if (origin !== undefined && !guard.isAllowed(origin))
        return refuse(new RelayError("RELAY_ORIGIN_NOT_ALLOWED", `origin ${origin.slice(0, 100)} is not allowed`));
      const ip = req.socket.remoteAddress ?? "?";
      if ((this.perIp.get(ip) ?? 0) >= guard.maxSocketsPerIp)
        return refuse(new RelayError("RELAY_TOO_MANY_CONNECTIONS", "this address holds its maximum of WebSockets"));
      try {
        handler({ req, socket, head, url, refuse, hold: (ws) => this.hold(ip, ws) });
      } catch (e) {
        // A bug in an endpoint costs one socket, never the process.
        guard.log("error", "upgrade_failed", {
          requestId: id,
          path: url.pathname.slice(0, 100),
          message: (e as Error).message,
          stack: (e as Error).stack,
        });
        if (socket.writable) refuse(new RelayError("RELAY_INTERNAL", "the relay failed to open this socket"));
        else socket.destroy();
      }
    });
  }

  /** The routed paths: exact ones, and prefixes (ending in "/") that take every path under them. */
  get paths(): string[] {
    return [...this.exact.keys(), ...this.prefixes.map(([p]) => p)];
  }

  /** Routes the path `path` (or, ending in "/", every path under it). */
  route(path: string, handler: UpgradeHandler): void {
    if (path.endsWith("/")) this.prefixes.push([path, handler]);
    else this.exact.set(path, handler);
  }

  private hold(ip: string, ws: WebSocket): void {
    this.perIp.set(ip, (this.perIp.get(ip) ?? 0) + 1);
    ws.once("close", () => {
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left > 0) this.perIp.set(ip, left);
      else this.perIp.delete(ip);
    });
  }
}

/** A refusal before the handshake: the error's status, JSON body and the request's id; then closed. */
function refuseUpgrade(socket: Duplex, e: RelayError, requestId: string): void {
  socket.end(rawJsonResponse(e.status, e.body(), { "x-request-id": requestId }));
}

const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/;
/** RFC 7230's token, as a Sec-WebSocket-Protocol name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * What a WebSocket handshake (RFC 6455 §4.2.1) lacks, checked before ws sees it: ws answers a
 * handshake it refuses with a plain-text body of its own, not the relay's error.
 */
function handshakeRefusal(req: IncomingMessage): RelayError | undefined {
  if (req.method !== "GET")
    return new RelayError("RELAY_METHOD_NOT_ALLOWED", `a WebSocket opens with GET, not ${String(req.method).slice(0, 16)}`);
  const key = req.headers["sec-websocket-key"];
  if (typeof key !== "string" || !WEBSOCKET_KEY.test(key))
    return new RelayError("RELAY_BAD_REQUEST", "a WebSocket handshake needs a Sec-WebSocket-Key of 16 bytes in base64");
  const version = req.headers["sec-websocket-version"];
  if (version !== "13" && version !== "8")
    return new RelayError("RELAY_BAD_REQUEST", "a WebSocket handshake needs Sec-WebSocket-Version 13");
  const protocols = req.headers["sec-websocket-protocol"];
  if (protocols !== undefined) {
    const names = protocols.split(",").map((p) => p.trim());
    if (!names.every((p) => TOKEN.test(p)) || new Set(names).size !== names.length)
      return new RelayError("RELAY_BAD_REQUEST", "Sec-WebSocket-Protocol is a list of distinct tokens");
  }
  return undefined;
}

/**
 * A request that offers to switch to a protocol other than WebSocket is answered by its route, as
 * if the offer were not there; the connection closes after the answer (node:http no longer reads
 * it). A request with a body is refused instead: the body is past node:http's parser.
 */
function serveIgnoringUpgrade(app: FastifyInstance, req: IncomingMessage, socket: Duplex, id: string): void {
  const length = req.headers["content-length"];
  if (req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0")) {
    const offer = String(req.headers.upgrade).slice(0, 32);
    refuseUpgrade(
      socket,
      new RelayError("RELAY_BAD_REQUEST", `an offer to switch to ${offer} on a request with a body: send it without Upgrade`),
      id,
    );
    return;
  }
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.on("finish", () => {
    res.detachSocket(socket as Socket);
    socket.end();
  });
  app.server.emit("request", req, res);
}
