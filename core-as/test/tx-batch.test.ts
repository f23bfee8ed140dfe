// The /submit batch envelope: encode and decode round-trip, one encoding per batch, and every
// malformed body (truncations, lies about counts and lengths, trailing bytes, non-minimal varints)
// is a TxBatchError, never a throw of another kind or a read past the body.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeTxBatch, encodeTxBatch, TxBatchError } from "../src/client/tx-batch.js";

const txs = fc.array(fc.uint8Array({ minLength: 0, maxLength: 300 }), { minLength: 1, maxLength: 20 });

describe("tx batch", () => {
  it("round-trips, and a decoded batch re-encodes to the same bytes", () => {
    fc.assert(
      fc.property(txs, (ts) => {
        const body = encodeTxBatch(ts);
        const out = decodeTxBatch(body, 1024);
        expect(out.map((t) => [...t])).toEqual(ts.map((t) => [...t]));
        expect([...encodeTxBatch(out)]).toEqual([...body]);
      }),
    );
  });

  it("refuses every malformed body with TxBatchError", () => {
    const body = encodeTxBatch([Uint8Array.of(1, 2, 3), Uint8Array.of(4)]);
    for (const bad of [
      new Uint8Array(0),
      Uint8Array.of(0),
      body.subarray(0, body.length - 1),
      Uint8Array.of(...body, 9),
      Uint8Array.of(0x82, 0x00, 1, 7, 1, 8), // non-minimal count
      Uint8Array.of(2, 0x7f, 1), // a length past the body
      Uint8Array.of(9, 0, 0), // a count past the body
    ])
      expect(() => decodeTxBatch(bad, 1024)).toThrow(TxBatchError);
    expect(() => decodeTxBatch(encodeTxBatch([Uint8Array.of(1), Uint8Array.of(2)]), 1)).toThrow(/at most 1/);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          for (const t of decodeTxBatch(bytes, 1024)) expect(t.byteOffset + t.length).toBeLessThanOrEqual(bytes.byteOffset + bytes.length);
        } catch (e) {
          expect(e).toBeInstanceOf(TxBatchError);
        }
      }),
    );
  });
});
