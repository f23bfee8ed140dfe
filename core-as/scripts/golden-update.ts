// Regenerates test/golden/vectors.json from the current core.wasm. Run it only for an intended
// change of behaviour, and say so in the commit: these vectors pin the state machine.
import { readFileSync, writeFileSync } from "node:fs";
import { computeGolden } from "../test/golden/scenario.js";

const wasm = new Uint8Array(readFileSync(process.env.NULLSPACE_CORE_WASM ?? new URL("../build/core.wasm", import.meta.url)));
const golden = await computeGolden(wasm);
writeFileSync(new URL("../test/golden/vectors.json", import.meta.url), `${JSON.stringify(golden, null, 1)}\n`);
console.log(`golden vectors written: ${golden.blocks.length} blocks, wasm sha256 ${golden.wasmSha256}`);
