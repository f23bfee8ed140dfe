// A devnet reuses its folder (src/cli/devnet.ts): `npm start` on a folder an older devnet made
// keeps that chain. Settings added to node.json since then used to stay missing there, so such a
// devnet kept refusing its own loopback clients past 32 connections from one address.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Devnet } from "../src/cli/devnet.js";
import { NODE_FILE, type NodeConfig } from "../src/cli/start.js";
import { WASM_PATH } from "./support/wasm.js";

const dirs: string[] = [];

afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

const nodeJson = async (dir: string, i: number): Promise<NodeConfig> =>
  JSON.parse(await readFile(join(dir, `v${i}`, NODE_FILE), "utf8")) as NodeConfig;

describe("a devnet folder made by an older devnet", () => {
  it("gets the node.json settings it lacks; the ones it has stay, and so does its genesis", async () => {
    const dir = await mkdtemp(join(tmpdir(), "nullspace-devnet-folder-"));
    dirs.push(dir);
    const said: string[] = [];
    const first = await Devnet.create({ dir, n: 4, wasmPath: WASM_PATH, say: (l) => said.push(l) });
    expect((await nodeJson(dir, 0)).apiConnections).toEqual({ perIp: 512 });

    // As an older devnet wrote them: v0 without the key, v1 with an operator's own value.
    const old = await nodeJson(dir, 0);
    delete old.apiConnections;
    await writeFile(join(dir, "v0", NODE_FILE), JSON.stringify(old));
    await writeFile(join(dir, "v1", NODE_FILE), JSON.stringify({ ...(await nodeJson(dir, 1)), apiConnections: { max: 64 } }));

    said.length = 0;
    const again = await Devnet.create({ dir, n: 4, wasmPath: WASM_PATH, say: (l) => said.push(l) });
    expect(again.genesis).toEqual(first.genesis);
    expect((await nodeJson(dir, 0)).apiConnections).toEqual({ perIp: 512 });
    expect({ ...(await nodeJson(dir, 0)), apiConnections: undefined }).toEqual({ ...old, apiConnections: undefined });
    expect((await nodeJson(dir, 1)).apiConnections).toEqual({ max: 64 });
    expect(said).toEqual([`[devnet] v0/${NODE_FILE}: added apiConnections {"perIp":512}`]);
  });
});
