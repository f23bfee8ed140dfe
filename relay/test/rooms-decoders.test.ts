// The relay's own decoders of the y-websocket protocol and its room names, fuzzed: each returns a
// value or throws its own typed error (the table policy: a refusal, or any throw its caller turns
// into a close), never reads past the message it was given, and never hangs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { fuzzRuns } from "../../core-as/test/support/fuzz.js";
import {
  awarenessMessage,
  joinSignatureMessage,
  RoomMessageError,
  readAwarenessUpdate,
  readClientMessage,
  syncStep1Message,
  syncUpdateMessage,
} from "../src/rooms/messages.js";
import { parseRoomName, RoomNameError } from "../src/rooms/room-name.js";
import { tableUpdateRefusal } from "../src/rooms/table-policy.js";

const mutation = fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), kind: fc.constantFrom("flip", "cut", "add") });
function mutate(b: Uint8Array, m: { at: number; byte: number; kind: string }): Uint8Array {
  const i = b.length === 0 ? 0 : m.at % b.length;
  if (m.kind === "cut") return b.slice(0, i);
  if (m.kind === "add") return Uint8Array.from([...b.subarray(0, i), m.byte, ...b.subarray(i)]);
  const c = b.slice();
  if (c.length) c[i] = (c[i] as number) ^ (m.byte || 1);
  return c;
}

function typed<T>(f: () => T, error: new (...a: never[]) => Error): T | undefined {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof error)) throw e;
    return undefined;
  }
}

/** Real updates of a table document: chat entries, and (refused) writes elsewhere. */
function sampleUpdates(): Uint8Array[] {
  const doc = new Y.Doc();
  const out: Uint8Array[] = [];
  doc.on("update", (u: Uint8Array) => out.push(u));
  doc.getArray("chat").push([{ from: "a", text: "hi" }]);
  doc.getArray("chat").push(["x", 2, null]);
  doc.getArray("chat").delete(0, 1);
  doc.getMap("junk").set("k", new Y.Map());
  doc.getText("t").insert(0, "hello");
  return out;
}

const samples = [
  ...sampleUpdates().map(syncUpdateMessage),
  syncStep1Message(Y.encodeStateVector(new Y.Doc())),
  awarenessMessage(Uint8Array.of(1, 5, 1, 2, 123, 125)),
  joinSignatureMessage(new Uint8Array(64).fill(9)),
  Uint8Array.of(3),
];

describe("room messages", () => {
  it("decode or throw RoomMessageError on random and mutated bytes, reading only the message itself", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        mutation,
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        (s, m, junk, tail) => {
          for (const input of [mutate(s, m), junk]) {
            const alone = typed(() => readClientMessage(input), RoomMessageError);
            // The same bytes as a view into a larger buffer decode the same: no length reaches into `tail`.
            const padded = Uint8Array.from([...input, ...tail]).subarray(0, input.length);
            expect(typed(() => readClientMessage(padded), RoomMessageError)).toEqual(alone);
          }
        },
      ),
      { numRuns: fuzzRuns(3000) },
    );
    expect(readClientMessage(samples[0] as Uint8Array).kind).toBe("sync-update");
  });

  it("awareness updates decode within their limits or throw RoomMessageError", () => {
    const limits = { maxEntries: 4, maxStateChars: 64 };
    expect(readAwarenessUpdate(Uint8Array.of(1, 5, 1, 2, 123, 125), limits)).toEqual([{ clientId: 5, clock: 1, stateJson: "{}" }]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), mutation, (junk, m) => {
        for (const input of [junk, mutate(Uint8Array.of(1, 5, 1, 2, 123, 125), m)]) {
          const entries = typed(() => readAwarenessUpdate(input, limits), RoomMessageError);
          if (entries) {
            expect(entries.length).toBeLessThanOrEqual(4);
            for (const e of entries) expect(e.stateJson.length).toBeLessThanOrEqual(64);
          }
        }
      }),
      { numRuns: fuzzRuns(3000) },
    );
  });

  it("the table policy accepts chat entries only, and refuses or throws on everything else", () => {
    const [first, second, deletion, junk, text] = sampleUpdates() as Uint8Array[];
    const policy = { maxEntryChars: 100 };
    expect([first, second, deletion].map((u) => tableUpdateRefusal(u as Uint8Array, policy))).toEqual([undefined, undefined, undefined]);
    expect(tableUpdateRefusal(junk as Uint8Array, policy)).toMatch(/only the root array/);
    expect(tableUpdateRefusal(text as Uint8Array, policy)).toMatch(/only the root array/);
    expect(tableUpdateRefusal(first as Uint8Array, { maxEntryChars: 5 })).toMatch(/over 5 characters/);
    fc.assert(
      fc.property(fc.constantFrom(...sampleUpdates()), mutation, (u, m) => {
        try {
          const refusal = tableUpdateRefusal(mutate(u, m), policy);
          expect(refusal === undefined || typeof refusal === "string").toBe(true);
        } catch (e) {
          expect(e).toBeInstanceOf(Error); // the connection closes with 4400
        }
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });
});

describe("room names", () => {
  it("parse back to themselves or throw RoomNameError", () => {
    expect(parseRoomName("table:7:main-1")).toMatchObject({ kind: "table", gameId: 7n, tableId: "main-1" });
    expect(parseRoomName(`account:${"ab".repeat(32)}`).kind).toBe("account");
    for (const bad of [
      "table:07:a",
      "table:1:A",
      "table:1:",
      `table:${1n << 64n}:a`,
      "account:AB",
      `account:${"ab".repeat(32)}:x`,
      "lobby",
    ])
      expect(() => parseRoomName(bad)).toThrow(RoomNameError);
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.constantFrom("table:", "account:", ""), (s, prefix) => {
        const name = typed(() => parseRoomName(prefix + s), RoomNameError);
        if (name) expect(name.name).toBe(prefix + s);
      }),
      { numRuns: fuzzRuns(3000) },
    );
  });
});
