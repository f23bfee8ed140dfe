// Parsing of path and query parameters: canonical forms only, so one value has one spelling
// (and one cache key). Heights are decimal u64 without leading zeros; keys and hashes lowercase hex.
import { fromHex } from "@nullspace/core";
import { RelayError, type RelayErrorCode } from "../errors.js";

const U64 = /^(0|[1-9][0-9]{0,19})$/;
const U64_MAX = (1n << 64n) - 1n;

/** A canonical decimal u64, else RelayError(code). */
export function parseU64(s: unknown, code: RelayErrorCode, what: string): bigint {
  if (typeof s !== "string" || !U64.test(s) || BigInt(s) > U64_MAX)
    throw new RelayError(code, `${what} must be a decimal u64, got ${preview(s)}`);
  return BigInt(s);
}

/** Lowercase hex of `bytes` bytes (any even length ≤ maxBytes when `bytes` is a range). */
export function parseHex(s: unknown, bytes: number | { max: number }, what: string): Uint8Array {
  const ok =
    typeof s === "string" &&
    /^[0-9a-f]*$/.test(s) &&
    s.length % 2 === 0 &&
    (typeof bytes === "number" ? s.length === bytes * 2 : s.length > 0 && s.length <= bytes.max * 2);
  if (!ok)
    throw new RelayError(
      "RELAY_BAD_KEY",
      `${what} must be ${typeof bytes === "number" ? bytes : `1–${bytes.max}`} bytes of lowercase hex, got ${preview(s)}`,
    );
  return fromHex(s as string);
}

/** A small positive integer query parameter with a default and a cap. */
export function parseLimit(s: unknown, fallback: number, max: number): number {
  if (s === undefined) return fallback;
  if (typeof s !== "string" || !/^[1-9][0-9]{0,5}$/.test(s))
    throw new RelayError("RELAY_BAD_REQUEST", `limit must be 1–${max}, got ${preview(s)}`);
  return Math.min(Number(s), max);
}

function preview(s: unknown): string {
  return JSON.stringify(typeof s === "string" ? s.slice(0, 40) : s) ?? String(s);
}

/** JSON with u64 (bigint) values as decimal strings and bytes as hex, as every relay answer. */
export function jsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex");
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}
