// Small pieces of HTTP handling on node:http: reading a body under a limit, JSON replies, request
// ids, and parsing the integers of paths and queries. No framework: the API has five routes.

import type { IncomingMessage, ServerResponse } from "node:http";
import { rawJsonResponse } from "@nullspace/core/node";
import { ApiError } from "./errors.js";

const U64_MAX = (1n << 64n) - 1n;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Media types of POST /submit: a single transaction, or a batch (batch.ts). */
export const MediaType = {
  TX: "application/vnd.nullspace.tx",
  TX_BATCH: "application/vnd.nullspace.tx-batch",
  /** Accepted as a single transaction, for curl and generic clients. */
  OCTET_STREAM: "application/octet-stream",
  BUNDLE: "application/vnd.nullspace.bundle",
} as const;

/** The media type without parameters, lower case ("" when absent). */
export function mediaType(req: IncomingMessage): string {
  const ct = req.headers["content-type"];
  return typeof ct === "string" ? ct.split(";")[0]!.trim().toLowerCase() : "";
}

/**
 * The whole body, refusing with API_BODY_TOO_LARGE as soon as the declared length or the bytes
 * received pass `limit`, before anything more is buffered. The caller closes the connection after
 * such a refusal: the rest of the body is never read.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > limit) {
      reject(new ApiError("API_BODY_TOO_LARGE", `declared ${declared} bytes, at most ${limit}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (e?: ApiError) => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("aborted", onError);
      if (e) {
        req.pause();
        reject(e);
      } else {
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) done(new ApiError("API_BODY_TOO_LARGE", `body over ${limit} bytes`));
      else chunks.push(chunk);
    };
    const onEnd = () => done();
    const onError = () => done(new ApiError("API_BAD_BATCH", "the request body was cut off"));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("aborted", onError);
  });
}

/** A request id: the client's `x-request-id` when it is short and plain, else a fresh one. */
export function requestIdOf(req: IncomingMessage, fresh: () => string): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && REQUEST_ID.test(given) ? given : fresh();
}

/** JSON with bigints as decimal strings (heights and views pass 2^53 in principle). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  send(res, status, toJson(body), { "content-type": "application/json; charset=utf-8", ...headers });
}

export function sendError(res: ServerResponse, e: ApiError, headers: Record<string, string> = {}): void {
  sendJson(res, e.status, e.toJSON(), headers);
}

export function send(res: ServerResponse, status: number, body: string | Uint8Array, headers: Record<string, string>): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, "content-length": String(Buffer.byteLength(body)) });
  res.end(body);
}

/** A canonical decimal u64 ("0", "17"; not "017", "+1", "1e3", " 1"), or undefined. */
export function parseU64(s: string | null | undefined): bigint | undefined {
  if (typeof s !== "string" || s.length === 0 || s.length > 20 || !/^(0|[1-9][0-9]*)$/.test(s)) return undefined;
  const v = BigInt(s);
  return v <= U64_MAX ? v : undefined;
}

/** A raw HTTP/1.1 answer carrying `e` for a socket the HTTP machinery will not answer (refused connections, bad upgrades). */
export function rawResponse(e: ApiError, headers: Record<string, string> = {}): string {
  return rawJsonResponse(e.status, e.toJSON(), headers);
}
