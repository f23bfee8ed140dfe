// The trust root a relay starts from: the public genesis file every party holds (written by the
// genesis ceremony, validators/src/genesis/genesis.ts). The relay believes nothing else: every
// height it serves is checked against these keys and re-executed from this genesis record.
import { fromHex, sha256, toHex } from "@nullspace/core";

export interface TrustRoot {
  chainId: bigint;
  genesisRecord: Uint8Array;
  genesisDigest: string;
  /** ed25519 keys of the validator set, by index. */
  validators: Uint8Array[];
  /** The beacon's BLS group public key (96 bytes). */
  groupKey: Uint8Array;
  coreWasmSha256: string;
}

export class TrustError extends Error {
  override readonly name = "TrustError";
}

const HEX = /^[0-9a-f]*$/;

function hexField(o: Record<string, unknown>, key: string, bytes?: number): Uint8Array {
  const v = o[key];
  if (typeof v !== "string" || !HEX.test(v) || v.length % 2 !== 0 || (bytes !== undefined && v.length !== bytes * 2))
    throw new TrustError(`genesis: ${key} must be ${bytes ?? "some"} bytes of lowercase hex`);
  return fromHex(v);
}

/** Reads the public genesis file (JSON, as parsed) and checks that it is the one for `wasm`. */
export function trustRootOf(genesis: unknown, wasm: Uint8Array): TrustRoot {
  if (typeof genesis !== "object" || genesis === null) throw new TrustError("genesis: not an object");
  const g = genesis as Record<string, unknown>;
  if (typeof g.chainId !== "string" || !/^(0|[1-9][0-9]*)$/.test(g.chainId)) throw new TrustError("genesis: chainId");
  const validators = g.validators;
  if (!Array.isArray(validators) || validators.length === 0) throw new TrustError("genesis: no validators");
  const beacon = g.beacon as Record<string, unknown> | undefined;
  if (!beacon) throw new TrustError("genesis: no beacon");
  const wasmHash = toHex(sha256(wasm));
  if (g.coreWasmSha256 !== wasmHash)
    throw new TrustError(`genesis pins core.wasm ${String(g.coreWasmSha256)}, this relay runs ${wasmHash}: build the matching core`);
  const root: TrustRoot = {
    chainId: BigInt(g.chainId),
    genesisRecord: hexField(g, "genesisRecord"),
    genesisDigest: toHex(hexField(g, "genesisDigest", 32)),
    validators: validators.map((v: unknown, i: number) => {
      const entry = v as Record<string, unknown>;
      if (entry?.index !== i) throw new TrustError(`genesis: validator ${i} out of order`);
      return hexField(entry, "publicKey", 32);
    }),
    groupKey: hexField(beacon, "groupKey", 96),
    coreWasmSha256: wasmHash,
  };
  if (toHex(sha256(root.genesisRecord)) !== root.genesisDigest) throw new TrustError("genesis: genesisDigest is not sha256(genesisRecord)");
  return root;
}
