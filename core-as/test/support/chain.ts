// Test chains on the built core.wasm.
import { LocalChain, type LocalChainOptions } from "../../src/dev/local-chain.js";
import type { EventView } from "../../src/views.js";
import { wasmBytes } from "./wasm.js";

export async function newChain(o: Partial<LocalChainOptions> = {}): Promise<LocalChain> {
  return LocalChain.create({ wasm: wasmBytes(), ...o });
}

export function decodeEvents(chain: LocalChain, events: Uint8Array[]): EventView[] {
  return events.map((e) => chain.core.codec.decodeEvent(e));
}

/** Seals the queue and returns the decoded events. */
export function sealEvents(chain: LocalChain, advanceMs?: bigint): EventView[] {
  const r = chain.seal(advanceMs === undefined ? {} : { advanceMs });
  if (!r.executed) throw new Error("block was not executed");
  return decodeEvents(chain, r.events);
}
