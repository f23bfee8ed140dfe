// HttpPoster against a real loopback server: the body arrives as sent, JSON answers are parsed,
// other answers are not, GETs share the posts' sockets, opened sockets stay open while idle, and a
// silent or oversized answer fails instead of hanging or growing.
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpPoster } from "../src/node/http-post.js";
import { type LoopbackServer, startLoopbackServer } from "./support/loopback-server.js";

let loopback: LoopbackServer;
let server: Server;
let base = "";
const seen: { method?: string; type?: string; body: Buffer }[] = [];

beforeAll(async () => {
  loopback = await startLoopbackServer((req, res, body) => {
    seen.push({ method: req.method, type: req.headers["content-type"], body });
    if (req.url === "/json") res.end(JSON.stringify({ results: [{ ok: true }], length: body.length }));
    else if (req.url === "/text") res.writeHead(503).end("busy");
    else if (req.url === "/big") res.end(Buffer.alloc(64 * 1024, 0x20));
    // "/silent": never answers
  });
  ({ server, origin: base } = loopback);
});

afterAll(() => loopback.close());

describe("HttpPoster", () => {
  it("posts the bytes with their type and parses a JSON answer, over one kept-alive socket", async () => {
    const poster = new HttpPoster({ maxSockets: 1 });
    const body = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const sockets = new Set<unknown>();
    const onConnection = (s: unknown) => sockets.add(s);
    server.on("connection", onConnection);
    for (let i = 0; i < 3; i++) {
      const a = await poster.post(`${base}/json`, "application/vnd.nullspace.tx-batch", body, 5000);
      expect(a).toEqual({ status: 200, body: { results: [{ ok: true }], length: 300 } });
    }
    server.off("connection", onConnection);
    expect(sockets.size).toBe(1);
    const last = seen.at(-1);
    expect(last?.type).toBe("application/vnd.nullspace.tx-batch");
    expect(new Uint8Array(last?.body ?? [])).toEqual(body);
    poster.close();
  });

  it("GETs through the same kept-alive socket as its posts", async () => {
    const poster = new HttpPoster({ maxSockets: 1 });
    const sockets = new Set<unknown>();
    const onConnection = (s: unknown) => sockets.add(s);
    server.on("connection", onConnection);
    expect(await poster.get(`${base}/json`, 5000)).toEqual({ status: 200, body: { results: [{ ok: true }], length: 0 } });
    expect(seen.at(-1)?.method).toBe("GET");
    await poster.post(`${base}/json`, "application/octet-stream", new Uint8Array([7]), 5000);
    expect(seen.at(-1)?.method).toBe("POST");
    server.off("connection", onConnection);
    expect(sockets.size).toBe(1);
    poster.close();
  });

  it("keeps every socket it opened while idle, past Node's 256", async () => {
    const n = 300;
    const poster = new HttpPoster({ maxSockets: n });
    const sockets = new Set<unknown>();
    const onConnection = (s: unknown) => sockets.add(s);
    server.on("connection", onConnection);
    const all = (f: () => Promise<unknown>) => Promise.all(Array.from({ length: n }, f));
    await all(() => poster.get(`${base}/json`, 5000));
    expect(sockets.size).toBe(n);
    await all(() => poster.post(`${base}/json`, "application/octet-stream", new Uint8Array([1]), 5000));
    server.off("connection", onConnection);
    expect(sockets.size).toBe(n); // none opened again: the 300 warmed ones carried the posts
    poster.close();
  });

  it("gives the status and no body for an answer that is not JSON", async () => {
    const poster = new HttpPoster();
    expect(await poster.post(`${base}/text`, "application/octet-stream", new Uint8Array([1]), 5000)).toEqual({
      status: 503,
      body: undefined,
    });
    poster.close();
  });

  it("fails when no answer comes in time", async () => {
    const poster = new HttpPoster();
    const t0 = performance.now();
    await expect(poster.post(`${base}/silent`, "application/octet-stream", new Uint8Array([1]), 200)).rejects.toThrow(
      /no answer within 200 ms/,
    );
    expect(performance.now() - t0).toBeLessThan(5000);
    poster.close();
  });

  it("fails on an answer over its bound, and on a URL that is not http(s)", async () => {
    const poster = new HttpPoster({ maxAnswerBytes: 1024 });
    await expect(poster.post(`${base}/big`, "application/octet-stream", new Uint8Array([1]), 5000)).rejects.toThrow(/over 1024 bytes/);
    await expect(poster.post("ftp://127.0.0.1/x", "application/octet-stream", new Uint8Array([1]), 5000)).rejects.toThrow(/not an http/);
    poster.close();
  });
});
