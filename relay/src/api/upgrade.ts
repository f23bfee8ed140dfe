// Every WebSocket upgrade of the relay passes here first (docs/relay-api.md): the path picks the
// endpoint (/updates, /rooms/…), the origin allowlist and the per-address socket cap are checked
// once for all of them, and each endpoint adds its own checks before the handshake. A refusal
// before the handshake is an HTTP error with the JSON body of every other error.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { FastifyInstance } from "fastify";
import type { WebSocket } from "ws";
import { RelayError } from "../errors.js";
import type { LogFn } from "../relay.js";

export interface UpgradeContext {
  req: IncomingMessage;
  socket: Duplex;
  head: Buffer;
  url: URL;
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
      const url = new URL(req.url ?? "/", "http://relay");
      const handler = this.exact.get(url.pathname) ?? this.prefixes.find(([p]) => url.pathname.startsWith(p))?.[1];
      if (!handler) return refuseUpgrade(socket, new RelayError("RELAY_NOT_FOUND", `no WebSocket route ${url.pathname.slice(0, 100)}`));
      const origin = req.headers.origin;
      if (origin !== undefined && !guard.isAllowed(origin))
        return refuseUpgrade(socket, new RelayError("RELAY_ORIGIN_NOT_ALLOWED", `origin ${origin.slice(0, 100)} is not allowed`));
      const ip = req.socket.remoteAddress ?? "?";
      if ((this.perIp.get(ip) ?? 0) >= guard.maxSocketsPerIp)
        return refuseUpgrade(socket, new RelayError("RELAY_TOO_MANY_CONNECTIONS", "this address holds its maximum of WebSockets"));
      try {
        handler({ req, socket, head, url, hold: (ws) => this.hold(ip, ws) });
      } catch (e) {
        // A bug in an endpoint costs one socket, never the process.
        guard.log("error", "upgrade_failed", {
          path: url.pathname.slice(0, 100),
          message: (e as Error).message,
          stack: (e as Error).stack,
        });
        if (socket.writable) refuseUpgrade(socket, new RelayError("RELAY_INTERNAL", "the relay failed to open this socket"));
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

export function refuseUpgrade(socket: Duplex, e: RelayError): void {
  const body = JSON.stringify(e.body());
  socket.end(
    `HTTP/1.1 ${e.status} ${e.code}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
