// The relay's API documents against the relay itself. docs/relay-openapi.yaml describes every
// route the relay serves and no other, names every error code, and every answer a relay on a real
// devnet gives (successes, refusals, WebSocket upgrades and their refusals) has a status the
// document gives for that operation and a body its schema accepts; every parameter value its
// schemas allow is taken and every other refused. docs/relay-api.md's tables of error codes,
// close codes and metrics are the relay's. A client written against the documents reads what
// the relay sends.
import { readFileSync } from "node:fs";
import { Core, fromHex, LocalChain, roulette, StateKey, signTxSync, toHex } from "@nullspace/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fuzzRuns } from "../../core-as/test/support/fuzz.js";
import { doc, exposedMetricTypes, metricTable, tableRows } from "../../validators/test/support/doc-tables.js";
import { RELAY_ERRORS, RelayErrorCode, RoomCloseCode, UpdatesCloseCode } from "../src/errors.js";
import { type RunningRelay, startRelay } from "../src/start.js";
import { checker as checkerOf, documented, overU64, U64_MAX, urlOf } from "./support/api-checker.js";
import { type Devnet, relayOptions, startDevnet, WASM_PATH, waitUntil } from "./support/devnet.js";
import { type Answer, OpenApiOracle } from "./support/openapi.js";
import { rawAnswer, submit as submitTo } from "./support/relays.js";
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
    ...relayOptions(devnet),
    dataDir: await tempDir("relay-openapi-"),
    allowedOrigins: [ALLOWED],
  });
  await relay.relay.waitForHeight(2n);
  seed = await seedPlayer();
}, 180_000);

afterAll(async () => {
  await relay?.stop().catch(() => {});
  await devnet?.stop();
  await removeTempDirs();
});

/** A player who registered, opened a roulette table (session 7) and spun: every explorer read has rows. */
let seed: {
  account: string;
  spinHash: string;
  /** The spin's height. */
  height: string;
  register: Uint8Array;
  sign: (nonce: bigint, instruction: Parameters<typeof signTxSync>[0]["instruction"]) => Uint8Array;
  /** The /submit answers of the three transactions. */
  submitted: Answer[];
};

async function seedPlayer(): Promise<typeof seed> {
  const chainId = BigInt(devnet.genesis.chainId);
  const player = LocalChain.signer(7001);
  const sign = (nonce: bigint, instruction: Parameters<typeof signTxSync>[0]["instruction"]) =>
    signTxSync({ codec: core.codec, signer: player, chainId, nonce, instruction });
  const submit = (tx: Uint8Array) => submitTo(relay.url, tx);
  const hashOf = (a: Answer) => (a.body as { hash: string }).hash;
  const isFinal = (hash: string) => async () => (await fetch(`${relay.url}/tx/${hash}`)).status === 200;
  const register = sign(0n, { op: "register", name: "openapi" });
  const submitted = [await submit(register)];
  await waitUntil("the registration is final", isFinal(hashOf(submitted[0] as Answer)));
  submitted.push(await submit(sign(1n, roulette.start(7n))), await submit(sign(2n, roulette.spin(7n, [roulette.red(5n)]))));
  const spinHash = hashOf(submitted[2] as Answer);
  await waitUntil("the spin is final", isFinal(spinHash));
  const height = ((await (await fetch(`${relay.url}/tx/${spinHash}`)).json()) as { height: string }).height;
  return { account: toHex(player.publicKey), spinHash, height, register, sign, submitted };
}

/** Requests to this file's relay, held to the document. */
const checker = () => checkerOf(oracle, relay.url);

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
    const { problems, succeeded, record, get, post, upgrade } = checker();
    const { account, spinHash, height, register, sign } = seed;
    for (const a of seed.submitted) record("POST /submit", a);

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
      ["GET /state/{key}", `/state/${toHex(StateKey.account(fromHex(account)))}`],
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

    // Edges of the parameters: ids are u64 (the largest is taken, one past it refused), q counts
    // characters, and over-long or badly encoded paths and queries get the relay's own 400, not the router's.
    const edges: [string, string, number][] = [
      ["GET /blocks", "/blocks?before=0", 200],
      ["GET /blocks", "/blocks?before=18446744073709551615", 200],
      ["GET /blocks", "/blocks?before=18446744073709551616", 400],
      ["GET /blocks/{height}", "/blocks/18446744073709551615", 404],
      ["GET /blocks/{height}", "/blocks/18446744073709551616", 400],
      ["GET /log", "/log?from=18446744073709551615", 200],
      ["GET /search", "/search?q=18446744073709551615", 200],
      ["GET /search", `/search?q=${encodeURIComponent("🂡".repeat(64))}`, 200], // 64 characters, 128 UTF-16 units
      ["GET /search", `/search?q=${encodeURIComponent("🂡".repeat(65))}`, 400],
      ["GET /search", "/search?q=a%00b", 400], // PostgreSQL text holds no NUL: was a 500
      ["GET /search", "/search?q=%FF", 400], // not UTF-8: was taken raw and echoed
      ["GET /blocks", "/blocks?before=1&limit=%", 400],
      ["GET /stats", "/stats?x=%FF", 200], // a route that reads no query ignores it
      ["GET /accounts/{key}/sessions/{id}", `/accounts/${account}/sessions/7?after=18446744073709551615`, 200],
      ["GET /state/{key}", `/state/${"ab".repeat(64)}`, 200],
      ["GET /state/{key}", `/state/${"ab".repeat(65)}`, 400],
      ["GET /tx/{hash}", "/tx/%E0%A4%A", 400],
    ];
    for (const [operation, path, status] of edges) expect((await get(operation, path)).status, path).toBe(status);
    const blocks = async (q: string) => ((await (await fetch(`${relay.url}/blocks?${q}`)).json()) as { blocks: unknown[] }).blocks;
    expect(await blocks("before=0")).toEqual([]);

    // Store reads past the gate's turns and queue are refused at once, and served again after.
    const gate = relay.api.reads;
    let release!: () => void;
    const holding = new Promise<void>((r) => {
      release = r;
    });
    const held = Array.from({ length: gate.maxInFlight + gate.maxWaiting }, () => gate.run(() => holding));
    for (const [operation, path] of [
      ["GET /blocks", "/blocks"],
      ["GET /search", "/search?q=open"],
    ] as const) {
      const busy = await get(operation, path);
      expect([busy.status, (busy.body as { error: { code: string } }).error.code, busy.headers.get("retry-after")]).toEqual([
        503,
        "RELAY_READS_BUSY",
        "1",
      ]);
    }
    release();
    await Promise.all(held);
    expect((await get("GET /search", "/search?q=open")).status).toBe(200);

    // WebSocket upgrades and their refusals.
    await upgrade("GET /updates", "/updates?filter=all");
    await upgrade("GET /updates", `/updates?filter=account:${account}`);
    await upgrade("GET /updates", "/updates?filter=everything");
    expect((await upgrade("GET /updates", "/updates?filter=game:18446744073709551615")).status).toBe(101);
    expect((await upgrade("GET /updates", "/updates?filter=game:18446744073709551616")).status).toBe(400);
    expect((await upgrade("GET /rooms/{room}", "/rooms/table:18446744073709551616:lobby")).status).toBe(400);
    await upgrade("GET /updates", "/updates?filter=all", { origin: "http://elsewhere.example" });
    await upgrade("GET /rooms/{room}", "/rooms/table:4:lobby");
    await upgrade("GET /rooms/{room}", "/rooms/lobby");
    expect((await get("GET /rooms/{room}", "/rooms/table:4:lobby")).status).toBe(426); // no Upgrade: was a 404

    // Handshakes ws would refuse in plain text get the relay's typed body and request id.
    const handshake = {
      connection: "Upgrade",
      upgrade: "websocket",
      "sec-websocket-version": "13",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
    };
    const { "sec-websocket-key": _key, ...keyless } = handshake;
    const refusals: [string, string, Parameters<typeof rawAnswer>[1], number, string][] = [
      ["GET /updates", "/updates", { headers: keyless }, 400, "RELAY_BAD_REQUEST"],
      ["GET /updates", "/updates", { headers: { ...handshake, "sec-websocket-version": "12" } }, 400, "RELAY_BAD_REQUEST"],
      [
        "GET /rooms/{room}",
        "/rooms/table:4:lobby",
        { headers: { ...handshake, "sec-websocket-key": "short==" } },
        400,
        "RELAY_BAD_REQUEST",
      ],
      [
        "GET /rooms/{room}",
        "/rooms/table:4:lobby",
        { headers: { ...handshake, "sec-websocket-protocol": "a, a" } },
        400,
        "RELAY_BAD_REQUEST",
      ],
      ["POST /updates", "/updates", { method: "POST", headers: handshake }, 405, "RELAY_METHOD_NOT_ALLOWED"],
    ];
    for (const [operation, path, init, status, code] of refusals) {
      const a = await rawAnswer(`${relay.url}${path}`, { ...init, headers: { ...init?.headers, "x-request-id": "handshake-1" } });
      if (operation !== "POST /updates") record(operation, a);
      expect([a.status, (a.body as { error: { code: string } }).error.code, a.headers.get("x-request-id")], path).toEqual([
        status,
        code,
        "handshake-1",
      ]);
    }
    expect((await rawAnswer(`${relay.url}/updates?filter=all`, { headers: handshake })).status).toBe(101);
    // An offer of another protocol (curl --http2 sends h2c) is ignored: the route answers.
    const h2c = { connection: "Upgrade, HTTP2-Settings", upgrade: "h2c", "http2-settings": "AAMAAABkAARAAAAAAAIAAAAA" };
    expect(record("GET /healthz", await rawAnswer(`${relay.url}/healthz`, { headers: h2c })).status).toBe(200);
    expect(record("GET /log", await rawAnswer(`${relay.url}/log?from=1&to=1`, { headers: h2c })).status).toBe(200);
    expect(record("GET /updates", await rawAnswer(`${relay.url}/updates`, { headers: h2c })).status).toBe(426);
    const h2cBody = record(
      "POST /submit",
      await rawAnswer(`${relay.url}/submit`, { method: "POST", headers: h2c, body: new Uint8Array([1]) }),
    );
    expect([h2cBody.status, (h2cBody.body as { error: { code: string } }).error.code]).toEqual([400, "RELAY_BAD_REQUEST"]);

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

  it("answers /log for any from and to: their heights the relay holds, or RELAY_BAD_RANGE", async () => {
    const { problems, get } = checker();
    const near = fc.bigInt({ min: 0n, max: 80n });
    const anyU64 = fc.oneof(near, fc.bigInt({ min: 0n, max: U64_MAX }), fc.constant(U64_MAX));
    const range = anyU64.chain((from) =>
      fc.tuple(
        fc.constant(from),
        fc
          .option(
            fc.oneof(
              fc.oneof(fc.constantFrom(-1n, 0n, 255n, 256n), fc.bigInt({ min: -2n, max: 300n })).map((d) => from + d),
              fc.bigInt({ min: 0n, max: U64_MAX }),
            ),
          )
          .filter((to) => to === null || (to >= 0n && to <= U64_MAX)),
      ),
    );
    await fc.assert(
      fc.asyncProperty(range, async ([from, to]) => {
        const a = await get("GET /log", `/log?from=${from}${to === null ? "" : `&to=${to}`}`);
        const last = to ?? from + 255n;
        if (from < 1n || last < from || last - from >= 256n) {
          expect((a.body as { error: { code: string } }).error.code).toBe("RELAY_BAD_RANGE");
          return;
        }
        const body = a.body as { from: string; to: string; tip: string; bundles: string[] };
        const end = last < BigInt(body.tip) ? last : BigInt(body.tip);
        const count = end >= from ? Number(end - from + 1n) : 0;
        expect(body.bundles).toHaveLength(count);
        expect([body.from, body.to]).toEqual([String(from), String(from + BigInt(count) - 1n)]);
      }),
      { numRuns: fuzzRuns(40) },
    );
    expect(problems).toEqual([]);
  });

  it("pages the explorer's lists with limit and before: every item once, newest first, none past the limit", async () => {
    const { problems, get } = checker();
    /** Walks `operation` page by page: `items` of an answer, and the `before` of the next page after `last`. */
    const walk = async (
      operation: string,
      path: string,
      limit: number,
      items: (body: never) => unknown[],
      cursor: (item: never) => string,
    ) => {
      const seen: unknown[] = [];
      const cursors = new Set<string>();
      // Pages until an empty one, as long as every cursor is new: the devnet keeps finalizing, so
      // the number of pages grows with the test's length (a longer fuzz campaign walks past 500).
      for (let before: string | undefined; ; ) {
        const a = await get(operation, `${path}?limit=${limit}${before === undefined ? "" : `&before=${before}`}`);
        const page = items(a.body as never);
        expect(page.length).toBeLessThanOrEqual(limit);
        if (page.length === 0) return seen;
        seen.push(...page);
        before = cursor(page.at(-1) as never);
        if (cursors.has(before)) throw new Error(`${path} came back to before=${before}`);
        cursors.add(before);
      }
    };
    const { account } = seed;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 100 })), async (limit) => {
        // Heights: from the tip (as of the first page) down to 1, each once.
        const heights = (
          await walk(
            "GET /blocks",
            "/blocks",
            limit,
            (b: { blocks: { height: string }[] }) => b.blocks,
            (h: { height: string }) => h.height,
          )
        ).map((h) => BigInt((h as { height: string }).height));
        const top = heights[0] as bigint;
        expect(heights).toEqual(Array.from({ length: Number(top) }, (_, i) => top - BigInt(i)));
        // The player's history by leaf, and their sessions by cursor: the same as one page of all.
        const history = await walk(
          "GET /accounts/{key}",
          `/accounts/${account}`,
          limit,
          (b: { history: unknown[] }) => b.history,
          (e: { leaf: string }) => e.leaf,
        );
        expect(history).toEqual(
          ((await get("GET /accounts/{key}", `/accounts/${account}?limit=100`)).body as { history: unknown[] }).history,
        );
        const sessions = await walk(
          "GET /accounts/{key}/sessions",
          `/accounts/${account}/sessions`,
          limit,
          (b: { sessions: unknown[] }) => b.sessions,
          (x: { cursor: string }) => x.cursor,
        );
        expect(sessions).toEqual(
          ((await get("GET /accounts/{key}/sessions", `/accounts/${account}/sessions?limit=100`)).body as { sessions: unknown[] }).sessions,
        );
      }),
      { numRuns: fuzzRuns(8) },
    );
    expect(problems).toEqual([]);
  });

  it("takes every parameter value the document allows, and refuses every other with 400", async () => {
    const { problems, get, upgrade } = checker();
    let cases = 0;
    for (const operation of oracle.operations().filter((op) => op.startsWith("GET "))) {
      const path = operation.slice(4);
      const params = oracle.parameters(operation);
      for (const p of params) {
        // /log's from and to are also bound to each other (from ≤ to, at most 256 heights): its text says so.
        if (path === "/log") continue;
        /** The answer to `operation` with every required parameter at its known value and `p` at `value`. */
        const ask = (value: string) => {
          const values = { ...known(), [p.name]: value };
          const query = Object.fromEntries(
            params.filter((q) => q.in === "query" && (q.required || q === p)).map((q) => [q.name, values[q.name] as string]),
          );
          const url = urlOf(path, values, query);
          cases++;
          return path === "/updates" || path.startsWith("/rooms/") ? upgrade(operation, url) : get(operation, url);
        };
        // A path parameter of "", dots or a "/" would be another path, not another value.
        const asPath = (v: string) => p.in !== "path" || (v !== "" && !/^\.+$/.test(v) && !v.includes("/"));
        // The document's patterns take ids of up to 20 digits and its descriptions say they are
        // u64: values past 2^64 − 1 are refused (checked apart, above), and left out here.
        const allowed = p.schema.pattern
          ? fc.stringMatching(new RegExp(p.schema.pattern), { size: "medium" })
          : fc.string({ minLength: p.schema.minLength ?? 0, maxLength: p.schema.maxLength ?? 80, unit: "grapheme", size: "medium" });
        await fc.assert(
          fc.asyncProperty(
            allowed.filter((v) => p.allows(v) && !overU64(v)),
            async (v) => {
              expect.soft((await ask(v)).status, `${operation} ${p.name}=${v}`).not.toBe(400);
            },
          ),
          { numRuns: fuzzRuns(20) },
        );
        const refused = fc
          .string({ maxLength: 90, unit: "grapheme", size: "medium" })
          .filter((v) => !p.allows(v) && !overU64(v) && asPath(v));
        await fc.assert(
          fc.asyncProperty(refused, async (v) => {
            expect.soft((await ask(v)).status, `${operation} ${p.name}=${v}`).toBe(400);
          }),
          { numRuns: fuzzRuns(20) },
        );
      }
    }
    expect(cases).toBeGreaterThan(400);
    expect(problems).toEqual([]);
  }, 120_000);
});

/** A value of each parameter name that the seeded player's rows answer to. */
const known = (): Record<string, string> => ({
  key: seed.account,
  hash: seed.spinHash,
  height: seed.height,
  id: "7",
  from: "1",
  q: "openapi",
  filter: "all",
  room: "table:4:lobby",
});

describe("docs/relay-api.md", () => {
  const md = doc("relay-api.md");

  it("gives every error code the status errors.ts gives it (the close code, for those only WebSockets answer)", () => {
    const rows = tableRows(md, ["code", "status / close", "meaning"]);
    expect(rows.map(([code]) => code).sort()).toEqual(Object.keys(RelayErrorCode).sort());
    const closeOf = (code: string) => ({ ...UpdatesCloseCode, ...RoomCloseCode })[code as keyof typeof RoomCloseCode];
    for (const [code, given] of rows as [RelayErrorCode, string][])
      expect(Number(given), code).toBe(Number(given) < 1000 ? RELAY_ERRORS[code].status : closeOf(code));
  });

  it("lists the close codes of /updates and of /rooms the relay closes with", () => {
    const closes = (nth: number) =>
      Object.fromEntries(
        tableRows(md, ["close code", "reason prefix", "when"], nth)
          .filter(([, reason]) => reason?.startsWith("RELAY_"))
          .map(([code, reason]) => [reason, Number(code)]),
      );
    expect(closes(0)).toEqual(UpdatesCloseCode);
    expect(closes(1)).toEqual(RoomCloseCode);
  });

  it("names every metric /metrics exposes, with its type, and no other", async () => {
    const text = await (await fetch(`${relay.url}/metrics`)).text();
    const exposed = exposedMetricTypes(text);
    const documented = Object.fromEntries(metricTable(md));
    expect(Object.keys(exposed).length).toBeGreaterThan(20);
    expect(documented).toEqual(exposed);
  });
});
