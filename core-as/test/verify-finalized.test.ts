// verifyFinalized / replayFinalized (src/client/verify-finalized.ts) on a small certified chain
// built here: 4 ed25519 validators sign finalizations and progress records, a BLS group key signs
// σ_h, and every tampering refuses with its reason. The update frame (src/client/update-frame.ts)
// round-trips, verifies against the certified events root, and its decoder is fuzzed.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeUpdateFrame, encodeUpdateFrame, UpdateFrameError, verifyUpdate } from "../src/client/update-frame.js";
import { readVarint, VarintError, writeVarint } from "../src/client/varint.js";
import { replayFinalized, type VerifiedFinalized, verifyFinalized } from "../src/client/verify-finalized.js";
import { Core } from "../src/core.js";
import { beaconMessage, encodePublicKey, encodeSignature, G2, hashToG1 } from "../src/crypto/bls/index.js";
import { SignatureKind, signDomainSync } from "../src/crypto/domain.js";
import type { Signer } from "../src/crypto/ed25519.js";
import { fromHex, sha256, toHex } from "../src/crypto/sha256.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { MmrLog } from "../src/mmr-log.js";
import { fuzzRuns } from "./support/fuzz.js";
import { wasmBytes } from "./support/wasm.js";

const CHAIN = 7n;
const N = 4;
const QUORUM = [0, 2, 3];
const SECRET = 0x1234_5678_9abc_def0_1234n;
const groupKey = encodePublicKey(G2.BASE.multiply(SECRET));
let signer: Core;
let validators: Signer[];
let genesis: Uint8Array;
const bundles: Uint8Array[] = [];
interface Built {
  block: Uint8Array;
  digest: Uint8Array;
  parent: Uint8Array;
  view: bigint;
  sigma: Uint8Array;
  record: Uint8Array;
  events: Uint8Array[];
}
const built: Built[] = [];

function sign(kind: SignatureKind, body: Uint8Array, quorum = QUORUM) {
  return quorum.map((index) => ({ index, signature: signDomainSync(validators[index]!, kind, CHAIN, body) }));
}

/** A quorum whose last signature is validator 1's, attributed to another validator: one bad signature. */
function signBadly(kind: SignatureKind, body: Uint8Array) {
  const sigs = sign(kind, body);
  sigs[sigs.length - 1]!.signature = signDomainSync(validators[1]!, kind, CHAIN, body);
  return sigs;
}

function finalization(height: bigint, view: bigint, parent: Uint8Array, digest: Uint8Array, quorum = QUORUM): Uint8Array {
  const body = signer.codec.voteBody({ kind: "finalize", view, height, parent, digest });
  return signer.codec.encodeCertificate("finalization", body, N, sign(SignatureKind.FINALIZE, body, quorum));
}

function sigmaOf(height: bigint, digest: Uint8Array): Uint8Array {
  return encodeSignature(hashToG1(beaconMessage({ chainId: CHAIN, height, blockDigest: digest })).multiply(SECRET));
}

function bundleOf(
  i: number,
  o: { finalization?: Uint8Array; sigma?: Uint8Array | null; record?: Uint8Array; progress?: Uint8Array } = {},
): Uint8Array {
  const b = built[i]!;
  const record = o.record ?? b.record;
  const sigma = o.sigma === null ? undefined : (o.sigma ?? b.sigma);
  return signer.codec.encodeFinalized({
    height: BigInt(i + 1),
    block: b.block,
    finalization: o.finalization ?? finalization(BigInt(i + 1), b.view, b.parent, b.digest),
    ...(sigma ? { sigma } : {}),
    progress: o.progress ?? signer.codec.encodeProgressCertificate(record, N, sign(SignatureKind.PROGRESS, record)),
  });
}

const verify = (bundle: Uint8Array, descendants?: { digest: string; parent: string }[], offMainThread = false) =>
  verifyFinalized({
    offMainThread,
    codec: signer.codec,
    chainId: CHAIN,
    validators: validators.map((v) => v.publicKey),
    groupKey,
    bundle,
    ...(descendants ? { descendants } : {}),
  });

beforeAll(async () => {
  signer = await Core.load(wasmBytes());
  validators = Array.from({ length: N }, (_, i) => LocalChain.signer(300 + i));
  genesis = signer.codec.encodeGenesis({
    chainId: CHAIN,
    genesisTimeMs: 1_000n,
    admins: [LocalChain.signer(1).publicKey],
    faucetEnabled: true,
  });
  let parent = signer.init(genesis).genesisDigest;
  for (let h = 1n; h <= 3n; h++) {
    const txs = [0, 1].map((k) => registerTx(Number(h) * 10 + k));
    const block = signer.codec.encodeBlock({ chainId: CHAIN, height: h, view: h + 1n, parent, timestampMs: 1_000n + h, proposer: 0, txs });
    const digest = fromHex(signer.codec.decodeBlock(block).digest);
    const sigma = sigmaOf(h, digest);
    const r = signer.execute(block, sigma);
    built.push({ block, digest, parent, view: h + 1n, sigma, record: r.progress!, events: r.events });
    parent = digest;
  }
  for (let i = 0; i < built.length; i++) bundles.push(bundleOf(i));
});

function registerTx(player: number): Uint8Array {
  const s = LocalChain.signer(player);
  const body = signer.codec.txBody(s.publicKey, 0n, { op: "register", name: `p${player}` });
  return new Uint8Array([...body, ...signDomainSync(s, SignatureKind.TX, CHAIN, body)]);
}

describe("verifyFinalized", () => {
  it("accepts every height of a certified chain, and replay gives the certified records", async () => {
    const replica = await Core.load(wasmBytes());
    replica.init(genesis);
    for (const [i, bundle] of bundles.entries()) {
      const v = await verify(bundle);
      expect(v.ok ? "ok" : (v as { reason: string }).reason).toBe("ok");
      const verified = v as VerifiedFinalized;
      expect(verified.finalizedAt).toBe(BigInt(i + 1));
      expect(toHex(verified.record)).toBe(toHex(built[i]!.record));
      const r = replayFinalized(replica, verified);
      expect(r.ok).toBe(true);
      if (r.ok) expect(r.events.map(toHex)).toEqual(built[i]!.events.map(toHex));
    }
    expect(toHex(replica.stateRoot())).toBe(toHex(signer.stateRoot()));
  });

  it("links a block finalized through a descendant's certificate by parent digests", async () => {
    const b2 = built[1]!;
    const b3 = built[2]!;
    const through3 = finalization(3n, b3.view, b3.parent, b3.digest);
    const bundle = bundleOf(1, { finalization: through3 });
    const unlinked = await verify(bundle);
    expect(unlinked).toMatchObject({ ok: false, reason: "unlinked", needsThrough: 3n });
    const ok = await verify(bundle, [{ digest: toHex(b3.digest), parent: toHex(b2.digest) }]);
    expect(ok).toMatchObject({ ok: true, finalizedAt: 3n });
    const forged = await verify(bundle, [{ digest: toHex(b3.digest), parent: toHex(sha256(b2.digest)) }]);
    expect(forged).toMatchObject({ ok: false, reason: "unlinked" });
  });

  it("refuses a forged finalization, a wrong σ, a mismatching record and garbage, each with its reason", async () => {
    const b = built[0]!;
    const noQuorum = finalization(1n, b.view, b.parent, b.digest, [0, 1]);
    expect(await verify(bundleOf(0, { finalization: noQuorum }))).toMatchObject({ ok: false, reason: "bad-finalization" });
    const wrongSigma = sigmaOf(2n, b.digest);
    const r1 = await verify(bundleOf(0, { sigma: wrongSigma }));
    expect(r1).toMatchObject({ ok: false, reason: "sigma-mismatch" });
    expect(await verify(bundleOf(0, { sigma: null }))).toMatchObject({ ok: false, reason: "sigma-mismatch" });
    // A record that claims another state root, validly signed by a quorum: certificates pass, replay does not.
    const p = signer.codec.decodeProgress(b.record);
    const tampered = b.record.slice();
    const rootAt = toHex(tampered).indexOf(p.stateRoot) / 2;
    tampered[rootAt] = (tampered[rootAt] as number) ^ 1;
    const v = await verify(bundleOf(0, { record: tampered }));
    expect(v.ok).toBe(true);
    const replica = await Core.load(wasmBytes());
    replica.init(genesis);
    expect(replayFinalized(replica, v as VerifiedFinalized)).toMatchObject({ ok: false, reason: "execution-mismatch" });
    expect(await verify(new Uint8Array([1, 2, 3]))).toMatchObject({ ok: false, reason: "malformed" });
  });

  it("gives the same verdicts with the certificates' checks on the libuv pool (offMainThread)", async () => {
    const b = built[0]!;
    const fBody = signer.codec.voteBody({ kind: "finalize", view: b.view, height: 1n, parent: b.parent, digest: b.digest });
    const badFinalization = signer.codec.encodeCertificate("finalization", fBody, N, signBadly(SignatureKind.FINALIZE, fBody));
    const badProgress = signer.codec.encodeProgressCertificate(b.record, N, signBadly(SignatureKind.PROGRESS, b.record));
    const cases = [
      ...bundles.map((bundle) => ({ bundle, expected: "ok" })),
      { bundle: bundleOf(0, { finalization: badFinalization }), expected: "bad-finalization" },
      { bundle: bundleOf(0, { progress: badProgress }), expected: "bad-progress" },
    ];
    for (const { bundle, expected } of cases) {
      const [here, pooled] = [await verify(bundle), await verify(bundle, undefined, true)];
      const reason = (v: typeof here) => (v.ok ? "ok" : v.reason);
      expect([reason(here), reason(pooled)]).toEqual([expected, expected]);
    }
  });

  it("refuses a σ that is not the group's, and bundles without a progress certificate", async () => {
    const b = built[0]!;
    const other = encodeSignature(hashToG1(beaconMessage({ chainId: CHAIN, height: 1n, blockDigest: b.digest })).multiply(SECRET + 1n));
    const record = b.record.slice();
    const p = signer.codec.decodeProgress(record);
    const at = toHex(record).indexOf(p.beaconHash) / 2;
    record.set(sha256(other), at);
    expect(await verify(bundleOf(0, { sigma: other, record }))).toMatchObject({ ok: false, reason: "bad-sigma" });
    const bare = signer.codec.encodeFinalized({ height: 1n, block: b.block, finalization: finalization(1n, b.view, b.parent, b.digest) });
    expect(await verify(bare)).toMatchObject({ ok: false, reason: "incomplete" });
  });
});

describe("update frames", () => {
  it("carry events with a multi-proof that verifies against the certified events root", async () => {
    const log = await MmrLog.create(wasmBytes());
    for (const b of built) log.append(b.events.map((e) => sha256(e)));
    // The log after height 3; prove two events of height 3.
    const last = built[2]!;
    const p = signer.codec.decodeProgress(last.record);
    const indices = [p.eventStart, p.eventEnd - 1n];
    const frame = encodeUpdateFrame({
      height: 3n,
      progressCertificate: signer.codec.encodeProgressCertificate(last.record, N, sign(SignatureKind.PROGRESS, last.record)),
      events: indices.map((index) => ({ index, event: last.events[Number(index - p.eventStart)]! })),
      proof: log.prove(indices),
    });
    const o = { codec: signer.codec, chainId: CHAIN, validators: validators.map((v) => v.publicKey) };
    const v = await verifyUpdate({ ...o, frame });
    expect(v.ok).toBe(true);
    if (v.ok) expect(v.events.map((e) => e.kind)).toEqual(["registered", "registered"]);
    const bad = decodeUpdateFrame(frame);
    const swapped = encodeUpdateFrame({ ...bad, events: [bad.events[0]!, { ...bad.events[1]!, event: bad.events[0]!.event }] });
    expect(await verifyUpdate({ ...o, frame: swapped })).toMatchObject({ ok: false, reason: "bad-proof" });
    log.free();
  });

  it("decode what they encode, and refuse everything else without throwing anything but UpdateFrameError", () => {
    const part = fc.uint8Array({ maxLength: 40 });
    const frameArb = fc.record({
      height: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      progressCertificate: part,
      events: fc.uniqueArray(fc.record({ index: fc.bigInt({ min: 0n, max: 1n << 40n }), event: part }), {
        maxLength: 5,
        selector: (e) => e.index,
      }),
      proof: fc.uint8Array({ minLength: 1, maxLength: 40 }),
    });
    fc.assert(
      fc.property(frameArb, (f) => {
        const frame = {
          ...f,
          events: [...f.events].sort((a, b) => (a.index < b.index ? -1 : 1)),
          proof: f.events.length ? f.proof : new Uint8Array(),
        };
        const bytes = encodeUpdateFrame(frame);
        expect(toHex(encodeUpdateFrame(decodeUpdateFrame(bytes)))).toBe(toHex(bytes));
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          expect(toHex(encodeUpdateFrame(decodeUpdateFrame(bytes)))).toBe(toHex(bytes));
        } catch (e) {
          expect(e).toBeInstanceOf(UpdateFrameError);
        }
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });

  it("use minimal 64-bit varints", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v) => {
        const out: number[] = [];
        writeVarint(out, v);
        expect(readVarint(Uint8Array.from(out), 0)).toEqual([v, out.length]);
      }),
    );
    expect(() => readVarint(Uint8Array.of(0x80, 0x00), 0)).toThrow(VarintError);
    expect(() => readVarint(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02), 0)).toThrow(VarintError);
  });
});
