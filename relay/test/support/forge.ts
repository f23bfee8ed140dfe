// Bundles a Byzantine quorum could sign: a height's real block, finalization and σ with a progress
// record whose state root is made up, signed by validators 0–2 with their real keys (a valid
// quorum of four). Every check passes but execution: a relay must refuse it as "execution-mismatch".
import { type Core, readVarint, SignatureKind, type Signer, sha256, signDomainSync } from "@nullspace/core";
import { type Devnet, validatorSigner } from "./devnet.js";

export interface Forger {
  core: Core;
  chainId: bigint;
  validatorCount: number;
  signers: Signer[];
}

export async function forgerOf(devnet: Devnet, core: Core): Promise<Forger> {
  return {
    core,
    chainId: BigInt(devnet.genesis.chainId),
    validatorCount: devnet.genesis.validators.length,
    signers: await Promise.all([0, 1, 2].map((i) => validatorSigner(devnet, i))),
  };
}

/** A progress certificate over `record`, signed by validators 0–2 with their real keys: a valid quorum. */
export function quorumSigned(f: Forger, record: Uint8Array): Uint8Array {
  return f.core.codec.encodeProgressCertificate(
    record,
    f.validatorCount,
    f.signers.map((s, index) => ({ index, signature: signDomainSync(s, SignatureKind.PROGRESS, f.chainId, record) })),
  );
}

/**
 * A progress record with one 32-byte field replaced, found by the record's layout (version ‖ varint
 * chainId ‖ varint height ‖ blockDigest ‖ beaconHash ‖ stateRoot ‖ …), not by searching its bytes:
 * a σ-less record's beaconHash is all zeros, which a search can find straddling the digest before it.
 */
export function withField(record: Uint8Array, field: "beaconHash" | "stateRoot", value: Uint8Array): Uint8Array {
  let at = 1;
  for (let i = 0; i < 2; i++) at = readVarint(record, at)[1];
  at += field === "beaconHash" ? 32 : 64;
  const out = record.slice();
  out.set(value, at);
  return out;
}

/** `bundle` (a real one) with a quorum-signed record whose state root is sha256([salt]). */
export function lyingBundle(
  f: Forger,
  bundle: Uint8Array,
  salt: number,
): { bundle: Uint8Array; record: Uint8Array; stateRoot: Uint8Array } {
  const real = f.core.codec.decodeFinalized(bundle);
  const pc = f.core.codec.decodeProgressCertificate(real.progress as Uint8Array);
  const stateRoot = sha256(Uint8Array.of(salt));
  const record = withField(Uint8Array.from(Buffer.from(pc.record, "hex")), "stateRoot", stateRoot);
  return { bundle: f.core.codec.encodeFinalized({ ...real, progress: quorumSigned(f, record) }), record, stateRoot };
}
