// Threshold BLS beacon: published MinSig vectors, our own fixed-seed vector, share verification,
// recovery from every t-subset for n = 4 and n = 7, the robust recovery path, message binding,
// and decoders that only ever throw BeaconError. Pairings cost ~20 ms each in noble, so property
// tests run few cases.

import { readFileSync } from "node:fs";
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { bytesToHex, hexToBytes, numberToBytesBE } from "@noble/curves/utils.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { decodeSignatureOnCurve, G1, type G1Point, G2 } from "@nullspace/core/bls";
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BEACON_DST,
  BEACON_MESSAGE_LENGTH,
  BeaconError,
  beaconMessage,
  type Commitments,
  type Dealing,
  deal,
  decodeCommitments,
  decodePublicKey,
  decodeScalar,
  decodeShare,
  decodeSignature,
  encodeCommitments,
  encodePublicKey,
  encodeScalar,
  encodeShare,
  encodeSignature,
  GROUP_ORDER,
  groupKeyOf,
  hashToG1,
  type PartialSignature,
  partialSign,
  publicShareKey,
  quorumThreshold,
  recover,
  recoverVerified,
  recoverVerifiedMany,
  type Share,
  verifyPartial,
  verifyShare,
  verifySignature,
} from "../src/beacon/index.js";

const R = GROUP_ORDER;
const P = bls12_381.fields.Fp.ORDER;

function errorCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof BeaconError) return e.code;
    throw e;
  }
  return undefined;
}

function seedOf(label: string): Uint8Array {
  return sha256(new TextEncoder().encode(label));
}

function subsets<T>(items: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (items.length < k) return [];
  const [head, ...rest] = items;
  return [...subsets(rest, k - 1).map((s) => [head!, ...s]), ...subsets(rest, k)];
}

/** Standard BLS Sign with the group secret, through noble's own API: what σ must equal. */
function signWithSecret(secret: bigint, message: Uint8Array): Uint8Array {
  const bls = bls12_381.shortSignatures;
  return bls.Signature.toBytes(bls.sign(bls.hash(message, BEACON_DST), numberToBytesBE(secret, 32)));
}

const digest = (label: string) => sha256(new TextEncoder().encode(label));
const message42 = beaconMessage({ chainId: 7n, height: 42n, blockDigest: digest("block 42") });

function partialsFor(dealing: Dealing, message: Uint8Array): PartialSignature[] {
  return dealing.shares.map((s) => ({ index: s.index, signature: partialSign(s, message) }));
}

const dealings = new Map<number, { dealing: Dealing; partials: PartialSignature[]; sigma: Uint8Array }>();
for (const n of [4, 7]) {
  const dealing = deal({ n, seed: seedOf(`beacon test n=${n}`) });
  const partials = partialsFor(dealing, message42);
  dealings.set(n, { dealing, partials, sigma: signWithSecret(dealing.groupSecret, message42) });
}
const setup = (n: number) => dealings.get(n)!;

// A point on E(Fp) outside G1 times r: a non-zero point of small order T. e(T, ·) = 1, so σ + T
// passes the pairing equation; only the subgroup check tells them apart.
function smallOrderPoint(): G1Point {
  for (let x = 1; ; x++) {
    const bytes = new Uint8Array(48);
    bytes[0] = 0x80;
    bytes[47] = x;
    let point: G1Point;
    try {
      point = decodeSignatureOnCurve(bytes);
    } catch {
      continue;
    }
    if (point.isTorsionFree()) continue;
    const t = point.multiplyUnsafe(R - 1n).add(point);
    if (!t.is0()) return t;
  }
}

// ---------------------------------------------------------------------------------------------

describe("known answers", () => {
  const vectors = JSON.parse(readFileSync(new URL("../../core-as/test/vectors/bls-minsig.json", import.meta.url), "utf8"));
  const own = JSON.parse(readFileSync(new URL("./vectors/beacon-own.json", import.meta.url), "utf8"));

  it("uses the ciphersuite DST the published vectors use", () => {
    expect(BEACON_DST).toBe(vectors.dst);
  });

  it("signs and verifies noble's published MinSig vectors (sign = partialSign with one share)", () => {
    for (const v of vectors.noble.vectors) {
      const secret = decodeScalar(hexToBytes(v.sk));
      const message = hexToBytes(v.msg);
      expect(bytesToHex(partialSign({ index: 1, secret }, message))).toBe(v.sig);
      expect(verifySignature(G2.BASE.multiply(secret), message, hexToBytes(v.sig))).toBe(true);
    }
  });

  it("verifies drand quicknet round 1000, a real threshold MinSig signature", () => {
    const q = vectors.drandQuicknet;
    const roundMessage = (round: bigint) => {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigUint64(0, round);
      return sha256(b);
    };
    const signature = hexToBytes(q.signature);
    expect(verifySignature(hexToBytes(q.publicKey), roundMessage(BigInt(q.round)), signature)).toBe(true);
    expect(verifySignature(hexToBytes(q.publicKey), roundMessage(BigInt(q.round) + 1n), signature)).toBe(false);
    expect(bytesToHex(sha256(signature))).toBe(q.randomness);
  });

  it("reproduces our own fixed-seed vector (dealing, encodings, message, partials, σ)", () => {
    const dealing = deal({ n: own.n, seed: hexToBytes(own.seed) });
    expect(dealing.t).toBe(own.t);
    expect(bytesToHex(encodePublicKey(dealing.groupKey))).toBe(own.groupKey);
    expect(bytesToHex(encodeCommitments(dealing.commitments))).toBe(own.commitments);
    expect(dealing.shares.map((s) => bytesToHex(encodeShare(s)))).toEqual(own.shares);
    const message = beaconMessage({ chainId: BigInt(own.chainId), height: BigInt(own.height), blockDigest: hexToBytes(own.blockDigest) });
    expect(bytesToHex(message)).toBe(own.message);
    const shares = own.shares.map((s: string) => decodeShare(hexToBytes(s)));
    expect(shares.map((s: Share) => bytesToHex(partialSign(s, message)))).toEqual(
      own.partials.map((p: { signature: string }) => p.signature),
    );
    const partials = own.partials.map((p: { index: number; signature: string }) => ({
      index: p.index,
      signature: hexToBytes(p.signature),
    }));
    expect(bytesToHex(recover(partials.slice(1), own.t))).toBe(own.sigma);
    expect(verifySignature(hexToBytes(own.groupKey), message, hexToBytes(own.sigma))).toBe(true);
  });
});

describe("beacon message", () => {
  it("is domainPrefix(BEACON, chainId) ‖ u64be(height) ‖ blockDigest", () => {
    const blockDigest = Uint8Array.from({ length: 32 }, (_, i) => 0x20 + i);
    const m = beaconMessage({ chainId: 0x0102030405060708n, height: 0x1112131415161718n, blockDigest });
    expect(m.length).toBe(BEACON_MESSAGE_LENGTH);
    const expected = ["4e554c4c5350414345", "06", "0102030405060708", "1112131415161718", bytesToHex(blockDigest)].join("");
    expect(bytesToHex(m)).toBe(expected);
  });

  it("hashes to G1 as hash_to_curve does, whatever was hashed in between (the hashes are remembered)", () => {
    const messages = Array.from({ length: 20 }, (_, h) =>
      beaconMessage({ chainId: 7n, height: BigInt(h), blockDigest: new Uint8Array(32).fill(h) }),
    );
    const fresh = (m: Uint8Array) => bls12_381.shortSignatures.hash(m, BEACON_DST);
    for (const order of [messages, [...messages].reverse(), [messages[3], messages[19], messages[3], messages[0]]]) {
      for (const m of order) expect(hashToG1(m as Uint8Array).equals(fresh(m as Uint8Array))).toBe(true);
    }
    const m = messages[5] as Uint8Array;
    const copy = m.slice();
    hashToG1(m);
    m[0] = (m[0] as number) ^ 1; // the caller changing its bytes later changes nothing remembered
    expect(hashToG1(copy).equals(fresh(copy))).toBe(true);
    expect(hashToG1(m).equals(fresh(m))).toBe(true);
  });

  it("refuses fields out of range with BAD_MESSAGE", () => {
    const blockDigest = new Uint8Array(32);
    expect(errorCode(() => beaconMessage({ chainId: -1n, height: 1n, blockDigest }))).toBe("BAD_MESSAGE");
    expect(errorCode(() => beaconMessage({ chainId: 1 as unknown as bigint, height: 1n, blockDigest }))).toBe("BAD_MESSAGE");
    expect(errorCode(() => beaconMessage({ chainId: 1n, height: 1n << 64n, blockDigest }))).toBe("BAD_MESSAGE");
    expect(errorCode(() => beaconMessage({ chainId: 1n, height: 1n, blockDigest: new Uint8Array(31) }))).toBe("BAD_MESSAGE");
    expect(errorCode(() => beaconMessage(null as never))).toBe("BAD_MESSAGE");
  });
});

describe("dealer ceremony", () => {
  it("uses t = n − floor((n − 1) / 3)", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map(quorumThreshold)).toEqual([1, 2, 3, 3, 4, 5, 5, 7]);
    expect(setup(4).dealing.t).toBe(3);
    expect(setup(7).dealing.t).toBe(5);
    expect(setup(7).dealing.commitments.length).toBe(5);
  });

  it("is deterministic with a seed and random without one", () => {
    const a = deal({ n: 4, seed: seedOf("same") });
    const b = deal({ n: 4, seed: seedOf("same") });
    expect(encodeCommitments(a.commitments)).toEqual(encodeCommitments(b.commitments));
    expect(a.shares).toEqual(b.shares);
    const c = deal({ n: 4 });
    const d = deal({ n: 4 });
    expect(c.groupSecret).not.toBe(d.groupSecret);
    expect(groupKeyOf(c.commitments).equals(c.groupKey)).toBe(true);
    expect(G2.BASE.multiply(c.groupSecret).equals(c.groupKey)).toBe(true);
  });

  it("refuses bad parameters with typed errors", () => {
    expect(errorCode(() => deal({ n: 0 }))).toBe("BAD_PARAMETERS");
    expect(errorCode(() => deal({ n: 4, t: 5 }))).toBe("BAD_PARAMETERS");
    expect(errorCode(() => deal({ n: 4, t: 0 }))).toBe("BAD_PARAMETERS");
    expect(errorCode(() => deal({ n: 2.5 }))).toBe("BAD_PARAMETERS");
    expect(errorCode(() => deal({ n: 65536 }))).toBe("BAD_PARAMETERS");
    expect(errorCode(() => deal({ n: 4, seed: new Uint8Array(31) }))).toBe("BAD_SEED");
  });

  it("gives shares that all verify against the commitments, as objects and as bytes", () => {
    for (const n of [4, 7]) {
      const { dealing } = setup(n);
      const commitmentBytes = encodeCommitments(dealing.commitments);
      for (const share of dealing.shares) {
        expect(verifyShare(share, dealing.commitments)).toBe(true);
        expect(verifyShare(encodeShare(share), commitmentBytes)).toBe(true);
        expect(publicShareKey(dealing.commitments, share.index).equals(G2.BASE.multiply(share.secret))).toBe(true);
      }
    }
  });

  it("rejects a tampered share, a share under another index, and tampered commitments", () => {
    const { dealing } = setup(4);
    const share = dealing.shares[1]!;
    expect(verifyShare({ index: share.index, secret: (share.secret + 1n) % R }, dealing.commitments)).toBe(false);
    expect(verifyShare({ index: 3, secret: share.secret }, dealing.commitments)).toBe(false);
    const tampered = encodeShare(share);
    tampered[33]! ^= 1;
    expect(verifyShare(tampered, dealing.commitments)).toBe(false);
    const other = deal({ n: 4, seed: seedOf("other") });
    expect(verifyShare(share, other.commitments)).toBe(false);
    const swapped: Commitments = [dealing.commitments[0]!, dealing.commitments[2]!, dealing.commitments[1]!];
    expect(verifyShare(share, swapped)).toBe(false);
  });

  it("verifyShare never throws on garbage", () => {
    const { dealing } = setup(4);
    const garbage: unknown[] = [undefined, null, 1, "x", new Uint8Array(34), { index: 0, secret: 1n }, { index: 1, secret: R }, [], [1, 2]];
    for (const g of garbage) {
      expect(verifyShare(g as Share, dealing.commitments)).toBe(false);
      expect(verifyShare(dealing.shares[0]!, g as Commitments)).toBe(false);
    }
  });

  it("any seed: every share verifies and t shares interpolate the group secret", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.integer({ min: 1, max: 7 }), (seed, n) => {
        const dealing = deal({ n, seed });
        expect(dealing.shares.every((s) => verifyShare(s, dealing.commitments))).toBe(true);
        const Fr = bls12_381.fields.Fr;
        const chosen = dealing.shares.slice(-dealing.t);
        let secret = 0n;
        for (const si of chosen) {
          let lambda = 1n;
          for (const sj of chosen)
            if (sj !== si) lambda = Fr.mul(lambda, Fr.div(BigInt(sj.index), Fr.sub(BigInt(sj.index), BigInt(si.index))));
          secret = Fr.add(secret, Fr.mul(lambda, si.secret));
        }
        expect(secret).toBe(dealing.groupSecret);
      }),
      { numRuns: 4 },
    );
  });
});

describe("partials and recovery", () => {
  for (const n of [4, 7]) {
    describe(`n = ${n}`, () => {
      it("every partial verifies under its public share key (derived, or as bytes)", () => {
        const { dealing, partials } = setup(n);
        for (const p of partials) {
          expect(verifyPartial({ commitments: dealing.commitments, index: p.index }, message42, p.signature)).toBe(true);
        }
        const first = partials[0]!;
        expect(verifyPartial(encodePublicKey(publicShareKey(dealing.commitments, 1)), message42, first.signature)).toBe(true);
        expect(verifyPartial({ commitments: dealing.commitments, index: 2 }, message42, first.signature)).toBe(false);
      });

      it("every t-subset recovers the same σ, which verifies and equals signing with the group secret", () => {
        const { dealing, partials, sigma } = setup(n);
        const all = subsets(partials, dealing.t);
        expect(all.length).toBe(n === 4 ? 4 : 21);
        for (const subset of all) {
          expect(bytesToHex(recover(subset, dealing.t))).toBe(bytesToHex(sigma));
          expect(bytesToHex(recover([...subset].reverse(), dealing.t))).toBe(bytesToHex(sigma));
        }
        expect(verifySignature(dealing.groupKey, message42, sigma)).toBe(true);
        expect(verifySignature(encodePublicKey(dealing.groupKey), message42, sigma)).toBe(true);
        // A client with plain noble and the published DST accepts the same σ (docs/beacon.md).
        const bls = bls12_381.shortSignatures;
        expect(bls.verify(sigma, bls.hash(message42, BEACON_DST), encodePublicKey(dealing.groupKey))).toBe(true);
      });

      it("cannot recover from t − 1 partials, refuses t + 1 and duplicate indices", () => {
        const { dealing, partials } = setup(n);
        const { t } = dealing;
        expect(errorCode(() => recover(partials.slice(0, t - 1), t))).toBe("TOO_FEW_PARTIALS");
        expect(errorCode(() => recover(partials.slice(0, t + 1), t))).toBe("TOO_MANY_PARTIALS");
        const duplicated = [...partials.slice(0, t - 1), partials[0]!];
        expect(errorCode(() => recover(duplicated, t))).toBe("DUPLICATE_INDEX");
        expect(
          errorCode(() => recoverVerified({ commitments: dealing.commitments, message: message42, partials: [...partials, partials[0]!] })),
        ).toBe("DUPLICATE_INDEX");
        expect(
          errorCode(() => recoverVerified({ commitments: dealing.commitments, message: message42, partials: partials.slice(0, t - 1) })),
        ).toBe("TOO_FEW_PARTIALS");
        // Interpolating t − 1 partials as if they were all (t − 1 as the threshold) gives some
        // other point, never σ.
        const wrong = recover(partials.slice(0, t - 1), t - 1);
        expect(verifySignature(dealing.groupKey, message42, wrong)).toBe(false);
      });

      it("recoverVerifiedMany gives every height's σ with one check, and finds bad partials when the check fails", () => {
        const { dealing } = setup(n);
        const { t, commitments, groupSecret } = dealing;
        const messages = [1n, 2n, 3n].map((h) => beaconMessage({ chainId: 7n, height: h, blockDigest: digest(`block ${h}`) }));
        const expected = messages.map((m) => bytesToHex(signWithSecret(groupSecret, m)));
        const good = messages.map((m) => partialsFor(dealing, m));
        const hex = (xs: (Uint8Array | undefined)[]) => xs.map((x) => (x ? bytesToHex(x) : undefined));
        expect(
          hex(
            recoverVerifiedMany(
              commitments,
              messages.map((message, k) => ({ message, partials: good[k]! })),
            ),
          ),
        ).toEqual(expected);
        // A forged partial among the first t of height 2 (a valid one of another message): the one
        // pairing check fails, each height is recovered alone, and height 2 from its other partials.
        const forged = [{ index: good[1]![0]!.index, signature: good[0]![0]!.signature }, ...good[1]!.slice(1)];
        const withBad = messages.map((message, k) => ({ message, partials: k === 1 ? forged : good[k]! }));
        expect(hex(recoverVerifiedMany(commitments, withBad))).toEqual(expected);
        // Too few valid partials for height 3: undefined there, the others still right.
        const short = messages.map((message, k) => ({ message, partials: k === 2 ? [forged[0]!, ...good[2]!.slice(1, t)] : good[k]! }));
        expect(hex(recoverVerifiedMany(commitments, short))).toEqual([expected[0], expected[1], undefined]);
        // One item: exactly recoverVerified.
        expect(hex(recoverVerifiedMany(commitments, [{ message: messages[0]!, partials: good[0]! }]))).toEqual([expected[0]]);
        expect(recoverVerifiedMany(commitments, [])).toEqual([]);
      });

      it("recoverVerified takes the fast path when the first t partials are good", () => {
        const { dealing, partials, sigma } = setup(n);
        const r = recoverVerified({ commitments: dealing.commitments, message: message42, partials });
        expect(bytesToHex(r.signature)).toBe(bytesToHex(sigma));
        expect(r.used).toEqual(partials.slice(0, dealing.t).map((p) => p.index));
        expect(r.invalid).toEqual([]);
      });
    });
  }

  it("recoverVerified drops wrong partials (up to f of them) and still recovers σ", () => {
    const { dealing, partials, sigma } = setup(7);
    const otherMessage = beaconMessage({ chainId: 7n, height: 43n, blockDigest: digest("block 43") });
    const bad = [...partials];
    // Index 2: a valid signature, but on another height. Index 4: garbage bytes.
    bad[1] = { index: 2, signature: partialSign(dealing.shares[1]!, otherMessage) };
    bad[3] = { index: 4, signature: new Uint8Array(48).fill(0xab) };
    const r = recoverVerified({ commitments: dealing.commitments, message: message42, partials: bad });
    expect(bytesToHex(r.signature)).toBe(bytesToHex(sigma));
    expect([...r.invalid].sort()).toEqual([2, 4]);
    expect(r.used).toEqual([1, 3, 5, 6, 7]);
    expect(verifyPartial({ commitments: dealing.commitments, index: 2 }, message42, bad[1]!.signature)).toBe(false);
  });

  it("recoverVerified drops another validator's partial sent under the wrong index", () => {
    const { dealing, partials, sigma } = setup(4);
    const bad = [{ index: 1, signature: partials[1]!.signature }, ...partials.slice(1)];
    const r = recoverVerified({ commitments: dealing.commitments, message: message42, partials: bad });
    expect(bytesToHex(r.signature)).toBe(bytesToHex(sigma));
    expect(r.invalid).toEqual([1]);
    expect(r.used).toEqual([2, 3, 4]);
  });

  it("recoverVerified fails with TOO_FEW_PARTIALS when fewer than t are valid", () => {
    const { dealing, partials } = setup(7);
    const bad = partials.map((p, k) => (k < 3 ? { index: p.index, signature: partials[(k + 1) % 7]!.signature } : p));
    expect(errorCode(() => recoverVerified({ commitments: dealing.commitments, message: message42, partials: bad }))).toBe(
      "TOO_FEW_PARTIALS",
    );
  });

  it("a partial with a small-order component is refused, and cannot change σ", () => {
    const { dealing, partials, sigma } = setup(4);
    const torsion = smallOrderPoint();
    const honest = decodeSignature(partials[0]!.signature);
    const laced = encodeSignature(honest.add(torsion));
    expect(errorCode(() => decodeSignature(laced))).toBe("BAD_POINT");
    expect(verifyPartial({ commitments: dealing.commitments, index: 1 }, message42, laced)).toBe(false);
    // Plain recover accepts the encoding and yields σ + λ·T: a point that passes the pairing
    // equation but not the subgroup check, so verifySignature refuses it.
    const withTorsion = [{ index: 1, signature: laced }, ...partials.slice(1, 3)];
    const skewed = recover(withTorsion, 3);
    expect(bytesToHex(skewed)).not.toBe(bytesToHex(sigma));
    expect(verifySignature(dealing.groupKey, message42, skewed)).toBe(false);
    const r = recoverVerified({ commitments: dealing.commitments, message: message42, partials: [...withTorsion, partials[3]!] });
    expect(bytesToHex(r.signature)).toBe(bytesToHex(sigma));
    expect(r.invalid).toEqual([1]);
  });

  it("σ of random dealings: any two t-subsets agree", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 1, maxLength: 64 }), (seed, message) => {
        const dealing = deal({ n: 4, seed });
        const partials = partialsFor(dealing, message);
        expect(bytesToHex(recover(partials.slice(0, 3), 3))).toBe(bytesToHex(recover(partials.slice(1), 3)));
        expect(bytesToHex(recover(partials.slice(0, 3), 3))).toBe(bytesToHex(signWithSecret(dealing.groupSecret, message)));
      }),
      { numRuns: 3 },
    );
  });
});

describe("message binding", () => {
  it("σ for one height verifies for no other height, digest, chain id or group key", () => {
    const { dealing, sigma } = setup(4);
    const fields = { chainId: 7n, height: 42n, blockDigest: digest("block 42") };
    expect(verifySignature(dealing.groupKey, beaconMessage(fields), sigma)).toBe(true);
    expect(verifySignature(dealing.groupKey, beaconMessage({ ...fields, height: 43n }), sigma)).toBe(false);
    expect(verifySignature(dealing.groupKey, beaconMessage({ ...fields, blockDigest: digest("block 42'") }), sigma)).toBe(false);
    expect(verifySignature(dealing.groupKey, beaconMessage({ ...fields, chainId: 8n }), sigma)).toBe(false);
    expect(verifySignature(setup(7).dealing.groupKey, beaconMessage(fields), sigma)).toBe(false);
  });

  it("verification functions return false for malformed inputs instead of throwing", () => {
    const { dealing, sigma, partials } = setup(4);
    const junk: unknown[] = [undefined, null, 3, "ab", new Uint8Array(0), new Uint8Array(47), new Uint8Array(48), new Uint8Array(96), {}];
    for (const j of junk) {
      expect(verifySignature(j as Uint8Array, message42, sigma)).toBe(false);
      expect(verifySignature(dealing.groupKey, j as Uint8Array, sigma)).toBe(false);
      expect(verifySignature(dealing.groupKey, message42, j as Uint8Array)).toBe(false);
      expect(verifyPartial(j as Uint8Array, message42, partials[0]!.signature)).toBe(false);
      expect(verifyPartial({ commitments: dealing.commitments, index: j as number }, message42, partials[0]!.signature)).toBe(false);
      expect(verifyPartial({ commitments: j as Commitments, index: 1 }, message42, partials[0]!.signature)).toBe(false);
    }
    const identity = new Uint8Array(48);
    identity[0] = 0xc0;
    expect(verifySignature(dealing.groupKey, message42, identity)).toBe(false);
  });
});

describe("encodings", () => {
  const anyBytes = fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    ...[32, 34, 48, 96, 192, 288].map((n) => fc.uint8Array({ minLength: n, maxLength: n })),
  );
  const decoders: [string, (b: Uint8Array) => unknown][] = [
    ["decodeScalar", decodeScalar],
    ["decodeShare", decodeShare],
    ["decodeSignature", decodeSignature],
    ["decodePublicKey", decodePublicKey],
    ["decodeCommitments", (b) => decodeCommitments(b)],
  ];

  it("decoders throw nothing but BeaconError on random bytes", () => {
    for (const [, decode] of decoders) {
      fc.assert(
        fc.property(anyBytes, (bytes) => {
          errorCode(() => decode(bytes)); // rethrows anything that is not a BeaconError
        }),
        { numRuns: 60 },
      );
    }
  });

  it("decoders refuse non-bytes with BAD_LENGTH", () => {
    for (const [, decode] of decoders) {
      for (const junk of [undefined, null, "00", 5, [1, 2]]) expect(errorCode(() => decode(junk as never))).toBe("BAD_LENGTH");
    }
  });

  it("scalars: canonical round trip, zero and unreduced values refused", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: R - 1n }), (s) => {
        const bytes = encodeScalar(s);
        expect(decodeScalar(bytes)).toBe(s);
        expect(encodeScalar(decodeScalar(bytes))).toEqual(bytes);
      }),
    );
    for (const bad of [0n, R, R + 1n, (1n << 256n) - 1n])
      expect(errorCode(() => decodeScalar(numberToBytesBE(bad, 32)))).toBe("BAD_SCALAR");
    expect(errorCode(() => encodeScalar(0n))).toBe("BAD_SCALAR");
    expect(errorCode(() => encodeScalar(R))).toBe("BAD_SCALAR");
  });

  it("shares: canonical round trip; index 0 and wrong lengths refused", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0xffff }), fc.bigInt({ min: 1n, max: R - 1n }), (index, secret) => {
        const bytes = encodeShare({ index, secret });
        expect(bytes.length).toBe(34);
        expect(decodeShare(bytes)).toEqual({ index, secret });
        expect(encodeShare(decodeShare(bytes))).toEqual(bytes);
      }),
    );
    const good = encodeShare(setup(4).dealing.shares[0]!);
    const zeroIndex = good.slice();
    zeroIndex[1] = 0;
    expect(errorCode(() => decodeShare(zeroIndex))).toBe("BAD_INDEX");
    expect(errorCode(() => decodeShare(good.subarray(1)))).toBe("BAD_LENGTH");
    expect(errorCode(() => encodeShare({ index: 0, secret: 1n }))).toBe("BAD_INDEX");
    expect(errorCode(() => encodeShare({ index: 1, secret: 0n }))).toBe("BAD_SCALAR");
  });

  it("signatures: our encoder and decoder agree with noble's on random subgroup points", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: R - 1n }), (k) => {
        const point = G1.BASE.multiply(k);
        const bytes = encodeSignature(point);
        expect(bytesToHex(bytes)).toBe(bytesToHex(point.toBytes(true)));
        expect(decodeSignature(bytes).equals(point)).toBe(true);
        expect(encodeSignature(decodeSignature(bytes))).toEqual(bytes);
        // The same x with the other sort bit is the negated point: canonical too.
        const flipped = bytes.slice();
        flipped[0]! ^= 0x20;
        expect(decodeSignature(flipped).equals(point.negate())).toBe(true);
      }),
      { numRuns: 15 },
    );
  });

  it("signatures: identity, uncompressed, bad flags and x ≥ p refused", () => {
    const good = setup(4).sigma;
    const variants: Uint8Array[] = [];
    const identity = new Uint8Array(48);
    identity[0] = 0xc0;
    variants.push(identity);
    for (const flags of [0x00, 0x20, 0x40, 0x60, 0xe0]) {
      const v = good.slice();
      v[0] = (v[0]! & 0x1f) | flags;
      variants.push(v);
    }
    const big = numberToBytesBE(P, 48);
    big[0]! |= 0x80;
    variants.push(big);
    for (const v of variants) expect(errorCode(() => decodeSignature(v))).toBe("BAD_POINT");
    expect(errorCode(() => decodeSignature(good.subarray(1)))).toBe("BAD_LENGTH");
    expect(errorCode(() => recover([{ index: 1, signature: identity }], 1))).toBe("BAD_POINT");
  });

  it("public keys and commitments: canonical round trips; identity and bad lengths refused", () => {
    const { dealing } = setup(7);
    const bytes = encodeCommitments(dealing.commitments);
    expect(bytes.length).toBe(5 * 96);
    const decoded = decodeCommitments(bytes, 5);
    expect(decoded.every((c, j) => c.equals(dealing.commitments[j]!))).toBe(true);
    expect(encodeCommitments(decoded)).toEqual(bytes);
    const key = encodePublicKey(dealing.groupKey);
    expect(encodePublicKey(decodePublicKey(key))).toEqual(key);
    expect(bytesToHex(key)).toBe(bytesToHex(dealing.groupKey.toBytes(true)));

    const identity = new Uint8Array(96);
    identity[0] = 0xc0;
    expect(errorCode(() => decodePublicKey(identity))).toBe("BAD_POINT");
    expect(errorCode(() => decodePublicKey(dealing.groupKey.toBytes(false)))).toBe("BAD_LENGTH");
    const uncompressedFlag = key.slice();
    uncompressedFlag[0]! &= 0x7f;
    expect(errorCode(() => decodePublicKey(uncompressedFlag))).toBe("BAD_POINT");
    const bigX = key.slice();
    bigX.set(numberToBytesBE(P, 48), 0);
    bigX[0]! |= 0x80;
    expect(errorCode(() => decodePublicKey(bigX))).toBe("BAD_POINT");

    expect(errorCode(() => decodeCommitments(new Uint8Array(0)))).toBe("BAD_LENGTH");
    expect(errorCode(() => decodeCommitments(bytes.subarray(1)))).toBe("BAD_LENGTH");
    expect(errorCode(() => decodeCommitments(bytes, 4))).toBe("BAD_LENGTH");
    const withIdentity = bytes.slice();
    withIdentity.set(identity, 96);
    expect(errorCode(() => decodeCommitments(withIdentity))).toBe("BAD_POINT");
    expect(errorCode(() => encodePublicKey(G2.ZERO))).toBe("BAD_POINT");
  });

  it("random G2 points round trip", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: R - 1n }), (k) => {
        const point = G2.BASE.multiply(k);
        const bytes = encodePublicKey(point);
        expect(decodePublicKey(bytes).equals(point)).toBe(true);
        expect(encodePublicKey(decodePublicKey(bytes))).toEqual(bytes);
      }),
      { numRuns: 8 },
    );
  });

  it("hashToG1 is the ciphersuite's hash and refuses non-bytes", () => {
    const m = new TextEncoder().encode("abc");
    expect(hashToG1(m).equals(bls12_381.G1.hashToCurve(m, { DST: BEACON_DST }) as G1Point)).toBe(true);
    expect(errorCode(() => hashToG1("abc" as never))).toBe("BAD_MESSAGE");
    expect(errorCode(() => partialSign(setup(4).dealing.shares[0]!, "abc" as never))).toBe("BAD_MESSAGE");
    expect(errorCode(() => partialSign({ index: 1, secret: 0n }, m))).toBe("BAD_SCALAR");
  });
});
