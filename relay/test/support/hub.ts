// An update hub for the hub's own tests: the real hub on the real wasm's codec, with empty proofs
// (the tests only decode frames) and silent callbacks unless a test passes its own.
import { readFileSync } from "node:fs";
import { Core } from "@nullspace/core";
import { type HubOptions, UpdateHub } from "../../src/updates/hub.js";
import { WASM_PATH } from "./devnet.js";

/** A hub with empty proofs, a 1 MiB queue bound and silent callbacks, but for `o`. */
export async function hubWith(o: Partial<HubOptions> = {}): Promise<UpdateHub> {
  const core = await Core.load(readFileSync(WASM_PATH));
  return new UpdateHub({
    codec: core.codec,
    prove: () => new Uint8Array(0),
    maxQueuedBytes: 1 << 20,
    onFrames: () => {},
    onEvicted: () => {},
    ...o,
  });
}
