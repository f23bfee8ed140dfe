// A real 4-validator devnet on spare loopback ports in a temp folder (validators/src/cli/devnet.ts),
// and small helpers the relay suites share. One devnet per test file.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ed25519, fromHex, type Signer } from "@nullspace/core";
import { Devnet } from "../../../validators/src/cli/devnet.js";
import { freeBase } from "../../../validators/test/support/free-ports.js";
import type { StartOptions } from "../../src/start.js";
import { tempDir } from "./temp-dirs.js";

/** Spare loopback ports (validators/test/support/free-ports.ts), for the relay suites' servers. */
export { freeBase };

export const WASM_PATH = process.env.NULLSPACE_CORE_WASM ?? createRequire(import.meta.url).resolve("@nullspace/core/wasm");

export async function startDevnet(): Promise<Devnet> {
  const base = await freeBase(20);
  const dir = await tempDir("relay-devnet-"); // removed by removeTempDirs, after the devnet stops
  const devnet = await Devnet.create({ dir, basePort: base, apiBasePort: base + 10, wasmPath: WASM_PATH, fresh: true, say: () => {} });
  devnet.startAll();
  await devnet.waitFor(2n, 120_000);
  return devnet;
}

/**
 * What a relay on `devnet` starts with: its genesis file, core.wasm, its four validators and no
 * log lines; `o` adds to or overrides them (the data folder, other validators, a log).
 */
export function relayOptions(devnet: Devnet, o: Partial<StartOptions> = {}): StartOptions {
  return {
    genesisPath: join(devnet.dir, "genesis.json"),
    wasmPath: WASM_PATH,
    validators: [0, 1, 2, 3].map((i) => devnet.apiUrl(i)),
    log: () => {},
    ...o,
  };
}

/** The ed25519 signing key of validator i (for forging validly signed certificates in tests). */
export async function validatorSigner(devnet: Devnet, i: number): Promise<Signer> {
  const secret = JSON.parse(await readFile(join(devnet.home(i), "validator.key.json"), "utf8")) as { ed25519Seed: string };
  return ed25519.signerFromSeedSync(fromHex(secret.ed25519Seed));
}

export async function waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function bundleOf(devnet: Devnet, i: number, h: bigint): Promise<Uint8Array> {
  const r = await fetch(`${devnet.apiUrl(i)}/blocks/${h}`);
  if (!r.ok) throw new Error(`validator ${i} has no bundle ${h} (${r.status})`);
  return new Uint8Array(await r.arrayBuffer());
}

export type { Devnet };
