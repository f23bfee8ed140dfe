// The devnet a relay benchmark runs against: the core wasm loaded, a temp folder, 4 validators on
// loopback (peers from 7700, APIs from 7710) started and past height 2.
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Core } from "@nullspace/core";
import { Devnet } from "../../validators/src/cli/devnet.js";

export interface BenchDevnet {
  core: Core;
  wasmPath: string;
  /** The temp folder holding the devnet (and whatever the benchmark puts beside it). */
  dir: string;
  devnet: Devnet;
  chainId: bigint;
}

export async function startBenchDevnet(o: {
  /** Temp folder name prefix. */
  name: string;
  say: (line: string) => void;
  /** The validators' blocks.minIntervalMs. */
  minIntervalMs: number;
  /** Extra flags for the validators' node (e.g. --cpu-prof). */
  nodeArgs?: string[];
}): Promise<BenchDevnet> {
  const wasmPath = process.env.NULLSPACE_CORE_WASM ?? createRequire(import.meta.url).resolve("@nullspace/core/wasm");
  const core = await Core.load(readFileSync(wasmPath));
  const dir = await mkdtemp(join(tmpdir(), o.name));
  const devnet = await Devnet.create({
    dir,
    basePort: 7700,
    apiBasePort: 7710,
    wasmPath,
    fresh: true,
    say: o.say,
    node: { blocks: { minIntervalMs: o.minIntervalMs } },
    nodeArgs: o.nodeArgs ?? [],
  });
  devnet.startAll();
  await devnet.waitFor(2n, 120_000);
  return { core, wasmPath, dir, devnet, chainId: BigInt(devnet.genesis.chainId) };
}
