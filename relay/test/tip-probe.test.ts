// The tip probe against stand-in validator APIs on loopback: it reads the finalized height from
// /readyz (200 or 503 alike) and hands over the bundle /blocks serves for a height past the tip;
// an answer not of the documented shape, a missing or oversized bundle, a validator that is down
// or hangs: no claim, no throw, and the probe does not count as answered; one that fails round
// after round, before any answer or after, is reported silent (the relay then follows another);
// every fifth round another validator is asked as well, and only what it proves counts. (Against real
// validators, and the proof of the claim: crash.test.ts, forged.test.ts; TipClaims decides.)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { fuzzRuns } from "../../core-as/test/support/fuzz.js";
import { finalizedOf, TipProbe } from "../src/follow/tip-probe.js";

const servers: Server[] = [];

/** A stand-in validator API: `answer` serves every request; the paths asked are kept. */
async function standIn(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; asked: string[] }> {
  const asked: string[] = [];
  const server = createServer((req, res) => {
    asked.push(req.url ?? "");
    answer(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked };
}

/** A validator at `finalized` (a /readyz body's field, as given) serving `bundle` for /blocks/<it>. */
function validator(readyz: unknown, bundle: Uint8Array | undefined, readyStatus = 200) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === "/readyz") {
      res.writeHead(readyStatus, { "content-type": "application/json" });
      res.end(typeof readyz === "string" ? readyz : JSON.stringify(readyz));
    } else if (req.url?.startsWith("/blocks/") && bundle) {
      res.writeHead(200, { "content-type": "application/vnd.nullspace.bundle" });
      res.end(Buffer.from(bundle));
    } else {
      res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "API_NOT_FOUND" } }));
    }
  };
}

/** A probe of `url` with tip `tip`, recording its claims; a claim is taken unless `refuse` says otherwise. */
function probeOf(url: string | undefined, tip = 10n, extra: { maxBundleBytes?: number; timeoutMs?: number; refuse?: boolean } = {}) {
  const claims: { height: bigint; bundle: number[]; from: string }[] = [];
  const { refuse, ...limits } = extra;
  const probe = new TipProbe({
    source: () => url,
    tip: () => tip,
    claim: async (height, bundle, from) => {
      claims.push({ height, bundle: [...bundle], from });
      if (!refuse && height > tip) tip = height;
    },
    ...limits,
  });
  return { probe, claims };
}

async function waitFor(done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 10) {
    if (waited > 5000) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections(); // a hung stand-in's requests too
    await new Promise((r) => s.close(r));
  }
});

describe("tip probe", () => {
  it("claims the height a validator's /readyz reports past the tip, with the bundle /blocks serves for it", async () => {
    for (const status of [200, 503]) {
      const v = await standIn(validator({ ready: status === 200, finalized: "42" }, Uint8Array.of(1, 2, 3), status));
      const { probe, claims } = probeOf(v.url);
      await probe.probe();
      expect(claims).toEqual([{ height: 42n, bundle: [1, 2, 3], from: v.url }]);
      expect(v.asked).toEqual(["/readyz", "/blocks/42"]);
      expect(probe.hasAnswered).toBe(true);
    }
  });

  it("does not count as answered when the claim is refused (its bundle did not prove it)", async () => {
    const v = await standIn(validator({ finalized: "42" }, Uint8Array.of(1)));
    const { probe, claims } = probeOf(v.url, 10n, { refuse: true });
    await probe.probe();
    expect(claims.map((c) => c.height)).toEqual([42n]);
    expect(probe.hasAnswered).toBe(false);
  });

  it("fetches no bundle for a height at or under the tip, and counts as answered", async () => {
    const v = await standIn(validator({ finalized: "10" }, Uint8Array.of(9)));
    const { probe, claims } = probeOf(v.url, 10n);
    await probe.probe();
    expect(claims).toEqual([]);
    expect(v.asked).toEqual(["/readyz"]);
    expect(probe.hasAnswered).toBe(true);
  });

  it("claims nothing, throws nothing and is not answered for answers not of the documented shape", async () => {
    const bodies: unknown[] = [
      "not json",
      "",
      "null",
      { finalized: 42 },
      { finalized: "042" },
      { finalized: "+42" },
      { finalized: "4e2" },
      { finalized: " 42" },
      { finalized: (1n << 64n).toString() },
      { finalized: null },
      {},
      [],
    ];
    for (const body of bodies) {
      const v = await standIn(validator(body, Uint8Array.of(1)));
      const { probe, claims } = probeOf(v.url);
      await probe.probe();
      expect(claims, JSON.stringify(body)).toEqual([]);
      expect(probe.hasAnswered).toBe(false);
    }
    // Another status than 200 and 503 is no answer, whatever its body.
    const teapot = await standIn(validator({ finalized: "42" }, Uint8Array.of(1), 418));
    const t = probeOf(teapot.url);
    await t.probe.probe();
    expect(t.claims).toEqual([]);
    expect(teapot.asked).toEqual(["/readyz"]);
  });

  it("claims nothing without a bundle: /blocks missing, empty or past maxBundleBytes (declared or streamed)", async () => {
    const missing = await standIn(validator({ finalized: "42" }, undefined));
    const empty = await standIn(validator({ finalized: "42" }, new Uint8Array(0)));
    const big = await standIn(validator({ finalized: "42" }, new Uint8Array(2048)));
    // Chunked: no content-length, the bytes only add up past the limit as they stream.
    const streamed = await standIn((req, res) => {
      if (req.url === "/readyz") {
        res.end(JSON.stringify({ finalized: "42" }));
        return;
      }
      res.writeHead(200, { "transfer-encoding": "chunked" });
      for (let i = 0; i < 8; i++) res.write(Buffer.alloc(512, i));
      res.end();
    });
    for (const v of [missing, empty, big, streamed]) {
      const { probe, claims } = probeOf(v.url, 10n, { maxBundleBytes: 1024 });
      await probe.probe();
      expect(claims).toEqual([]);
      expect(probe.hasAnswered).toBe(false);
    }
    // The same stream under the limit is taken.
    const { probe, claims } = probeOf(streamed.url, 10n, { maxBundleBytes: 4096 });
    await probe.probe();
    expect(claims.map((c) => [c.height, c.bundle.length])).toEqual([[42n, 4096]]);
  });

  it("survives a validator that is down, or hangs, and probes again after", async () => {
    const down = probeOf("http://127.0.0.1:1");
    await down.probe.probe();
    expect(down.claims).toEqual([]);
    let hang = true;
    const v = await standIn((req, res) => {
      if (hang) return; // never answers
      validator({ finalized: "50" }, Uint8Array.of(5))(req, res);
    });
    const { probe, claims } = probeOf(v.url, 10n, { timeoutMs: 200 });
    await probe.probe();
    expect(claims).toEqual([]);
    expect(probe.hasAnswered).toBe(false);
    hang = false;
    await probe.probe();
    expect(claims.map((c) => c.height)).toEqual([50n]);
    expect(probe.hasAnswered).toBe(true);
    // Following no validator (a store-fed relay): nothing is asked.
    const none = probeOf(undefined);
    await none.probe.probe();
    expect(none.claims).toEqual([]);
  });

  it("says a validator is silent after maxSilentRounds failed rounds in a row, before any answer and after one", async () => {
    let lying = true;
    let hung = false;
    // Reports a height, but serves no bundle for it: nothing it says can be checked.
    const v = await standIn((req, res) => {
      if (!hung) validator({ finalized: "42" }, lying ? undefined : Uint8Array.of(4))(req, res);
    });
    const silent: [string, number][] = [];
    const claims: bigint[] = [];
    let tip = 10n;
    const probe = new TipProbe({
      source: () => v.url,
      tip: () => tip,
      claim: async (h) => {
        claims.push(h);
        tip = h;
      },
      onSilent: (from, rounds) => silent.push([from, rounds]),
      maxSilentRounds: 3,
      timeoutMs: 100,
    });
    for (let i = 0; i < 7; i++) await probe.probe();
    expect(silent).toEqual([
      [v.url, 3],
      [v.url, 3],
    ]);
    lying = false;
    await probe.probe();
    expect(claims).toEqual([42n]);
    const answeredAt = probe.answeredAtMs;
    expect(answeredAt).toBeGreaterThan(0);
    // Answering at the tip it proved is an answer: the count starts over.
    lying = true;
    for (let i = 0; i < 6; i++) await probe.probe();
    expect(silent).toHaveLength(2);
    expect(probe.answeredAtMs).toBeGreaterThanOrEqual(answeredAt);
    // Then it hangs (a frozen process): left after three more rounds, though it answered before.
    hung = true;
    const lastAnswer = probe.answeredAtMs;
    for (let i = 0; i < 3; i++) await probe.probe();
    expect(silent).toEqual([
      [v.url, 3],
      [v.url, 3],
      [v.url, 3],
    ]);
    expect(probe.answeredAtMs).toBe(lastAnswer); // what /readyz reads the tip's age from
  });

  it("asks another validator every fifth round; what it proves raises the tip, its failures count for nothing", async () => {
    // The followed validator is cut off at height 10 (it answers, and never goes further); the
    // other is at 50, then down.
    const followed = await standIn(validator({ finalized: "10" }, Uint8Array.of(1)));
    let otherUp = true;
    const other = await standIn((req, res) => {
      if (otherUp) validator({ finalized: "50" }, Uint8Array.of(5))(req, res);
      else req.socket.destroy();
    });
    const silent: string[] = [];
    let tip = 10n;
    const probe = new TipProbe({
      source: () => followed.url,
      tip: () => tip,
      claim: async (h) => {
        if (h > tip) tip = h;
      },
      onSilent: (from) => silent.push(from),
      crossCheck: () => other.url,
      maxSilentRounds: 2,
    });
    for (let i = 0; i < 4; i++) await probe.probe();
    expect(other.asked).toEqual([]);
    await probe.probe(); // the fifth
    await waitFor(() => tip === 50n);
    expect(other.asked).toEqual(["/readyz", "/blocks/50"]);
    otherUp = false;
    for (let i = 0; i < 10; i++) await probe.probe();
    await new Promise((r) => setTimeout(r, 200)); // the cross-checks of rounds 10 and 15 fail
    expect(other.asked.length).toBeGreaterThanOrEqual(3);
    expect(silent).toEqual([]); // the followed validator answered every round
    expect(tip).toBe(50n);
  });

  it("reads only a canonical u64 string as the finalized height, from any JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (body) => {
        const h = finalizedOf(body);
        if (h === undefined) return;
        const v = (body as { finalized: string }).finalized;
        expect(h.toString()).toBe(v);
        expect(h < 1n << 64n).toBe(true);
      }),
      { numRuns: fuzzRuns(300) },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (h) => {
        expect(finalizedOf({ finalized: h.toString() })).toBe(h);
      }),
      { numRuns: fuzzRuns(300) },
    );
  });
});
