// The core.wasm every validators test runs: NULLSPACE_CORE_WASM when the suite sets it (scripts/
// test.mjs points it at the build it checked), else the @nullspace/core package's own.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export const WASM_PATH = process.env.NULLSPACE_CORE_WASM ?? createRequire(import.meta.url).resolve("@nullspace/core/wasm");
/** Its bytes, read once per test file. */
export const WASM_BYTES = new Uint8Array(readFileSync(WASM_PATH));
