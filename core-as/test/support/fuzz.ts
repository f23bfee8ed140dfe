// Shared pieces of the decoder fuzz suites.
import fc from "fast-check";
import { expect } from "vitest";
import { concatBytes } from "../../src/crypto/sha256.js";
import { CoreError, ERROR_NAMES } from "../../src/errors.js";

export type Decoder = (b: Uint8Array) => unknown;

/** Decodes, returning the view or the error code; any other failure (a trap) fails the test. */
export function attempt(decode: Decoder, bytes: Uint8Array): { ok: true; view: unknown } | { ok: false; code: number } {
  try {
    return { ok: true, view: decode(bytes) };
  } catch (e) {
    if (!(e instanceof CoreError)) throw e;
    expect(ERROR_NAMES[e.code]).toBeDefined();
    return { ok: false, code: e.code };
  }
}

/**
 * `n` fast-check runs, times `FUZZ_SCALE` (default 1) for a longer campaign than `npm test`'s:
 * `FUZZ_SCALE=400 npx vitest run test/codec.fuzz.test.ts` (the decoder suites of core-as, relay
 * and validators take it; docs/formats.md lists them).
 */
export function fuzzRuns(n: number): number {
  const raw = process.env.FUZZ_SCALE;
  const scale = raw === undefined || raw === "" ? 1 : Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`FUZZ_SCALE must be a positive number, not ${JSON.stringify(raw)}`);
  return Math.max(1, Math.round(n * scale));
}

export const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom("flip", "insert", "delete", "truncate", "append"),
  byte: fc.integer({ min: 0, max: 255 }),
});

/** Applies one mutation (flip, insert, delete, truncate or append a byte) to a copy of `b`. */
export function mutate(b: Uint8Array, m: { at: number; kind: string; byte: number }): Uint8Array {
  const i = b.length === 0 ? 0 : m.at % b.length;
  switch (m.kind) {
    case "flip": {
      const c = b.slice();
      if (c.length) c[i] = (c[i] as number) ^ (m.byte || 1);
      return c;
    }
    case "insert":
      return concatBytes(b.subarray(0, i), Uint8Array.of(m.byte), b.subarray(i));
    case "delete":
      return concatBytes(b.subarray(0, i), b.subarray(i + 1));
    case "truncate":
      return b.subarray(0, i);
    default:
      return concatBytes(b, Uint8Array.of(m.byte));
  }
}
