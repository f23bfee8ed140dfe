// Loads the built core.wasm for tests (NULLSPACE_CORE_WASM overrides the path for private builds).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileCore, WasmInstance } from "../../src/wasm/instance.js";

export const WASM_PATH = process.env.NULLSPACE_CORE_WASM ?? fileURLToPath(new URL("../../build/core.wasm", import.meta.url));

let bytes: Uint8Array | undefined;

export function wasmBytes(): Uint8Array {
  bytes ??= new Uint8Array(readFileSync(WASM_PATH));
  return bytes;
}

/** A fresh wasm instance (own memory and state). */
export async function newWasm(): Promise<WasmInstance> {
  return WasmInstance.create(await compileCore(wasmBytes()));
}
