#!/usr/bin/env node
// validators: the operator's command line: keys, the genesis ceremony, one validator (start) and a
// local devnet of n validator processes (devnet).
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { fromHex, publicKeyFromSeed, sha256, toHex } from "@nullspace/core";
import { stopWhenParentGone } from "@nullspace/core/node";
import { writeGenesisDir } from "../genesis/files.js";
import { createGenesis, verifyGenesis } from "../genesis/genesis.js";
import type { BeaconPolicy } from "../node/executor.js";
import { Devnet } from "./devnet.js";
import { startValidator } from "./start.js";

function onSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = () => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  // Started by a devnet or `npm start` over an IPC channel: stop as on SIGTERM once the parent is gone.
  stopWhenParentGone(handler);
}

const DEFAULT_WASM = fileURLToPath(new URL("../../../core-as/build/core.wasm", import.meta.url));

const USAGE = `usage:
  validators keygen --out FILE
  validators genesis --out DIR [--validators 4] [--chain-id 1] [--admins 1] [--time MS] [--seed HEX] [--no-faucet] [--beacon-policy random-ops|non-empty] [--wasm PATH]
  validators verify-genesis FILE [--wasm PATH]
  validators start --home DIR [--wasm PATH]
  validators devnet [--dir .devnet] [--validators 4] [--base-port 7100] [--api-base-port 7200] [--fresh] [--wasm PATH]`;

function flags(args: string[]): Map<string, string | true> {
  const m = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("--")) continue;
    const next = args[i + 1];
    if (next !== undefined && !next.startsWith("--")) {
      m.set(a.slice(2), next);
      i++;
    } else m.set(a.slice(2), true);
  }
  return m;
}

function need(f: Map<string, string | true>, name: string): string {
  const v = f.get(name);
  if (typeof v !== "string") throw new Error(`--${name} is required\n${USAGE}`);
  return v;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const f = flags(rest);
  switch (command) {
    case "keygen": {
      // A fresh ed25519 identity; the seed is what a validator keeps secret.
      const out = need(f, "out");
      const seed = crypto.getRandomValues(new Uint8Array(32));
      const publicKey = toHex(publicKeyFromSeed(seed));
      await writeFile(out, `${JSON.stringify({ ed25519Seed: toHex(seed), publicKey }, null, 2)}\n`, { mode: 0o600, flag: "wx" });
      console.log(`wrote ${out} (public key ${publicKey})`);
      return;
    }
    case "genesis": {
      const wasm = new Uint8Array(await readFile(String(f.get("wasm") ?? DEFAULT_WASM)));
      const seed = f.get("seed");
      const n = Number(f.get("validators") ?? 4);
      const ceremony = await createGenesis({
        n,
        chainId: BigInt(String(f.get("chain-id") ?? 1)),
        genesisTimeMs: BigInt(String(f.get("time") ?? Date.now())),
        wasm,
        admins: Number(f.get("admins") ?? 1),
        faucetEnabled: !f.has("no-faucet"),
        ...(f.has("beacon-policy") ? { beaconPolicy: String(f.get("beacon-policy")) as BeaconPolicy } : {}),
        ...(typeof seed === "string" ? { seed: fromHex(seed) } : {}),
      });
      await verifyGenesis(ceremony.genesis, wasm);
      const files = await writeGenesisDir(need(f, "out"), ceremony);
      console.log(`genesis for chain ${ceremony.genesis.chainId}: ${n} validators, beacon threshold ${ceremony.genesis.beacon.threshold}`);
      console.log(`  core.wasm sha256 ${ceremony.genesis.coreWasmSha256}`);
      console.log(`  genesis digest   ${ceremony.genesis.genesisDigest}`);
      for (const p of files) console.log(`  wrote ${p}`);
      if (seed === undefined) console.log("  the dealer's secrets were never written; keep the key files private (mode 0600)");
      return;
    }
    case "verify-genesis": {
      const path = rest[0];
      if (!path || path.startsWith("--")) throw new Error(USAGE);
      const genesis = JSON.parse(await readFile(path, "utf8"));
      const wasm = new Uint8Array(await readFile(String(f.get("wasm") ?? DEFAULT_WASM)));
      await verifyGenesis(genesis, wasm);
      console.log(`ok: chain ${genesis.chainId}, ${genesis.validators.length} validators, core.wasm ${toHex(sha256(wasm)).slice(0, 16)}…`);
      return;
    }
    case "start": {
      const stop = await startValidator(need(f, "home"), String(f.get("wasm") ?? DEFAULT_WASM));
      onSignals(stop);
      return;
    }
    case "devnet": {
      const devnet = await Devnet.create({
        dir: String(f.get("dir") ?? ".devnet"),
        n: Number(f.get("validators") ?? 4),
        basePort: Number(f.get("base-port") ?? 7100),
        apiBasePort: Number(f.get("api-base-port") ?? 7200),
        wasmPath: String(f.get("wasm") ?? DEFAULT_WASM),
        fresh: f.has("fresh"),
      });
      const taken = await devnet.addressesInUse();
      if (taken.length > 0)
        throw new Error(
          `DEVNET_PORTS_IN_USE: ${taken.join(", ")} already in use (is this devnet running already? stop it first; other ports need a new devnet: --base-port P --api-base-port Q with --fresh or another --dir)`,
        );
      devnet.startAll();
      onSignals(() => devnet.stop());
      await devnet.waitFor(1n, 120_000);
      console.log(`[devnet] ${devnet.n} validators finalizing; data and logs in ${devnet.dir}/v<i>/`);
      for (let i = 0; i < devnet.n; i++)
        console.log(
          `[devnet]   validator ${i}: ${devnet.apiUrl(i)}  (stream: ${devnet.apiUrl(i).replace("http", "ws")}/stream?from=1, metrics: /metrics)`,
        );
      console.log("[devnet] Ctrl-C stops it");
      return;
    }
    default:
      throw new Error(USAGE);
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
