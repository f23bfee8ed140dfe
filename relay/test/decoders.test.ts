// Every parser the relay has of its own (the wasm decodes everything else): validator stream
// frames, bus messages, /updates filters, query strings, path and query parameters. Fuzzed: each
// either gives the canonical value back or throws its own typed error, never anything else.
import { type EventView, toHex, writeVarint } from "@nullspace/core";
import fc from "fast-check";
import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { fuzzRuns } from "../../core-as/test/support/fuzz.js";
import { parseAllowedOrigins } from "../src/api/origin.js";
import { parseHex, parseLimit, parseU64 } from "../src/api/params.js";
import { parseQuery, queryOf } from "../src/api/query.js";
import { RateLimiter } from "../src/api/rate-limit.js";
import { BusMessageMalformed, decodeHeightStored, encodeHeightStored } from "../src/bus/message.js";
import {
  decodeRoomBusMessage,
  encodeRoomBusMessage,
  RoomBusKind,
  type RoomBusMessage,
  RoomBusMessageMalformed,
} from "../src/bus/room-message.js";
import { RelayError } from "../src/errors.js";
import { decodeStreamFrame, StreamFrameError, StreamTag } from "../src/follow/stream-frame.js";
import { parseRoomName } from "../src/rooms/room-name.js";
import { FilterError, filterKey, keysSelecting, matches, parseFilter } from "../src/updates/filter.js";

function frame(tag: number, height: bigint, bundle: Uint8Array): Uint8Array {
  const head: number[] = [tag];
  writeVarint(head, height);
  return Uint8Array.from([...head, ...bundle]);
}

describe("validator stream frames", () => {
  it("decode what validators encode", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(StreamTag.FINALIZED, StreamTag.COMPLETED),
        fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        (tag, height, bundle) => {
          const f = decodeStreamFrame(frame(tag, height, bundle));
          expect([f.tag, f.height, toHex(f.bundle)]).toEqual([tag, height, toHex(bundle)]);
        },
      ),
    );
  });

  it("refuse anything else with StreamFrameError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        try {
          const f = decodeStreamFrame(bytes);
          expect(toHex(frame(f.tag, f.height, f.bundle))).toBe(toHex(bytes));
        } catch (e) {
          expect(e).toBeInstanceOf(StreamFrameError);
        }
      }),
      { numRuns: fuzzRuns(3000) },
    );
    expect(() => decodeStreamFrame(frame(2, 0n, Uint8Array.of(1)))).toThrow(StreamFrameError);
    expect(() => decodeStreamFrame(frame(2, 5n, new Uint8Array()))).toThrow(StreamFrameError);
    expect(() => decodeStreamFrame(Uint8Array.of(2, 0x85, 0x00, 1))).toThrow(StreamFrameError);
  });
});

describe("bus messages", () => {
  it("decode what relays encode", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.stringMatching(/^[0-9a-f]{8,32}$/),
        (height, sentAtMs, relayId) => {
          expect(decodeHeightStored(encodeHeightStored({ height, sentAtMs, relayId }))).toEqual({ height, sentAtMs, relayId });
        },
      ),
    );
  });

  it("refuse anything else with BusMessageMalformed", () => {
    for (const bad of [
      "",
      "12",
      "012 1 abcdef01",
      "1 1 ABCDEF01",
      "1  1 abcdef01",
      "18446744073709551616 1 abcdef01",
      `1 1 ${"a".repeat(200)}`,
    ])
      expect(() => decodeHeightStored(bad)).toThrow(BusMessageMalformed);
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          const m = decodeHeightStored(text);
          expect(encodeHeightStored(m)).toBe(text);
        } catch (e) {
          expect(e).toBeInstanceOf(BusMessageMalformed);
        }
      }),
    );
  });
});

describe("room bus messages", () => {
  const id = fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => toHex(b));
  const room = fc.oneof(
    fc.tuple(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.stringMatching(/^[a-z0-9-]{1,32}$/)).map(([g, t]) => `table:${g}:${t}`),
    fc.uint8Array({ minLength: 32, maxLength: 32 }).map((k) => `account:${toHex(k)}`),
  );
  const message: fc.Arbitrary<RoomBusMessage> = fc
    .record({ from: id, to: id, kind: fc.constantFrom(...Object.values(RoomBusKind)), room, payload: fc.uint8Array({ maxLength: 64 }) })
    .map(({ to, kind, room, ...m }) => ({ ...m, kind, room: parseRoomName(room), ...(kind === RoomBusKind.SYNC_REPLY ? { to } : {}) }));

  it("round-trip, and re-encode to the same bytes", () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = encodeRoomBusMessage(m);
        const back = decodeRoomBusMessage(bytes);
        expect({ ...back, payload: [...back.payload] }).toEqual({ ...m, payload: [...m.payload] });
        expect([...encodeRoomBusMessage(back)]).toEqual([...bytes]);
      }),
    );
  });

  it("anything else is RoomBusMessageMalformed, never another throw", () => {
    const good = encodeRoomBusMessage({
      from: "0011223344556677",
      kind: RoomBusKind.UPDATE,
      room: parseRoomName("table:1:a"),
      payload: Uint8Array.of(1),
    });
    for (const bad of [
      new Uint8Array(0),
      good.subarray(0, 10),
      Uint8Array.of(2, ...good.subarray(1)),
      Uint8Array.of(...good.subarray(0, 9), 9, ...good.subarray(10)),
    ])
      expect(() => decodeRoomBusMessage(bad)).toThrow(RoomBusMessageMalformed);
    const badName = Uint8Array.of(...good.subarray(0, 11), ...new TextEncoder().encode("table:1:A"), 1);
    expect(() => decodeRoomBusMessage(badName)).toThrow(RoomBusMessageMalformed);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        try {
          decodeRoomBusMessage(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(RoomBusMessageMalformed);
        }
      }),
    );
  });
});

describe("/updates filters", () => {
  it("parse the four documented forms to one canonical key", () => {
    const account = "ab".repeat(32);
    expect(parseFilter(undefined)).toEqual({ kind: "all" });
    expect(filterKey(parseFilter(`account:${account}`))).toBe(`account:${account}`);
    expect(parseFilter("session:18446744073709551615")).toEqual({ kind: "session", id: (1n << 64n) - 1n });
    expect(filterKey(parseFilter("game:7"))).toBe("game:7");
    expect(parseFilter(`session:${account}:9`)).toEqual({ kind: "session", account, id: 9n });
    expect(filterKey(parseFilter(`session:${account}:9`))).toBe(`session:${account}:9`);
    for (const bad of [
      "",
      "table:1",
      "account:",
      `account:${"AB".repeat(32)}`,
      "session:01",
      `session:${account}:`,
      `session:${account}:01`,
      `session:${"AB".repeat(32)}:1`,
      `game:${account}:1`,
      "game:18446744073709551616",
      "all:1",
    ])
      expect(() => parseFilter(bad), bad).toThrow(FilterError);
  });

  it("match a session's game events and its Shield or Double, of every player or of one", () => {
    const [alice, bob] = ["aa".repeat(32), "bb".repeat(32)];
    const base = { height: 5n, txIndex: 0, nonce: 1n };
    const round = (account: string) =>
      ({
        ...base,
        account,
        kind: "gameRound",
        sessionId: 9n,
        game: 4,
        move: 1,
        phase: 0,
        draws: [],
        bets: [],
        info: [],
        staked: 1n,
        returned: 0n,
        chips: 5n,
        finished: false,
      }) as EventView;
    const shield = {
      ...base,
      account: alice,
      kind: "modifierApplied",
      sessionId: 9n,
      tournamentId: 1n,
      modifiers: 1,
      staked: 1n,
      returned: 0n,
      extra: 1n,
      stack: 6n,
    } as EventView;
    const events = [round(alice), shield, round(bob)];
    const picked = (f: string) => events.map((e) => matches(parseFilter(f), e));
    expect(picked("session:9")).toEqual([true, true, true]);
    expect(picked(`session:${alice}:9`)).toEqual([true, true, false]);
    expect(picked(`session:${bob}:9`)).toEqual([false, false, true]);
    expect(picked(`session:${alice}:8`)).toEqual([false, false, false]);
    expect(picked("game:4")).toEqual([true, false, true]);
  });

  it("index events by exactly the filters that match them (keysSelecting agrees with matches)", () => {
    const accounts = ["aa".repeat(32), "bb".repeat(32)];
    const account = fc.constantFrom(...accounts);
    const small = fc.bigInt({ min: 0n, max: 3n });
    const event = fc.record({
      kind: fc.constantFrom("gameStarted", "gameRound", "modifierApplied", "faucetClaimed", "registered"),
      account,
      sessionId: small,
      game: fc.integer({ min: 0, max: 3 }),
    });
    const filter = fc.oneof(
      fc.constant("all"),
      account.map((a) => `account:${a}`),
      small.map((id) => `session:${id}`),
      fc.tuple(account, small).map(([a, id]) => `session:${a}:${id}`),
      small.map((id) => `game:${id}`),
    );
    fc.assert(
      fc.property(event, filter, (e, f) => {
        const ev = { height: 1n, txIndex: 0, nonce: 0n, ...e } as unknown as EventView;
        const parsed = parseFilter(f);
        expect(keysSelecting(ev).includes(filterKey(parsed))).toBe(matches(parsed, ev));
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });

  it("never accept a string whose key is not itself", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.constantFrom("account:", "session:", "game:", `session:${"ab".repeat(32)}:`).chain((p) => fc.string().map((s) => p + s)),
        ),
        (s) => {
          try {
            expect(filterKey(parseFilter(s))).toBe(s);
          } catch (e) {
            expect(e).toBeInstanceOf(FilterError);
          }
        },
      ),
      { numRuns: fuzzRuns(3000) },
    );
  });
});

describe("parameters", () => {
  it("take canonical decimal u64 and lowercase hex only", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 24 }), (s) => {
        try {
          expect(parseU64(s, "RELAY_BAD_HEIGHT", "h").toString()).toBe(s);
        } catch (e) {
          expect(e).toBeInstanceOf(RelayError);
          expect((e as RelayError).code).toBe("RELAY_BAD_HEIGHT");
        }
        try {
          expect(toHex(parseHex(s, { max: 64 }, "k"))).toBe(s);
        } catch (e) {
          expect((e as RelayError).code).toBe("RELAY_BAD_KEY");
        }
        try {
          expect(parseLimit(s, 20, 100)).toBe(Math.min(Number(s), 100));
        } catch (e) {
          expect((e as RelayError).code).toBe("RELAY_BAD_REQUEST");
        }
      }),
      { numRuns: fuzzRuns(3000) },
    );
    expect(parseU64("18446744073709551615", "RELAY_BAD_HEIGHT", "h")).toBe((1n << 64n) - 1n);
    expect(() => parseU64("18446744073709551616", "RELAY_BAD_HEIGHT", "h")).toThrow(RelayError);
  });
});

describe("query strings", () => {
  const asRequest = (query: string) => ({ query: parseQuery(query) }) as unknown as FastifyRequest;

  it("give back every field a client encoded, a repeated key as an array", () => {
    const field = fc.tuple(fc.string({ unit: "grapheme", maxLength: 8 }), fc.string({ unit: "grapheme", maxLength: 8 }));
    fc.assert(
      fc.property(fc.array(field, { maxLength: 6 }), fc.boolean(), (fields, plus) => {
        const encode = (s: string) => (plus ? encodeURIComponent(s).replace(/%20/g, "+") : encodeURIComponent(s));
        const want: Record<string, string | string[]> = Object.create(null); // "toString" is a field like any other
        for (const [k, v] of fields) {
          const have = want[k];
          want[k] = have === undefined ? v : [have, v].flat();
        }
        const got = queryOf(asRequest(fields.map(([k, v]) => `${encode(k)}=${encode(v)}`).join("&")));
        expect({ ...got }).toEqual({ ...want });
      }),
      { numRuns: fuzzRuns(2000) },
    );
    expect({ ...queryOf(asRequest("a&b=&=c&&q=x+y%2By")) }).toEqual({ a: "", b: "", "": "c", q: "x y+y" });
  });

  it("not valid percent-encoding: RELAY_BAD_REQUEST when read, never another throw (fuzzed)", () => {
    for (const bad of ["q=%FF", "q=%", "q=%E2%82", "q=a%2", "from=1&to=%E2%82&x=%AC", "%zz=1"])
      expect(() => queryOf(asRequest(bad)), bad).toThrow(expect.objectContaining({ code: "RELAY_BAD_REQUEST" }));
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9=&%+A-F]{0,24}$/), (q) => {
        let valid = true;
        try {
          decodeURIComponent(q);
        } catch {
          valid = false;
        }
        try {
          queryOf(asRequest(q));
          expect(valid).toBe(true);
        } catch (e) {
          expect([valid, (e as RelayError).code]).toEqual([false, "RELAY_BAD_REQUEST"]);
        }
      }),
      { numRuns: fuzzRuns(3000) },
    );
  });
});

describe("--allowed-origins", () => {
  it("takes origins as browsers send them and refuses what no browser's Origin would match", () => {
    expect(parseAllowedOrigins("https://play.example,http://localhost:5173")).toEqual(["https://play.example", "http://localhost:5173"]);
    expect(parseAllowedOrigins(" https://a.example , https://b.example:8443")).toEqual(["https://a.example", "https://b.example:8443"]);
    for (const bad of [
      "https://play.example/",
      "https://Play.example",
      "https://play.example/app",
      "play.example",
      "null",
      "",
      "ftp://x.example",
      "https://a.example:443",
    ])
      expect(() => parseAllowedOrigins(bad), bad).toThrow(/allowed origins are http\(s\):\/\/host/);
  });

  it("gives back only origins that are their own serialization, or throws (fuzzed)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.webUrl().map((u) => `${u},${u}`),
          fc.webUrl(),
        ),
        (list) => {
          let origins: string[];
          try {
            origins = parseAllowedOrigins(list);
          } catch (e) {
            expect((e as Error).message).toMatch(/^allowed origins are/);
            return;
          }
          for (const o of origins) expect(new URL(o).origin).toBe(o);
        },
      ),
      { numRuns: fuzzRuns(500) },
    );
  });
});

describe("rate limiter", () => {
  it("allows the burst, then the rate, per key, on a virtual clock", () => {
    let now = 0;
    const r = new RateLimiter({ rate: 2, burst: 3, maxKeys: 2 }, () => now);
    expect([r.take("a"), r.take("a"), r.take("a")]).toEqual([0, 0, 0]);
    expect(r.take("a")).toBe(1);
    expect(r.take("b")).toBe(0);
    now += 500;
    expect(r.take("a")).toBe(0);
    expect(r.take("a")).toBeGreaterThan(0);
    // A third key evicts the least recently used one, which comes back with a full bucket.
    r.take("c");
    expect(r.take("b")).toBe(0);
  });
});
