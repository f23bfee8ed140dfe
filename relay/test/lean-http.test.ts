// The /submit load generator's HTTP client (bench/lean-http.ts) against a real node:http server:
// answers read whole however the bytes arrive, one keep-alive socket across requests, a closing
// answer followed by a new connection, and every answer it cannot read failing the request.
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LoopbackServer, startLoopbackServer } from "../../core-as/test/support/loopback-server.js";
import { LeanHttpConnection } from "../bench/lean-http.js";

let loopback: LoopbackServer;
let origin: string;
/** Each request's remote port, in order: a reused socket keeps its port. */
const ports: number[] = [];

/** What each path answers; the body read is echoed back in `got` where asked. */
function answer(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  ports.push(req.socket.remotePort as number);
  const path = req.url ?? "";
  if (path === "/echo") {
    const json = JSON.stringify({ ok: true, got: body.toString("hex"), type: req.headers["content-type"] });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
    // In two writes a few milliseconds apart, split inside the head's end: the client must wait for the whole.
    const whole = Buffer.from(json);
    res.write(whole.subarray(0, 3));
    setTimeout(() => res.end(whole.subarray(3)), 5);
  } else if (path === "/refuse") {
    const json = JSON.stringify({ error: { code: "RELAY_BODY_TOO_LARGE" } });
    res.writeHead(413, { "content-type": "application/json", "content-length": json.length, connection: "close" });
    res.end(json);
  } else if (path === "/chunked") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ok: true }));
  } else if (path === "/text") {
    res.writeHead(200, { "content-type": "text/plain", "content-length": 5 });
    res.end("hello");
  } else if (path === "/huge") {
    res.writeHead(200, { "content-type": "application/json", "content-length": 10_000_000 });
    res.end();
  } else if (path === "/silent") {
    // never answers
  } else {
    res.writeHead(404, { "content-length": 2 });
    res.end("{}");
  }
}

beforeAll(async () => {
  loopback = await startLoopbackServer(answer);
  origin = loopback.origin;
});

afterAll(() => loopback.close());

describe("LeanHttpConnection", () => {
  it("posts bytes and reads the JSON answer, keeping one socket across requests", async () => {
    const c = new LeanHttpConnection(origin);
    ports.length = 0;
    for (let i = 0; i < 5; i++) {
      const body = new Uint8Array([i, 0xff, 0x00, 0x7f]);
      const a = await c.post("/echo", "application/vnd.nullspace.tx", body, 5000);
      expect(a).toEqual({ status: 200, body: { ok: true, got: Buffer.from(body).toString("hex"), type: "application/vnd.nullspace.tx" } });
    }
    expect(await c.get("/nowhere", 5000)).toEqual({ status: 404, body: {} });
    expect(new Set(ports).size).toBe(1);
    c.close();
  });

  it("after an answer that closes the connection, the next request opens another", async () => {
    const c = new LeanHttpConnection(origin);
    ports.length = 0;
    expect(await c.post("/refuse", "application/vnd.nullspace.tx", new Uint8Array(10), 5000)).toEqual({
      status: 413,
      body: { error: { code: "RELAY_BODY_TOO_LARGE" } },
    });
    expect((await c.post("/echo", "x/y", new Uint8Array([1]), 5000)).status).toBe(200);
    expect(ports).toHaveLength(2);
    expect(ports[0]).not.toBe(ports[1]);
    c.close();
  });

  it("a body that is not JSON reads as undefined", async () => {
    const c = new LeanHttpConnection(origin);
    expect(await c.get("/text", 5000)).toEqual({ status: 200, body: undefined });
    c.close();
  });

  it("fails what it cannot read, and the connection works again afterwards", async () => {
    const c = new LeanHttpConnection(origin);
    await expect(c.get("/chunked", 5000)).rejects.toThrow(/Content-Length/);
    await expect(c.get("/huge", 5000)).rejects.toThrow(/10000000 bytes/);
    await expect(c.get("/silent", 200)).rejects.toThrow(/no answer within 200 ms/);
    expect((await c.post("/echo", "x/y", new Uint8Array([2]), 5000)).status).toBe(200);
    c.close();
  });

  it("rejects when nothing listens, and refuses a second request in flight", async () => {
    const probe = await startLoopbackServer(() => {});
    await probe.close(); // its port, free now
    await expect(new LeanHttpConnection(probe.origin).get("/", 5000)).rejects.toThrow(/ECONNREFUSED/);
    const c = new LeanHttpConnection(origin);
    const first = c.get("/silent", 300);
    await expect(c.get("/echo", 300)).rejects.toThrow(/one request at a time/);
    await expect(first).rejects.toThrow(/no answer/);
    expect(() => new LeanHttpConnection("https://127.0.0.1:1")).toThrow(/plain http/);
    c.close();
  });
});
