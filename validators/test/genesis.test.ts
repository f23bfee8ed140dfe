import { readFileSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Core, fromHex, toHex } from "@nullspace/core";
import { beaconMessage, verifySignature } from "@nullspace/core/bls";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeShare } from "../src/beacon/keys.js";
import { partialSign } from "../src/beacon/partial.js";
import { recover } from "../src/beacon/recover.js";
import { GENESIS_FILE, readJson, validatorKeyFile, writeGenesisDir } from "../src/genesis/files.js";
import {
  beaconPolicyOf,
  createGenesis,
  GenesisError,
  type GenesisFile,
  validatorSigner,
  verifyGenesis,
  verifyValidatorSecret,
} from "../src/genesis/genesis.js";

const wasm = new Uint8Array(readFileSync(fileURLToPath(new URL("../../core-as/build/core.wasm", import.meta.url))));
const seed = fromHex("0123456789abcdef");
let ceremony: Awaited<ReturnType<typeof createGenesis>>;

beforeAll(async () => {
  ceremony = await createGenesis({ n: 4, chainId: 9n, genesisTimeMs: 1_700_000_000_000n, wasm, admins: 2, seed });
});

const tampered = (change: (g: GenesisFile) => void): GenesisFile => {
  const g = structuredClone(ceremony.genesis);
  change(g);
  return g;
};

describe("genesis ceremony", () => {
  it("is deterministic for a seed and different for another", async () => {
    const again = await createGenesis({ n: 4, chainId: 9n, genesisTimeMs: 1_700_000_000_000n, wasm, admins: 2, seed });
    expect(again).toEqual(ceremony);
    const other = await createGenesis({ n: 4, chainId: 9n, genesisTimeMs: 1_700_000_000_000n, wasm, admins: 2, seed: fromHex("00") });
    expect(other.genesis.beacon.groupKey).not.toBe(ceremony.genesis.beacon.groupKey);
    expect(other.genesis.validators[0]!.publicKey).not.toBe(ceremony.genesis.validators[0]!.publicKey);
  });

  it("produces a consistent public file whose record starts the state machine", async () => {
    await verifyGenesis(ceremony.genesis, wasm);
    expect(ceremony.genesis.beacon.threshold).toBe(3);
    const core = await Core.load(wasm);
    const started = core.init(fromHex(ceremony.genesis.genesisRecord));
    expect(toHex(started.genesisDigest)).toBe(ceremony.genesis.genesisDigest);
    expect(core.admins()).toEqual(ceremony.genesis.admins);
    expect(core.meta().chainId).toBe(9n);
    const seven = await createGenesis({ n: 7, chainId: 1n, genesisTimeMs: 0n, wasm, seed });
    await verifyGenesis(seven.genesis, wasm);
    expect(seven.genesis.beacon.threshold).toBe(5);
  });

  it("keeps every secret out of the public file", () => {
    const pub = JSON.stringify(ceremony.genesis);
    for (const v of ceremony.validators) {
      expect(pub).not.toContain(v.ed25519Seed);
      expect(pub).not.toContain(v.beaconShare.slice(4)); // the share's scalar
    }
    for (const a of ceremony.admins) expect(pub).not.toContain(a.ed25519Seed);
  });

  it("gives each validator a key and share that belong to the genesis, and no other's", () => {
    for (const v of ceremony.validators) {
      expect(() => verifyValidatorSecret(v, ceremony.genesis)).not.toThrow();
      expect(toHex(validatorSigner(v).publicKey)).toBe(ceremony.genesis.validators[v.index]!.publicKey);
    }
    const swapped = { ...ceremony.validators[0]!, beaconShare: ceremony.validators[1]!.beaconShare };
    expect(() => verifyValidatorSecret(swapped, ceremony.genesis)).toThrow(GenesisError);
    const otherKey = { ...ceremony.validators[0]!, ed25519Seed: ceremony.validators[1]!.ed25519Seed };
    expect(() => verifyValidatorSecret(otherKey, ceremony.genesis)).toThrow(/ed25519/);
  });

  it("lets any quorum of validators produce the beacon value the genesis group key verifies", () => {
    const message = beaconMessage({ chainId: 9n, height: 1n, blockDigest: fromHex(ceremony.genesis.genesisDigest) });
    const partials = ceremony.validators.map((v) => {
      const share = decodeShare(fromHex(v.beaconShare));
      return { index: share.index, signature: partialSign(share, message) };
    });
    const a = recover(partials.slice(0, 3), 3);
    const b = recover(partials.slice(1, 4), 3);
    expect(toHex(a)).toBe(toHex(b));
    expect(verifySignature(fromHex(ceremony.genesis.beacon.groupKey), message, a)).toBe(true);
  });

  it("fixes the beacon policy for the chain: random-ops by default and for older files, non-empty when asked", async () => {
    expect(ceremony.genesis.beacon.policy).toBe("random-ops");
    const older = tampered((g) => delete g.beacon.policy);
    await verifyGenesis(older, wasm);
    expect(beaconPolicyOf(older)).toBe("random-ops");
    const every = await createGenesis({ n: 4, chainId: 9n, genesisTimeMs: 1_700_000_000_000n, wasm, seed, beaconPolicy: "non-empty" });
    expect(beaconPolicyOf(every.genesis)).toBe("non-empty");
    await expect(
      createGenesis({ n: 4, chainId: 9n, genesisTimeMs: 0n, wasm, beaconPolicy: "sometimes" as GenesisFile["beacon"]["policy"] }),
    ).rejects.toThrow(/BAD_OPTIONS/);
  });

  it("refuses a tampered genesis, naming the problem", async () => {
    const cases: [(g: GenesisFile) => void, RegExp][] = [
      [(g) => (g.coreWasmSha256 = "00".repeat(32)), /core.wasm/],
      [(g) => (g.validators[2]!.beaconShareKey = g.validators[1]!.beaconShareKey), /validator 2/],
      [(g) => (g.validators[3]!.publicKey = g.validators[0]!.publicKey), /validator 3/],
      [(g) => (g.beacon.threshold = 2), /threshold|commitments/],
      [(g) => (g.genesisDigest = "11".repeat(32)), /genesisDigest/],
      [(g) => (g.admins = [g.admins[1]!, g.admins[0]!]), /admins/],
      [(g) => (g.beacon.groupKey = g.validators[0]!.beaconShareKey), /group key/],
      [(g) => (g.version = 2), /version/],
      [(g) => (g.beacon.policy = "every-height" as GenesisFile["beacon"]["policy"]), /beacon policy/],
    ];
    for (const [change, why] of cases) await expect(verifyGenesis(tampered(change), wasm)).rejects.toThrow(why);
  });

  it("writes the public file readable and the secrets private, and never overwrites", async () => {
    const dir = await mkdtemp(join(tmpdir(), "nullspace-genesis-"));
    try {
      await writeGenesisDir(dir, ceremony);
      expect((await stat(join(dir, GENESIS_FILE))).mode & 0o777).toBe(0o644);
      expect((await stat(join(dir, validatorKeyFile(0)))).mode & 0o777).toBe(0o600);
      expect(await readJson<GenesisFile>(join(dir, GENESIS_FILE))).toEqual(ceremony.genesis);
      await expect(writeGenesisDir(dir, ceremony)).rejects.toThrow(/EEXIST/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
