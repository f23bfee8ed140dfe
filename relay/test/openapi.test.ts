// docs/relay-openapi.yaml against the relay itself: the document describes every route the relay
// serves and no other, names every error code, and every answer a relay on a real devnet gives
// (successes, refusals, WebSocket upgrades and their refusals) has a status the document gives
// for that operation and a body its schema accepts. A client generated from the document, or
// written against it, reads what the relay sends.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Core, LocalChain, roulette, StateKey, signTxSync, toHex } from "@nullspace/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { RELAY_ERRORS, RelayErrorCode } from "../src/errors.js";
import { type RunningRelay, startRelay } from "../src/start.js";
import { type Devnet, startDevnet, WASM_PATH, waitUntil } from "./support/devnet.js";
import { type Answer, answerOf, OpenApiOracle } from "./support/openapi.js";
import { removeTempDirs, tempDir } from "./support/temp-dirs.js";

const ALLOWED = "http://casino.example";
const oracle = new OpenApiOracle();
let devnet: Devnet;
let core: Core;
let relay: RunningRelay;

beforeAll(async () => {
  core = await Core.load(readFileSync(WASM_PATH));
  devnet = await startDevnet();
  relay = await startRelay({
    genesisPath: join(devnet.dir, "genesis.json"),
    wasmPath: WASM_PATH,
    validators: [0, 1, 2, 3].map((i) => devnet.apiUrl(i)),
    dataDir: await tempDir("relay-openapi-"),
    allowedOrigins: [ALLOWED],
    log: () => {},
  });
  await relay.relay.waitForHeight(2n);
}, 180_000);

afterAll(async () => {
  await relay?.stop().catch(() => {});
  await devnet?.stop();
  await removeTempDirs();
});

/** "GET /blocks/{height}" for fastify's "/blocks/:height". */
const documented = (method: string, url: string) => `${method} ${url.replace(/:(\w+)/g, "{$1}")}`;

describe("docs/relay-openapi.yaml", () => {
  it("names every error code of the relay, and no other", () => {
    const schemas = oracle.doc.components.schemas as { ErrorDetail: { properties: { code: { enum: string[] } } } };
    expect([...schemas.ErrorDetail.properties.code.enum].sort()).toEqual(Object.keys(RelayErrorCode).sort());
  });

  it("describes every route the relay serves, and no other", () => {
    const http = relay.api.routes.http
      .filter((r) => r.method !== "HEAD" && r.method !== "OPTIONS") // HEAD follows GET; OPTIONS * is CORS preflight
      .map((r) => documented(r.method, r.url));
    // An upgrade prefix ("/rooms/") is one documented path under it with one parameter.
    const upgrade = relay.api.routes.upgrade.map((p) =>
      p.endsWith("/") ? (oracle.operations().find((op) => new RegExp(`^GET ${p}\\{\\w+\\}$`).test(op)) ?? `GET ${p}*`) : `GET ${p}`,
    );
    expect(relay.api.routes.upgrade.length).toBeGreaterThan(0);
    expect([...new Set([...http, ...upgrade])].sort()).toEqual([...oracle.operations()].sort());
  });

  it("gives the status and the body of every answer of a relay on a devnet", async () => {
    const problems: string[] = [];
    /** Operations that answered 2xx or 101: each documented one must, once. */
    const succeeded = new Set<string>();
    const record = (operation: string, a: Answer) => {
      problems.push(...oracle.problems(operation, a));
      if (a.status < 300) succeeded.add(operation);
      // An error body's code has the status the relay gives that code everywhere (errors.ts).
      const code = (a.body as { error?: { code?: string } } | null)?.error?.code;
      if (code !== undefined && RELAY_ERRORS[code as RelayErrorCode]?.status !== a.status)
        problems.push(`${operation}: ${code} answered with ${a.status}`);
      return a;
    };
    const call = async (operation: string, path: string, init?: RequestInit) =>
      record(operation, await answerOf(await fetch(`${relay.url}${path}`, init)));
    const get = (operation: string, path: string, headers: Record<string, string> = {}) => call(operation, path, { headers });
    const post = (body: Uint8Array | string, type = "application/vnd.nullspace.tx", headers: Record<string, string> = {}) =>
      call("POST /submit", "/submit", { method: "POST", headers: { "content-type": type, ...headers }, body: Buffer.from(body) });
    const upgrade = async (operation: string, path: string, headers: Record<string, string> = {}) =>
      record(operation, await upgradeAnswer(`${relay.url.replace("http", "ws")}${path}`, headers));

    // A player registers, opens a roulette table and spins: every explorer read then has rows.
    const chainId = BigInt(devnet.genesis.chainId);
    const player = LocalChain.signer(7001);
    const account = toHex(player.publicKey);
    const sign = (nonce: bigint, instruction: Parameters<typeof signTxSync>[0]["instruction"]) =>
      signTxSync({ codec: core.codec, signer: player, chainId, nonce, instruction });
    const register = sign(0n, { op: "register", name: "openapi" });
    const hashOf = (a: Answer) => (a.body as { hash: string }).hash;
    const isFinal = (hash: string) => async () => (await fetch(`${relay.url}/tx/${hash}`)).status === 200;
    await waitUntil("the registration is final", isFinal(hashOf(await post(register))));
    await post(sign(1n, roulette.start(7n)));
    const spinHash = hashOf(await post(sign(2n, roulette.spin(7n, [roulette.red(5n)]))));
    await waitUntil("the spin is final", isFinal(spinHash));
    const height = ((await (await fetch(`${relay.url}/tx/${spinHash}`)).json()) as { height: string }).height;

    // /submit's refusals.
    await post(register); // its nonce is used now
    await post(new Uint8Array([1, 2, 3]));
    const forged = register.slice();
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1;
    await post(forged);
    await post(sign(3n + 64n, { op: "register", name: "far" })); // past the nonce window (64)
    await post("hello", "text/plain");
    await post(new Uint8Array(5000));

    // Reads, each with a refusal or two.
    const reads: [string, string][] = [
      ["GET /log", "/log?from=1&to=3"],
      ["GET /log", "/log?from=3&to=1"],
      ["GET /log", "/log"],
      ["GET /state/{key}", `/state/${toHex(StateKey.account(player.publicKey))}`],
      ["GET /state/{key}", `/state/${toHex(StateKey.account(LocalChain.signer(7002).publicKey))}`],
      ["GET /state/{key}", "/state/zz"],
      ["GET /blocks", "/blocks?limit=2"],
      ["GET /blocks", "/blocks?limit=0"],
      ["GET /blocks/{height}", `/blocks/${height}`],
      ["GET /blocks/{height}", "/blocks/99999999"],
      ["GET /blocks/{height}", "/blocks/01"],
      ["GET /tx/{hash}", `/tx/${spinHash}`],
      ["GET /tx/{hash}", `/tx/${"ab".repeat(32)}`],
      ["GET /tx/{hash}", "/tx/xyz"],
      ["GET /accounts/{key}", `/accounts/${account}`],
      ["GET /accounts/{key}", `/accounts/${"cd".repeat(32)}`],
      ["GET /accounts/{key}", "/accounts/nope"],
      ["GET /accounts/{key}/sessions", `/accounts/${account}/sessions`],
      ["GET /accounts/{key}/sessions", `/accounts/${account}/sessions?limit=x`],
      ["GET /accounts/{key}/sessions/{id}", `/accounts/${account}/sessions/7`],
      ["GET /accounts/{key}/sessions/{id}", `/accounts/${account}/sessions/8`],
      ["GET /accounts/{key}/sessions/{id}", `/accounts/${account}/sessions/-1`],
      ["GET /leaderboard", "/leaderboard?limit=10"],
      ["GET /leaderboard", "/leaderboard?limit=0"],
      ["GET /stats", "/stats"],
      ["GET /search", "/search?q=OPENAPI"],
      ["GET /search", `/search?q=${spinHash}`],
      ["GET /search", `/search?q=${height}`],
      ["GET /search", "/search"],
      ["GET /healthz", "/healthz"],
      ["GET /readyz", "/readyz"],
      ["GET /metrics", "/metrics"],
      ["GET /updates", "/updates"],
    ];
    for (const [operation, path] of reads) await get(operation, path);
    // The origin allowlist guards every route.
    await get("GET /stats", "/stats", { origin: ALLOWED });
    await get("GET /stats", "/stats", { origin: "http://elsewhere.example" });

    // WebSocket upgrades and their refusals.
    await upgrade("GET /updates", "/updates?filter=all");
    await upgrade("GET /updates", `/updates?filter=account:${account}`);
    await upgrade("GET /updates", "/updates?filter=everything");
    await upgrade("GET /updates", "/updates?filter=all", { origin: "http://elsewhere.example" });
    await upgrade("GET /rooms/{room}", "/rooms/table:4:lobby");
    await upgrade("GET /rooms/{room}", "/rooms/lobby");

    // A flood past the per-address rate (20/s, burst 40): 429 with Retry-After.
    let limited: Answer | undefined;
    for (let i = 0; i < 80 && !limited; i++) {
      const a = await post(new Uint8Array([9]));
      if (a.status === 429) limited = a;
    }
    expect(limited?.headers.get("retry-after")).toMatch(/^[1-9][0-9]*$/);

    expect(problems).toEqual([]);
    expect([...succeeded].sort()).toEqual([...oracle.operations()].sort());
  }, 90_000);
});

/** A WebSocket upgrade as an answer: 101 once open (then closed), or the refusal's status, headers and body. */
function upgradeAnswer(url: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on("open", () => {
      resolve({ status: 101, headers: new Headers(), body: null });
      ws.close();
    });
    ws.on("unexpected-response", (_req, res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") h.set(k, v);
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({
          status: res.statusCode ?? 0,
          headers: h,
          body: h.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : text,
        });
      });
    });
    ws.on("error", (e) => reject(e));
  });
}
