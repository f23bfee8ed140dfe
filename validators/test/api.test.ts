// The validator API server against an in-memory ValidatorApiSource (the engine is wired later) that
// submits into a real Mempool with transactions signed through the real wasm codec. Sockets are
// real (127.0.0.1, port 0); every server and client is closed after its test.
import { request } from "node:http";
import { connect } from "node:net";
import { Core, encodeTxBatch, LocalChain, signTxSync } from "@nullspace/core";
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { fuzzRuns } from "../../core-as/test/support/fuzz.js";
import { DEFAULT_MAX_BATCH_TXS, decodeBatch, decodeFrame, encodeFrame, FrameTag } from "../src/api/batch.js";
import { API_ERRORS, ApiConfigError, ApiError, type ApiErrorCode } from "../src/api/errors.js";
import { Registry, validatorMetrics } from "../src/api/metrics.js";
import { ApiServer, type ApiServerOptions, type LogRecord } from "../src/api/server.js";
import type { Bundle, ValidatorApiSource, ValidatorHealth } from "../src/api/source.js";
import { Mempool } from "../src/mempool/mempool.js";
import { WASM_BYTES as WASM } from "./support/wasm.js";

const CHAIN_ID = 1n;
let core: Core;
beforeAll(async () => {
  core = await Core.load(WASM);
});

const signers = Array.from({ length: 4 }, (_, i) => LocalChain.signer(i + 1));
function tx(s: number, nonce: number): Uint8Array {
  const instruction = nonce === 0 ? ({ op: "register", name: `player${s}` } as const) : ({ op: "faucet" } as const);
  return signTxSync({ codec: core.codec, signer: signers[s]!, chainId: CHAIN_ID, nonce: BigInt(nonce), instruction });
}

const text = (s: string) => new TextEncoder().encode(s);
const smallBundle = (h: bigint, complete: boolean) => text(`bundle ${h} ${complete ? "complete" : "final"}`);

/** An in-memory validator: bundles by height, a real mempool, health the test sets. */
class FakeSource implements ValidatorApiSource {
  readonly chainId = CHAIN_ID;
  readonly validatorIndex = 2;
  readonly validatorCount = 4;
  readonly bundles = new Map<bigint, Bundle>();
  readonly listeners = new Set<(h: bigint, c: boolean) => void>();
  readonly mempool = new Mempool({ codec: core.codec, chainId: CHAIN_ID, getAccountNonce: () => 0n });
  height = 0n;
  reads = 0;
  state: ValidatorHealth = { ok: true, view: 10n, finalized: 0n, executed: 0n, peersConnected: 3, alarm: false };
  /** Bundles made on demand (large streams without holding them). */
  constructor(private readonly make?: (h: bigint) => Bundle) {}

  finalize(h: bigint, complete = false): void {
    this.bundles.set(h, { bytes: smallBundle(h, complete), isComplete: complete });
    this.height = h;
    this.state = { ...this.state, finalized: h };
    for (const l of this.listeners) l(h, complete);
  }
  complete(h: bigint): void {
    this.bundles.set(h, { bytes: smallBundle(h, true), isComplete: true });
    for (const l of this.listeners) l(h, true);
  }
  tip(): bigint {
    return this.height;
  }
  async bundle(h: bigint): Promise<Bundle | undefined> {
    this.reads++;
    await Promise.resolve();
    if (h < 1n || h > this.height) return undefined;
    return this.make ? this.make(h) : this.bundles.get(h);
  }
  onFinalized(listener: (h: bigint, c: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  submit(txs: Uint8Array[]) {
    return this.mempool.add(txs);
  }
  health(): ValidatorHealth {
    return this.state;
  }
}

const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

interface Harness {
  server: ApiServer;
  source: FakeSource;
  logs: LogRecord[];
  url: string;
  registry: Registry;
}

async function start(o: Partial<ApiServerOptions> & { source?: FakeSource } = {}): Promise<Harness> {
  const source = o.source ?? new FakeSource();
  const logs: LogRecord[] = [];
  const registry = o.registry ?? new Registry();
  const server = await ApiServer.start({ port: 0, registry, log: (r) => logs.push(r), ...o, source });
  cleanup.push(() => server.close());
  return { server, source, logs, url: `http://127.0.0.1:${server.port}`, registry };
}

async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function errorOf(res: Response): Promise<{ status: number; code: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, code: body.error.code };
}

function post(url: string, body: Uint8Array, type: string | undefined = "application/vnd.nullspace.tx"): Promise<Response> {
  return fetch(`${url}/submit`, { method: "POST", body: new Uint8Array(body), headers: type ? { "content-type": type } : {} });
}

async function expectServing(url: string): Promise<void> {
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
}

interface Client {
  ws: WebSocket;
  frames: ReturnType<typeof decodeFrame>[];
  closed: Promise<{ code: number; reason: string }>;
}

function stream(h: Harness, query = ""): Client {
  const ws = new WebSocket(`ws://127.0.0.1:${h.server.port}/stream${query}`);
  const frames: Client["frames"] = [];
  ws.on("message", (data: Buffer) => frames.push(decodeFrame(new Uint8Array(data))));
  ws.on("error", () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  cleanup.push(() => {
    ws.terminate();
    return closed;
  });
  return { ws, frames, closed };
}

const summary = (frames: Client["frames"]) => frames.map((f) => `${f.tag === FrameTag.COMPLETED ? "C" : "F"}${f.height}`);

describe("metrics exposition", () => {
  it("renders counters, gauges and histograms with labels in format 0.0.4", () => {
    const r = new Registry();
    const c = r.counter({ name: "reqs_total", help: 'Requests with "quotes", a \\ and\na newline.', labelNames: ["route", "code"] });
    const g = r.gauge({ name: "temp", help: "A gauge." });
    const h = r.histogram({ name: "lat_seconds", help: "Latency.", buckets: [0.1, 1], labelNames: ["op"] });
    const u = r.histogram({ name: "plain_seconds", help: "No labels.", buckets: [0.5] });
    c.inc(1, { route: "/a", code: 200 });
    c.inc(2, { route: 'x"y\\z\nw', code: "500" });
    c.inc(1, { route: "/a", code: 200 });
    g.set(3n);
    g.dec(0.5);
    h.observe(0.05, { op: "read" });
    h.observe(0.1, { op: "read" });
    h.observe(7, { op: "read" });
    u.observe(Number.NaN);
    expect(r.render()).toBe(
      [
        '# HELP reqs_total Requests with "quotes", a \\\\ and\\na newline.',
        "# TYPE reqs_total counter",
        'reqs_total{route="/a",code="200"} 2',
        'reqs_total{route="x\\"y\\\\z\\nw",code="500"} 2',
        "# HELP temp A gauge.",
        "# TYPE temp gauge",
        "temp 2.5",
        "# HELP lat_seconds Latency.",
        "# TYPE lat_seconds histogram",
        'lat_seconds_bucket{op="read",le="0.1"} 2',
        'lat_seconds_bucket{op="read",le="1"} 2',
        'lat_seconds_bucket{op="read",le="+Inf"} 3',
        'lat_seconds_sum{op="read"} 7.15',
        'lat_seconds_count{op="read"} 3',
        "# HELP plain_seconds No labels.",
        "# TYPE plain_seconds histogram",
        'plain_seconds_bucket{le="0.5"} 0',
        'plain_seconds_bucket{le="+Inf"} 0',
        "plain_seconds_sum 0",
        "plain_seconds_count 0",
        "",
      ].join("\n"),
    );
    g.set(Number.POSITIVE_INFINITY);
    c.remove({ route: "/a", code: 200 });
    expect(r.render()).toContain("temp +Inf\n");
    expect(r.render()).not.toContain('route="/a"');
  });

  it("registers the validator's metrics with help texts, once per name", () => {
    const r = new Registry();
    const m = validatorMetrics(r);
    expect(validatorMetrics(r).consensusView).toBe(m.consensusView);
    m.peerConnected.set(1, { peer: 3 });
    m.executionAlarm.set(true);
    m.journalSync.observe(0.0003);
    const out = r.render();
    for (const name of [
      "consensus_view gauge",
      "consensus_finalized_height gauge",
      "consensus_finality_latency_seconds histogram",
      "mempool_transactions gauge",
      "mempool_bytes gauge",
      "peer_connected gauge",
      "journal_sync_seconds histogram",
      "execution_height gauge",
      "execution_alarm gauge",
      "beacon_latency_seconds histogram",
      "progress_latency_seconds histogram",
    ]) {
      expect(out).toContain(`# TYPE ${name}\n`);
      expect(out).toMatch(new RegExp(`# HELP ${name.split(" ")[0]} \\S`));
    }
    expect(out).toContain('peer_connected{peer="3"} 1\n');
    expect(out).toContain("execution_alarm 1\n");
    expect(out).toContain('journal_sync_seconds_bucket{le="0.0005"} 1\n');
  });

  it("refuses caller bugs: bad names, labels, buckets, negative counts, type clashes", () => {
    const r = new Registry();
    expect(() => r.counter({ name: "1bad", help: "" })).toThrow(ApiConfigError);
    expect(() => r.gauge({ name: "g", help: "", labelNames: ["__x"] })).toThrow(ApiConfigError);
    expect(() => r.histogram({ name: "h", help: "", buckets: [1, 1] })).toThrow(ApiConfigError);
    expect(() => r.histogram({ name: "h2", help: "", buckets: [1], labelNames: ["le"] })).toThrow(ApiConfigError);
    const c = r.counter({ name: "c_total", help: "", labelNames: ["a"] });
    expect(() => c.inc(1)).toThrow(ApiConfigError);
    expect(() => c.inc(1, { a: 1, b: 2 })).toThrow(ApiConfigError);
    expect(() => c.inc(-1, { a: 1 })).toThrow(ApiConfigError);
    expect(() => r.gauge({ name: "c_total", help: "" })).toThrow(ApiConfigError);
  });
});

describe("batch framing", () => {
  const txs = fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 20 });

  it("decodes what it encodes", () => {
    fc.assert(
      fc.property(txs, (ts) => {
        expect(decodeBatch(encodeTxBatch(ts)).map((t) => [...t])).toEqual(ts.map((t) => [...t]));
      }),
    );
  });

  it("on any bytes returns a canonical batch or throws API_BAD_BATCH, nothing else", () => {
    const mutated = txs.chain((ts) =>
      fc.tuple(fc.constant(encodeTxBatch(ts)), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat()),
    );
    const check = (bytes: Uint8Array) => {
      try {
        const out = decodeBatch(bytes, 64);
        expect(out.length).toBeGreaterThan(0);
        expect(out.length).toBeLessThanOrEqual(64);
        expect([...encodeTxBatch(out)]).toEqual([...bytes]); // one encoding per batch
      } catch (e) {
        expect(e).toBeInstanceOf(ApiError);
        expect((e as ApiError).code).toBe("API_BAD_BATCH");
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), check), { numRuns: fuzzRuns(2000) });
    fc.assert(
      fc.property(mutated, ([bytes, edits, cut]) => {
        const b = bytes.slice(0, bytes.length - (cut % 3));
        for (const [at, v] of edits) if (b.length > 0) b[at % b.length] = v;
        check(b);
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });

  it("refuses empty, zero, oversized counts, lying lengths, trailing bytes and long varints", () => {
    const bad = [[], [0], [2, 1, 7], [1, 2, 7], [1, 1, 7, 0], [0x81, 0], [1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02]];
    for (const b of bad) expect(() => decodeBatch(Uint8Array.from(b)), JSON.stringify(b)).toThrow(ApiError);
    expect(() => decodeBatch(encodeTxBatch(Array.from({ length: DEFAULT_MAX_BATCH_TXS + 1 }, () => Uint8Array.of(1))))).toThrow(/at most/);
    const f = decodeFrame(encodeFrame(FrameTag.COMPLETED, 300n, Uint8Array.of(9, 8)));
    expect([f.tag, f.height, [...f.bundle]]).toEqual([FrameTag.COMPLETED, 300n, [9, 8]]);
  });
});

describe("health, readiness, metrics", () => {
  it("healthz answers while the engine is unwell; readyz says why it is not ready", async () => {
    const h = await start({ maxExecutionLag: 4 });
    const health = await fetch(`${h.url}/healthz`, { headers: { "x-request-id": "probe-1" } });
    expect(health.status).toBe(200);
    expect(health.headers.get("x-request-id")).toBe("probe-1");
    expect(await health.json()).toMatchObject({ status: "ok", chainId: "1", validatorIndex: 2 });
    expect(h.logs.find((l) => l.event === "request" && l.reqId === "probe-1")).toMatchObject({ path: "/healthz", status: 200 });

    const ready = await fetch(`${h.url}/readyz`);
    expect([ready.status, (await ready.json()).ready]).toEqual([200, true]);
    h.source.state = { ok: false, view: 9n, finalized: 20n, executed: 15n, peersConnected: 1, alarm: true };
    const notReady = await fetch(`${h.url}/readyz`);
    const body = await notReady.json();
    expect(notReady.status).toBe(503);
    expect(body.error.code).toBe("API_NOT_READY");
    expect(body.reasons).toEqual([
      "engine not ok",
      "1 peers connected, 2 needed",
      "execution alarm",
      "executed 15 is 5 heights behind finalized 20",
    ]);
    h.source.state = { ok: true, view: 9n, finalized: 20n, executed: 16n, peersConnected: 2, alarm: false };
    expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
    h.source.health = () => {
      throw new Error("engine gone");
    };
    expect(await errorOf(await fetch(`${h.url}/readyz`))).toEqual({ status: 503, code: "API_NOT_READY" });
  });

  it("serves the registry in the text format, the validator's and the API's own metrics", async () => {
    const h = await start();
    const m = validatorMetrics(h.registry);
    m.consensusView.set(42n);
    m.finalityLatency.observe(0.004);
    await fetch(`${h.url}/healthz`);
    const res = await fetch(`${h.url}/metrics`);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const out = await res.text();
    expect(out).toContain("consensus_view 42\n");
    expect(out).toContain('consensus_finality_latency_seconds_bucket{le="0.005"} 1\n');
    expect(out).toContain('api_requests_total{route="/healthz",status="200"} 1\n');
    expect(out.endsWith("\n")).toBe(true);
  });
});

describe("submit", () => {
  it("admits a single transaction (both media types) and answers the mempool's verdicts", async () => {
    const h = await start();
    const t = tx(0, 0);
    const res = await post(h.url, t);
    expect(res.status).toBe(200);
    const { results } = await res.json();
    expect(results).toEqual([{ ok: true, hash: core.codec.decodeTx(t).hash }]);
    expect(h.source.mempool.size).toBe(1);
    const again = await (await post(h.url, t, "application/octet-stream; charset=binary")).json();
    expect(again.results[0]).toMatchObject({ ok: false, code: "DUPLICATE", retryable: false });
    expect(again.results[0].hint).toMatch(/pending/);
  });

  it("admits a batch and answers one result per transaction, in order", async () => {
    const h = await start();
    const forged = tx(1, 0).slice();
    forged[forged.length - 1]! ^= 1;
    const batch = encodeTxBatch([tx(0, 0), tx(0, 1), forged, Uint8Array.of(1, 2, 3)]);
    const res = await post(h.url, batch, "application/vnd.nullspace.tx-batch");
    const { results } = await res.json();
    expect(results.map((r: { ok: boolean; code?: string }) => (r.ok ? "ok" : r.code))).toEqual(["ok", "ok", "BAD_SIGNATURE", "MALFORMED"]);
    expect(h.source.mempool.size).toBe(2);
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toContain('api_submitted_transactions_total{result="ok"} 2\n');
  });

  it("answers every bad input with its documented code and keeps serving", async () => {
    const h = await start({ maxBodyBytes: 4096, maxBatchTxs: 8 });
    const cases: [Promise<Response>, number, ApiErrorCode][] = [
      [post(h.url, new Uint8Array(5000)), 413, "API_BODY_TOO_LARGE"],
      [post(h.url, Uint8Array.of(5, 1, 2), "application/vnd.nullspace.tx-batch"), 400, "API_BAD_BATCH"],
      [post(h.url, encodeTxBatch(Array.from({ length: 9 }, () => tx(0, 0))), "application/vnd.nullspace.tx-batch"), 400, "API_BAD_BATCH"],
      [post(h.url, new Uint8Array(0)), 400, "API_BAD_BATCH"],
      [post(h.url, tx(0, 0), "application/json"), 415, "API_UNSUPPORTED_MEDIA"],
      [post(h.url, tx(0, 0), "text/plain"), 415, "API_UNSUPPORTED_MEDIA"],
      [fetch(`${h.url}/nope`), 404, "API_NOT_FOUND"],
      [fetch(`${h.url}/blocks/1/2`), 404, "API_NOT_FOUND"],
      [fetch(`${h.url}/submit`), 405, "API_METHOD_NOT_ALLOWED"],
      [fetch(`${h.url}/blocks/01`), 400, "API_BAD_HEIGHT"],
      [fetch(`${h.url}/blocks/18446744073709551616`), 400, "API_BAD_HEIGHT"],
      [fetch(`${h.url}/blocks/7`), 404, "API_NOT_FOUND"],
      [fetch(`${h.url}/stream`), 426, "API_UPGRADE_REQUIRED"],
    ];
    for (const [res, status, code] of cases) {
      const r = await res;
      expect(await errorOf(r)).toEqual({ status, code });
      expect(API_ERRORS[code].status).toBe(status);
    }
    const untyped = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${h.url}/submit`, { method: "POST" }, (r) => {
        let body = "";
        r.on("data", (d) => (body += d));
        r.on("end", () => resolve({ status: r.statusCode!, body }));
      });
      req.on("error", reject);
      req.end(tx(0, 0));
    });
    expect([untyped.status, JSON.parse(untyped.body).error.code]).toEqual([415, "API_UNSUPPORTED_MEDIA"]);
    expect(h.source.mempool.size).toBe(0);
    await expectServing(h.url);
  });

  it("stops reading a streamed body at the limit (413) without a Content-Length", async () => {
    const h = await start({ maxBodyBytes: 1024 });
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${h.url}/submit`, { method: "POST", headers: { "content-type": "application/vnd.nullspace.tx" } }, (r) => {
        let body = "";
        r.on("data", (c) => (body += c));
        r.on("end", () => resolve({ status: r.statusCode!, body }));
      });
      req.on("error", reject);
      req.write(new Uint8Array(2048)); // chunked, and never ended: the server must answer anyway
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.code).toBe("API_BODY_TOO_LARGE");
    await expectServing(h.url);
  });

  it("rate-limits each address and lets it back in once tokens refill", async () => {
    let now = 0;
    const h = await start({ rateLimit: { ratePerSecond: 1, burst: 3 }, now: () => now });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await post(h.url, tx(0, i))).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    const limited = await post(h.url, tx(0, 9));
    expect(limited.headers.get("retry-after")).toBe("1");
    expect((await errorOf(limited)).code).toBe("API_RATE_LIMITED");
    await expectServing(h.url); // probes are never rate-limited
    expect((await fetch(`${h.url}/metrics`)).status).toBe(200);
    now += 1000;
    expect((await post(h.url, tx(0, 3))).status).toBe(200);
    expect((await post(h.url, tx(0, 4))).status).toBe(429);
  });

  it("refuses connections past the per-address cap with 503, and never crashes on garbage", async () => {
    const h = await start({ maxConnectionsPerIp: 2 });
    const a = stream(h);
    const b = stream(h);
    await waitFor(() => h.server.streams === 2, "two streams");
    const refused = await fetch(`${h.url}/healthz`);
    expect(await errorOf(refused)).toEqual({ status: 503, code: "API_TOO_MANY_CONNECTIONS" });
    a.ws.close();
    await a.closed;
    await waitFor(() => h.server.streams === 1, "one stream");
    const answer = await rawExchange(h.server.port, "NOT HTTP AT ALL\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(codeIn(answer)).toBe("API_BAD_REQUEST");
    b.ws.close();
    await b.closed;
    await expectServing(h.url);
  });

  it("closes a connection that does not send its request in time with 408, soon after the limit", async () => {
    const h = await start({ requestTimeoutMs: 600 });
    const t0 = Date.now();
    const answer = await rawExchange(h.server.port); // connects and sends nothing
    const ms = Date.now() - t0;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(codeIn(answer)).toBe("API_REQUEST_TIMEOUT");
    expect(ms).toBeGreaterThanOrEqual(600);
    expect(ms).toBeLessThan(5000); // not Node's 30 s between checks
    await expectServing(h.url);
  });

  it("answers headers over Node's 16 KiB with 431, and counts each unreadable request by code", async () => {
    const h = await start();
    const answer = await rawExchange(h.server.port, `GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(codeIn(answer)).toBe("API_HEADERS_TOO_LARGE");
    expect(codeIn(await rawExchange(h.server.port, "\x00\x01garbage\r\n\r\n"))).toBe("API_BAD_REQUEST");
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toContain('api_client_errors_total{code="API_HEADERS_TOO_LARGE"} 1');
    expect(metrics).toContain('api_client_errors_total{code="API_BAD_REQUEST"} 1');
    await expectServing(h.url);
  });
});

/** Writes `bytes` (if any) on a new connection and resolves with everything answered once it closes. */
function rawExchange(port: number, bytes?: string): Promise<string> {
  return new Promise<string>((resolve) => {
    const s = connect(port, "127.0.0.1", () => bytes !== undefined && s.write(bytes));
    let got = "";
    s.on("data", (d) => (got += d));
    s.on("close", () => resolve(got));
    s.on("error", () => resolve(got));
  });
}

/** The error code in a raw HTTP answer's JSON body. */
function codeIn(answer: string): string | undefined {
  const body = answer.slice(answer.indexOf("\r\n\r\n") + 4);
  return (JSON.parse(body) as { error?: { code?: string } }).error?.code;
}

describe("blocks and stream", () => {
  it("serves a bundle by height with its completeness", async () => {
    const h = await start();
    h.source.finalize(1n, false);
    const res = await fetch(`${h.url}/blocks/1`);
    expect(res.headers.get("content-type")).toBe("application/vnd.nullspace.bundle");
    expect(res.headers.get("x-nullspace-complete")).toBe("false");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(smallBundle(1n, false));
  });

  it("backfills from 0, then follows the tip, and re-sends heights that complete later", async () => {
    const h = await start({ stream: { batch: 2 } });
    for (let i = 1n; i <= 5n; i++) h.source.finalize(i, i <= 2n);
    const c = stream(h, "?from=0");
    await waitFor(() => c.frames.length === 5, "backfill");
    expect(summary(c.frames)).toEqual(["C1", "C2", "F3", "F4", "F5"]);
    const live: [() => void, string][] = [
      [() => h.source.finalize(6n, false), "F6"],
      [() => h.source.complete(4n), "C4"],
      [() => h.source.finalize(7n, true), "C7"],
      [
        () => {
          h.source.complete(6n);
          h.source.complete(6n); // a repeated completion goes out once
        },
        "C6",
      ],
    ];
    for (const [act, frame] of live) {
      const n = c.frames.length;
      act();
      await waitFor(() => c.frames.length > n, frame);
    }
    // Mutations between two reads of the pump are coalesced: 9 is final and complete by the time it is read.
    h.source.finalize(8n, false);
    h.source.finalize(9n, false);
    h.source.complete(9n);
    await waitFor(() => c.frames.length === 11, "8 and 9");
    await new Promise((r) => setTimeout(r, 20));
    expect(summary(c.frames).slice(5)).toEqual(["F6", "C4", "C7", "C6", "F8", "C9"]);
    expect(new TextDecoder().decode(c.frames[6]!.bundle)).toBe("bundle 4 complete");
  });

  it("starts at from, or at the next height without it; refuses a bad from with 1008", async () => {
    const h = await start();
    for (let i = 1n; i <= 4n; i++) h.source.finalize(i, true);
    const fromThree = stream(h, "?from=3");
    const live = stream(h);
    await waitFor(() => fromThree.frames.length === 2 && h.server.streams === 2, "from=3");
    h.source.finalize(5n, true);
    await waitFor(() => live.frames.length === 1 && fromThree.frames.length === 3, "height 5");
    expect(summary(live.frames)).toEqual(["C5"]);
    expect(summary(fromThree.frames)).toEqual(["C3", "C4", "C5"]);
    for (const bad of ["abc", "-1", "01", "18446744073709551616", ""]) {
      const c = stream(h, `?from=${bad}`);
      const { code, reason } = await c.closed;
      expect([code, reason.split(":")[0]]).toEqual([1008, "API_BAD_FROM"]);
    }
    await expectServing(h.url);
  });

  it("closes a client that sends a message (1003) and a stream whose heights are gone (4404)", async () => {
    const h = await start();
    h.source.finalize(1n, true);
    const chatty = stream(h, "?from=1");
    await waitFor(() => chatty.frames.length === 1, "frame");
    chatty.ws.send("hello");
    expect((await chatty.closed).code).toBe(1003);
    const big = stream(h, "?from=2");
    big.ws.once("open", () => big.ws.send(new Uint8Array(2048)));
    expect((await big.closed).code).toBe(1009);
    h.source.finalize(2n, true);
    h.source.bundles.delete(1n);
    const gone = stream(h, "?from=1");
    const closed = await gone.closed;
    expect([closed.code, closed.reason.split(":")[0]]).toEqual([4404, "API_NOT_FOUND"]);
  });

  it("closes a consumer that never reads with 4008 while holding at most high water plus one frame", async () => {
    const size = 64 * 1024;
    const highWaterBytes = 256 * 1024;
    const source = new FakeSource((h) => ({ bytes: new Uint8Array(size).fill(Number(h % 251n)), isComplete: true }));
    source.height = 2000n; // 128 MiB if it were all sent: far past the kernel's socket buffers
    const h = await start({ source, stream: { highWaterBytes, stallMs: 300, batch: 8 } });
    const c = stream(h, "?from=1");
    c.ws.once("open", () => c.ws.pause());
    await waitFor(() => h.logs.some((l) => l.event === "stream_evicted"), "eviction", 10_000);
    const evicted = h.logs.find((l) => l.event === "stream_evicted")!;
    expect(evicted.bufferedBytes as number).toBeLessThanOrEqual(highWaterBytes + size + 16);
    expect(source.reads).toBeLessThan(Number(source.height)); // reads stopped with the sends
    c.ws.resume();
    const closed = await c.closed;
    expect([closed.code, closed.reason.split(":")[0]]).toEqual([4008, "API_SLOW_CONSUMER"]);
    expect(summary(c.frames).slice(0, 3)).toEqual(["C1", "C2", "C3"]);
    expect(c.frames.every((f, i) => f.height === BigInt(i + 1))).toBe(true);
    await waitFor(() => h.server.streams === 0, "session gone");
    expect(await (await fetch(`${h.url}/metrics`)).text()).toContain("api_stream_evictions_total 1\n");
  });

  it("in any interleaving of finality and completion, sends each height once in order and every completion", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 6 }),
        fc.array(fc.constantFrom("finalize", "complete", "tick"), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        async (backlog, script, batch) => {
          const h = await start({ stream: { batch } });
          const incomplete: bigint[] = [];
          let next = 1n;
          const step = async (op: string) => {
            if (op === "finalize") {
              const complete = next % 3n === 0n;
              h.source.finalize(next, complete);
              if (!complete) incomplete.push(next);
              next++;
            } else if (op === "complete" && incomplete.length > 0) {
              h.source.complete(incomplete.shift()!);
            } else {
              await new Promise((r) => setImmediate(r));
            }
          };
          for (let i = 0; i < backlog; i++) await step("finalize");
          const c = stream(h, "?from=1");
          for (const op of script) await step(op);
          while (incomplete.length > 0) await step("complete");
          const heights = next - 1n;
          await waitFor(() => c.frames.filter((f) => f.tag === FrameTag.COMPLETED).length >= Number(heights), "all complete");
          const firsts = new Map<bigint, number>();
          c.frames.forEach((f, i) => {
            if (!firsts.has(f.height)) firsts.set(f.height, i);
          });
          expect([...firsts.keys()]).toEqual(Array.from({ length: Number(heights) }, (_, i) => BigInt(i + 1)));
          const completed = c.frames.filter((f) => f.tag === FrameTag.COMPLETED).map((f) => f.height);
          expect(new Set(completed).size).toBe(completed.length);
          expect(completed.length).toBe(Number(heights));
          c.ws.terminate();
          await c.closed;
          await h.server.close();
        },
      ),
      { numRuns: 25 },
    );
  });

  it("drops a stream that stops answering pings", async () => {
    const h = await start({ pingIntervalMs: 30 });
    const c = stream(h);
    c.ws.once("open", () => c.ws.pause());
    await waitFor(() => h.logs.some((l) => l.event === "stream_dead"), "dead peer");
    await waitFor(() => h.server.streams === 0, "session gone");
    c.ws.resume();
    expect((await c.closed).code).toBe(1006);
  });

  it("closes streams with 1001 when the server closes", async () => {
    const h = await start();
    const c = stream(h);
    await waitFor(() => h.server.streams === 1, "stream");
    await h.server.close();
    const closed = await c.closed;
    expect([closed.code, closed.reason.split(":")[0]]).toEqual([1001, "API_SHUTTING_DOWN"]);
    await expect(fetch(`${h.url}/healthz`)).rejects.toThrow();
  });
});
