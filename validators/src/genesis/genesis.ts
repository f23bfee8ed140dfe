// The genesis ceremony: everything a chain starts from, as one public file (the trust root every
// client holds) and one secret file per validator and admin. Pure: no I/O (files.ts writes them).
//
// Indices: a validator's consensus index i is 0-based (signer bitmaps); its beacon share is
// evaluated at i + 1 (share indices are 1-based: p(0) is the group secret).

import { Core, ed25519, fromHex, publicKeyFromSeed, type Signer, sha256, toHex } from "@nullspace/core";
import { decodePublicKey, encodePublicKey } from "@nullspace/core/bls";
import {
  deal,
  decodeCommitments,
  decodeShare,
  encodeCommitments,
  encodeShare,
  groupKeyOf,
  publicShareKey,
  quorumThreshold,
  verifyShare,
} from "../beacon/keys.js";
import type { BeaconPolicy } from "../node/executor.js";

export const GENESIS_VERSION = 1;

/** The public genesis file: what clients, relays and validators trust. */
export interface GenesisFile {
  version: number;
  chainId: string;
  genesisTimeMs: string;
  /** sha256 of the core.wasm every party must run. */
  coreWasmSha256: string;
  /** The state machine's genesis record (hex) and its sha256, the parent digest of block 1. */
  genesisRecord: string;
  genesisDigest: string;
  validators: { index: number; publicKey: string; beaconShareKey: string }[];
  /**
   * `policy`: which heights get a beacon value (decisions/004): "random-ops" (a block with a game
   * instruction) or "non-empty" (every block with a transaction). A chain rule, so it is here and
   * not in a validator's node.json; absent in files written before it moved here: "random-ops".
   */
  beacon: { threshold: number; groupKey: string; commitments: string; policy?: BeaconPolicy };
  admins: string[];
  faucetEnabled: boolean;
}

export interface ValidatorSecret {
  version: number;
  chainId: string;
  index: number;
  ed25519Seed: string;
  publicKey: string;
  /** index u16be ‖ scalar (docs/beacon.md). */
  beaconShare: string;
}

export interface AdminSecret {
  version: number;
  chainId: string;
  ed25519Seed: string;
  publicKey: string;
}

export interface GenesisOptions {
  /** Validators (4 by default in the devnet; 7 supported). */
  n: number;
  chainId: bigint;
  genesisTimeMs: bigint;
  /** The bytes of core.wasm (its hash pins behaviour; its codec encodes the genesis record). */
  wasm: Uint8Array;
  admins?: number;
  faucetEnabled?: boolean;
  /** Deterministic ceremony (tests, devnets). Without it every secret comes from the platform's CSPRNG. */
  seed?: Uint8Array;
  /** Which heights get a beacon value (default "random-ops"). */
  beaconPolicy?: BeaconPolicy;
}

export const BEACON_POLICIES: readonly BeaconPolicy[] = ["random-ops", "non-empty"];

/** The chain's beacon policy: the genesis file's, "random-ops" for a file written before it was there. */
export function beaconPolicyOf(g: GenesisFile): BeaconPolicy {
  return g.beacon.policy ?? "random-ops";
}

export type GenesisErrorCode = "BAD_OPTIONS" | "BAD_GENESIS" | "BAD_SECRET";

export class GenesisError extends Error {
  override readonly name = "GenesisError";
  constructor(
    readonly code: GenesisErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

const utf8 = new TextEncoder();

function derive(seed: Uint8Array | undefined, label: string): Uint8Array {
  if (!seed) return crypto.getRandomValues(new Uint8Array(32));
  return sha256(utf8.encode(`nullspace/genesis/v1/${label}`), seed);
}

/** Runs the ceremony: ed25519 keys, the beacon dealing, the genesis record. */
export async function createGenesis(
  o: GenesisOptions,
): Promise<{ genesis: GenesisFile; validators: ValidatorSecret[]; admins: AdminSecret[] }> {
  const adminCount = o.admins ?? 1;
  if (!Number.isInteger(o.n) || o.n < 1 || o.n > 64) throw new GenesisError("BAD_OPTIONS", "n must be 1..64");
  if (!Number.isInteger(adminCount) || adminCount < 1 || adminCount > 8) throw new GenesisError("BAD_OPTIONS", "admins must be 1..8");
  if (o.chainId < 0n || o.chainId >= 1n << 64n) throw new GenesisError("BAD_OPTIONS", "chainId must be a u64");
  if (o.beaconPolicy !== undefined && !BEACON_POLICIES.includes(o.beaconPolicy))
    throw new GenesisError("BAD_OPTIONS", `beaconPolicy must be one of ${BEACON_POLICIES.join(", ")}`);
  const chainId = o.chainId.toString();
  const validatorSeeds = Array.from({ length: o.n }, (_, i) => derive(o.seed, `validator/${i}`));
  const adminSeeds = Array.from({ length: adminCount }, (_, j) => derive(o.seed, `admin/${j}`));
  const dealing = deal({ n: o.n, ...(o.seed ? { seed: derive(o.seed, "beacon") } : {}) });
  const adminKeys = adminSeeds.map((s) => publicKeyFromSeed(s));
  const core = await Core.load(o.wasm);
  const record = core.codec.encodeGenesis({
    chainId: o.chainId,
    genesisTimeMs: o.genesisTimeMs,
    admins: adminKeys,
    faucetEnabled: o.faucetEnabled ?? true,
  });
  const genesis: GenesisFile = {
    version: GENESIS_VERSION,
    chainId,
    genesisTimeMs: o.genesisTimeMs.toString(),
    coreWasmSha256: toHex(sha256(o.wasm)),
    genesisRecord: toHex(record),
    genesisDigest: toHex(sha256(record)),
    validators: validatorSeeds.map((s, i) => ({
      index: i,
      publicKey: toHex(publicKeyFromSeed(s)),
      beaconShareKey: toHex(encodePublicKey(publicShareKey(dealing.commitments, i + 1))),
    })),
    beacon: {
      threshold: dealing.t,
      groupKey: toHex(encodePublicKey(groupKeyOf(dealing.commitments))),
      commitments: toHex(encodeCommitments(dealing.commitments)),
      policy: o.beaconPolicy ?? "random-ops",
    },
    admins: adminKeys.map(toHex),
    faucetEnabled: o.faucetEnabled ?? true,
  };
  return {
    genesis,
    validators: validatorSeeds.map((s, i) => ({
      version: GENESIS_VERSION,
      chainId,
      index: i,
      ed25519Seed: toHex(s),
      publicKey: toHex(publicKeyFromSeed(s)),
      beaconShare: toHex(encodeShare(dealing.shares[i]!)),
    })),
    admins: adminSeeds.map((s) => ({ version: GENESIS_VERSION, chainId, ed25519Seed: toHex(s), publicKey: toHex(publicKeyFromSeed(s)) })),
  };
}

/**
 * Checks a genesis file for internal consistency (and, given core.wasm, that it is the pinned
 * one). Throws GenesisError(BAD_GENESIS) naming the first problem.
 */
export async function verifyGenesis(g: GenesisFile, wasm?: Uint8Array): Promise<void> {
  const bad = (why: string): never => {
    throw new GenesisError("BAD_GENESIS", why);
  };
  if (g?.version !== GENESIS_VERSION) bad(`unknown version ${String(g?.version)}`);
  if (wasm && toHex(sha256(wasm)) !== g.coreWasmSha256) bad("core.wasm does not match coreWasmSha256");
  let commitments: ReturnType<typeof decodeCommitments>;
  try {
    commitments = decodeCommitments(fromHex(g.beacon.commitments), g.beacon.threshold);
  } catch (e) {
    return bad(`beacon commitments: ${(e as Error).message}`);
  }
  if (toHex(encodePublicKey(groupKeyOf(commitments))) !== g.beacon.groupKey) bad("beacon group key is not the first commitment");
  if (g.beacon.policy !== undefined && !BEACON_POLICIES.includes(g.beacon.policy))
    bad(`beacon policy must be one of ${BEACON_POLICIES.join(", ")}`);
  const n = g.validators.length;
  if (n < 1 || g.beacon.threshold !== quorumThreshold(n)) bad("beacon threshold must be the quorum n - f");
  const seen = new Set<string>();
  g.validators.forEach((v, i) => {
    if (v.index !== i) bad(`validator ${i} has index ${v.index}`);
    if (!/^[0-9a-f]{64}$/.test(v.publicKey) || seen.has(v.publicKey)) bad(`validator ${i}: bad or repeated ed25519 key`);
    seen.add(v.publicKey);
    try {
      decodePublicKey(fromHex(v.beaconShareKey));
    } catch {
      bad(`validator ${i}: beacon share key is not a G2 point`);
    }
    if (toHex(encodePublicKey(publicShareKey(commitments, i + 1))) !== v.beaconShareKey)
      bad(`validator ${i}: beacon share key does not match the commitments`);
  });
  const record = fromHex(g.genesisRecord);
  if (toHex(sha256(record)) !== g.genesisDigest) bad("genesisDigest is not sha256(genesisRecord)");
  if (wasm) {
    const view = (await Core.load(wasm)).codec.decodeGenesis(record);
    if (view.chainId.toString() !== g.chainId || view.genesisTimeMs.toString() !== g.genesisTimeMs)
      bad("genesis record: chain id or time differs");
    if (JSON.stringify(view.admins) !== JSON.stringify(g.admins) || view.faucetEnabled !== g.faucetEnabled)
      bad("genesis record: admins or faucet differ");
  }
}

/** Checks that a validator's secret file belongs to this genesis (key and share). */
export function verifyValidatorSecret(secret: ValidatorSecret, g: GenesisFile): void {
  const entry = g.validators[secret.index];
  if (!entry || secret.chainId !== g.chainId) throw new GenesisError("BAD_SECRET", "no such validator in this genesis");
  if (toHex(publicKeyFromSeed(fromHex(secret.ed25519Seed))) !== entry.publicKey)
    throw new GenesisError("BAD_SECRET", "ed25519 key does not match the genesis");
  const share = decodeShare(fromHex(secret.beaconShare));
  if (share.index !== secret.index + 1 || !verifyShare(share, fromHex(g.beacon.commitments))) {
    throw new GenesisError("BAD_SECRET", "beacon share does not verify against the commitments");
  }
}

/** The validator's signer from its secret file, on the platform's fastest backend (node:crypto). */
export function validatorSigner(secret: ValidatorSecret): Signer {
  return ed25519.signerFromSeedSync(fromHex(secret.ed25519Seed));
}
