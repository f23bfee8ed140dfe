// The error table is one contract in three places: the wasm, the host, and docs/errors.md.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_NAMES } from "../src/errors.js";

const read = (path: string) => readFileSync(new URL(path, import.meta.url), "utf8");

describe("error codes", () => {
  it("agree between assembly/errors.ts, src/errors.ts and docs/errors.md", () => {
    const wasm = Object.fromEntries(
      [...read("../assembly/errors.ts").matchAll(/export const E_([A-Z_0-9]+): u16 = (\d+);/g)].map((m) => [Number(m[2]), m[1]]),
    );
    const docs = Object.fromEntries(
      [...read("../../docs/errors.md").matchAll(/^\| (\d+) \| ([A-Z_0-9]+) \|/gm)].map((m) => [Number(m[1]), m[2]]),
    );
    expect(Object.keys(wasm).length).toBeGreaterThan(30);
    expect(ERROR_NAMES).toEqual(wasm);
    expect(docs).toEqual(wasm);
  });
});
