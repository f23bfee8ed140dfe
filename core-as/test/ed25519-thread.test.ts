// Ed25519Thread (src/node/ed25519-thread.ts) and its frame (src/node/ed25519-frame.ts): checks on
// worker threads give exactly the verdicts of `verify` on the calling thread — RFC 8032's vectors,
// damaged signatures, other messages, malformed keys — over one message or several, on one thread
// or two; checks pending when the threads stop are answered here; a frame reads back what was
// written and any other bytes are refused with BAD_VERIFY_FRAME.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { type VerifyItem, verify } from "../src/crypto/ed25519.js";
import { fromHex } from "../src/crypto/sha256.js";
import { readVerifyFrame, VerifyFrameError, VerifyFrameWriter } from "../src/node/ed25519-frame.js";
import { Ed25519Thread } from "../src/node/index.js";
import { fuzzRuns } from "./support/fuzz.js";
import vectors from "./vectors/rfc8032-ed25519.json" with { type: "json" };

const flip = (b: Uint8Array, i: number) => {
  const c = b.slice();
  c[i] = (c[i] as number) ^ 1;
  return c;
};

/** The RFC's vectors, then each with a damaged signature, another message and a damaged key. */
const cases: VerifyItem[] = vectors.vectors.flatMap((v) => {
  const good = { publicKey: fromHex(v.publicKey), message: fromHex(v.message), signature: fromHex(v.signature) };
  return [
    good,
    { ...good, signature: flip(good.signature, 40) },
    { ...good, message: Uint8Array.of(...good.message, 0) },
    { ...good, publicKey: flip(good.publicKey, 3) },
  ];
});
const expected = cases.map((c) => verify(c.publicKey, c.message, c.signature));

const threads: Ed25519Thread[] = [];
const started = (o: ConstructorParameters<typeof Ed25519Thread>[0]) => {
  const t = new Ed25519Thread(o);
  threads.push(t);
  return t;
};
afterAll(() => Promise.all(threads.map((t) => t.close())));

describe("Ed25519Thread", () => {
  it("agrees with verify on RFC 8032's vectors and their damaged forms", async () => {
    expect(expected.filter(Boolean)).toHaveLength(vectors.vectors.length); // the vectors pass, every damage fails
    const thread = started({ threads: 1 });
    expect(await Promise.all(cases.map((c) => thread.verify(c)))).toEqual(expected);
    expect(thread.answered).toEqual({ thread: cases.length, inline: 0 });
  });

  it("gives the same verdicts over many small messages and two threads, whatever the order", async () => {
    const thread = started({ threads: 2, maxBatch: 3 });
    await thread.warm();
    const order = [...cases.keys()].reverse();
    expect(await Promise.all(order.map((i) => thread.verify(cases[i] as VerifyItem)))).toEqual(order.map((i) => expected[i]));
    expect(thread.answered.thread).toBe(cases.length);
  });

  it("answers false for a key or signature of the wrong length, or no bytes at all, without a thread", async () => {
    const thread = started({ threads: 1 });
    const good = cases[0] as VerifyItem;
    const odd = [
      { ...good, publicKey: good.publicKey.subarray(1) },
      { ...good, signature: Uint8Array.of(...good.signature, 0) },
      { ...good, message: "text" as unknown as Uint8Array },
    ];
    expect(await Promise.all(odd.map((c) => thread.verify(c)))).toEqual([false, false, false]);
    expect(thread.answered).toEqual({ thread: 0, inline: 0 });
  });

  it("answers here the checks pending when it closes, and every check after", async () => {
    const thread = new Ed25519Thread({ threads: 1, maxBatch: 2 });
    await thread.warm();
    const pending = cases.map((c) => thread.verify(c)); // the full messages are out already
    const closing = thread.close();
    expect(await Promise.all(pending)).toEqual(expected);
    await closing;
    expect(thread.answered.inline).toBeGreaterThan(0);
    expect(thread.answered.thread + thread.answered.inline).toBe(cases.length);
    expect(await thread.verify(cases[0] as VerifyItem)).toBe(true);
    expect(thread.answered.thread + thread.answered.inline).toBe(cases.length + 1);
  });

  it("refuses nonsense options", () => {
    expect(() => new Ed25519Thread({ threads: 0 })).toThrow(RangeError);
    expect(() => new Ed25519Thread({ maxBatch: 1.5 })).toThrow(RangeError);
  });
});

const item = fc.record({
  publicKey: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  message: fc.uint8Array({ maxLength: 300 }),
  signature: fc.uint8Array({ minLength: 64, maxLength: 64 }),
});

describe("verify frames", () => {
  it("read back the checks written, through buffer growth, each frame untouched by the next", () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), fc.array(item, { maxLength: 10 }), (items, more) => {
        const w = new VerifyFrameWriter(8); // grows several times
        for (const it of items) w.push(it.publicKey, it.message, it.signature);
        expect(w.count).toBe(items.length);
        const first = w.take();
        expect(w.count).toBe(0);
        for (const it of more) w.push(it.publicKey, it.message, it.signature); // into the same buffer
        const second = w.take();
        expect(readVerifyFrame(first)).toEqual(items);
        expect(readVerifyFrame(second)).toEqual(more);
        expect(readVerifyFrame(w.take())).toEqual([]);
      }),
      { numRuns: fuzzRuns(200) },
    );
  });

  it("refuse any other bytes with BAD_VERIFY_FRAME, or read exactly what re-encodes to them", () => {
    const frameOf = (items: VerifyItem[]) => {
      const w = new VerifyFrameWriter();
      for (const it of items) w.push(it.publicKey, it.message, it.signature);
      return w.take();
    };
    const damaged = fc.array(item, { maxLength: 4 }).chain((items) => {
      const f = frameOf(items);
      return fc.oneof(
        fc.nat({ max: f.length }).map((n) => f.subarray(0, n)), // cut short
        fc.uint8Array({ minLength: 1, maxLength: 8 }).map((tail) => Uint8Array.of(...f, ...tail)), // trailing bytes
        fc.tuple(fc.nat({ max: f.length - 1 }), fc.nat({ max: 255 })).map(([i, v]) => {
          const g = f.slice();
          g[i] = v;
          return g;
        }),
      );
    });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), damaged), (bytes) => {
        let items: VerifyItem[];
        try {
          items = readVerifyFrame(bytes);
        } catch (e) {
          expect(e).toBeInstanceOf(VerifyFrameError);
          expect((e as VerifyFrameError).code).toBe("BAD_VERIFY_FRAME");
          return;
        }
        expect(frameOf(items)).toEqual(bytes);
      }),
      { numRuns: fuzzRuns(400) },
    );
  });

  it("refuse a key or signature of the wrong length when written", () => {
    const w = new VerifyFrameWriter();
    expect(() => w.push(new Uint8Array(31), new Uint8Array(0), new Uint8Array(64))).toThrow(RangeError);
    expect(() => w.push(new Uint8Array(32), new Uint8Array(0), new Uint8Array(65))).toThrow(RangeError);
    expect(w.count).toBe(0);
  });
});
