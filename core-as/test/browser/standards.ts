// Standards vectors that must hold in every runtime: FIPS 180-4 for the wasm sha256 and RFC 8032
// for ed25519 (through the runtime's default backend: WebCrypto with non-extractable keys in
// browsers).
import { Core } from "../../src/core.js";
import { decodeScalar, enableMclEngine, G2, verifySignature } from "../../src/crypto/bls/index.js";
import { ed25519 } from "../../src/crypto/ed25519.js";
import { fromHex, sha256, toHex } from "../../src/crypto/sha256.js";
import bls from "../vectors/bls-minsig.json" with { type: "json" };
import fips from "../vectors/fips180-4-sha256.json" with { type: "json" };
import rfc from "../vectors/rfc8032-ed25519.json" with { type: "json" };

export interface StandardResults {
  backend: string;
  sha256: { name: string; ok: boolean }[];
  ed25519: { name: string; publicKeyOk: boolean; signatureOk: boolean; verifies: boolean; rejectsFlip: boolean }[];
  /** BLS12-381 MinSig verification (the beacon's σ): published vectors and a drand quicknet round,
   * on noble, then again on the mcl engine once it is enabled in this worker. */
  bls: { name: string; verifies: boolean; rejectsOther: boolean }[];
  blsMcl: { enabled: boolean; checks: { name: string; verifies: boolean; rejectsOther: boolean }[] };
}

export async function runStandardChecks(wasm: Uint8Array): Promise<StandardResults> {
  const core = await Core.load(wasm);
  const sha = fips.vectors.map((v: { name: string; message?: string; repeat?: number; digest: string }) => {
    const unit = new TextEncoder().encode(v.message ?? "");
    const msg = new Uint8Array(unit.length * (v.repeat ?? 1));
    for (let i = 0; i < (v.repeat ?? 1); i++) msg.set(unit, i * unit.length);
    return { name: v.name, ok: toHex(core.wasm.call("sha256_digest", msg)) === v.digest };
  });
  const ed = [];
  for (const v of rfc.vectors as { name: string; secretKey: string; publicKey: string; message: string; signature: string }[]) {
    const signer = await ed25519.signerFromSeed(fromHex(v.secretKey));
    const msg = fromHex(v.message);
    const sig = await signer.sign(msg);
    const flipped = sig.slice();
    flipped[0] = (flipped[0] as number) ^ 1;
    ed.push({
      name: v.name,
      publicKeyOk: toHex(signer.publicKey) === v.publicKey,
      signatureOk: toHex(sig) === v.signature,
      verifies: await ed25519.verifyAsync(fromHex(v.publicKey), msg, fromHex(v.signature)),
      rejectsFlip: !(await ed25519.verifyAsync(fromHex(v.publicKey), msg, flipped)),
    });
  }
  const onNoble = blsChecks();
  const enabled = await enableMclEngine();
  return { backend: ed25519.backend, sha256: sha, ed25519: ed, bls: onNoble, blsMcl: { enabled, checks: blsChecks() } };
}

function blsChecks(): StandardResults["bls"] {
  const out: StandardResults["bls"] = bls.noble.vectors.map((v: { sk: string; msg: string; sig: string }, i: number) => {
    const key = G2.BASE.multiply(decodeScalar(fromHex(v.sk)));
    const other = fromHex(v.msg.length ? v.msg : "00");
    other[0] = (other[0] as number) ^ 1;
    return {
      name: `noble ${i}`,
      verifies: verifySignature(key, fromHex(v.msg), fromHex(v.sig)),
      rejectsOther: !verifySignature(key, other, fromHex(v.sig)),
    };
  });
  const q = bls.drandQuicknet;
  const round = (r: bigint) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, r);
    return sha256(b);
  };
  out.push({
    name: `drand quicknet round ${q.round}`,
    verifies: verifySignature(fromHex(q.publicKey), round(BigInt(q.round)), fromHex(q.signature)),
    rejectsOther: !verifySignature(fromHex(q.publicKey), round(BigInt(q.round) + 1n), fromHex(q.signature)),
  });
  return out;
}
