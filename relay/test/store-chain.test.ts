// A store belongs to one chain: the relay that first opens it binds it to its genesis digest, and
// a relay of another chain (here: the same chain id, other validators, as two devnets are) refuses
// to start on it, leaving it as it was; the same chain's relay starts on it again. PGlite here;
// postgres.test.ts holds a shared PostgreSQL store to the same rule.
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGenesis } from "../../validators/src/genesis/genesis.js";
import { type StartOptions, startRelay } from "../src/start.js";
import { WASM_PATH } from "./support/devnet.js";
import { removeTempDirs, tempDir } from "./support/temp-dirs.js";

let dir: string;
const genesisFile = async (name: string, seed: number) => {
  const wasm = new Uint8Array(readFileSync(WASM_PATH));
  const { genesis } = await createGenesis({ n: 1, chainId: 1337n, genesisTimeMs: 0n, wasm, seed: new Uint8Array(32).fill(seed) });
  const path = join(dir, name);
  await writeFile(path, JSON.stringify(genesis));
  return { path, digest: genesis.genesisDigest as string };
};

beforeAll(async () => {
  dir = await tempDir("relay-store-chain-");
});
afterAll(removeTempDirs);

describe("a store's chain", () => {
  it("is bound by its first relay; another chain's relay refuses to start on it, the same chain's starts", async () => {
    const [ours, theirs] = [await genesisFile("ours.json", 1), await genesisFile("theirs.json", 2)];
    expect(theirs.digest).not.toBe(ours.digest);
    const options = (genesisPath: string): StartOptions => ({
      genesisPath,
      wasmPath: WASM_PATH,
      validators: ["http://127.0.0.1:9"], // nothing answers: the store is all this test needs
      dataDir: join(dir, "store"),
      log: () => {},
    });
    const first = await startRelay(options(ours.path));
    const bound = await first.relay.store.db.query("SELECT genesis_digest, chain_id FROM store_chain");
    expect(bound).toEqual([{ genesis_digest: ours.digest, chain_id: "1337" }]);
    await first.stop();

    await expect(startRelay(options(theirs.path))).rejects.toMatchObject({
      code: "RELAY_STORE_OTHER_CHAIN",
      stored: { genesisDigest: ours.digest, chainId: "1337" },
      ours: { genesisDigest: theirs.digest, chainId: "1337" },
    });

    // It left the store as it was (and closed it: the folder's lock is free for the next relay).
    const again = await startRelay(options(ours.path));
    expect(await again.relay.store.db.query("SELECT genesis_digest FROM store_chain")).toEqual([{ genesis_digest: ours.digest }]);
    await again.stop();
  }, 60_000);
});
