// Golden vectors in Node: the state machine's behaviour is pinned by test/golden/vectors.json
// (regenerate with `npm run golden:update -w core-as` only for an intended change).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { computeGolden } from "./golden/scenario.js";
import { wasmBytes } from "./support/wasm.js";

const expected = JSON.parse(readFileSync(new URL("./golden/vectors.json", import.meta.url), "utf8"));

describe("golden vectors (Node)", () => {
  it("reproduce every encoding, event, root, random draw, snapshot and proof", async () => {
    const { wasmSha256: _, ...actual } = await computeGolden(wasmBytes());
    const { wasmSha256: __, ...want } = expected;
    expect(actual).toEqual(want);
  });

  it("run a wasm that imports nothing but env.abort", async () => {
    const module = await WebAssembly.compile(wasmBytes() as Uint8Array<ArrayBuffer>);
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: "env", name: "abort", kind: "function" }]);
  });
});
