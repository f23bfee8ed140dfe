import nodeCrypto from "node:crypto";
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DOMAIN_PREFIX_LENGTH,
  domainPrefix,
  SignatureKind,
  signDomain,
  signDomainSync,
  signingPayload,
  verifyDomain,
  verifyDomainAsync,
} from "../src/crypto/domain.js";
import {
  COFACTOR_PROBE,
  createEd25519,
  type Ed25519,
  type Ed25519Backend,
  ed25519Backend,
  hasStrictEncoding,
  isSmallOrderEncoding,
  SignatureError,
  signerFromSeed,
  verify,
} from "../src/crypto/ed25519.js";
import { concatBytes, fromHex, toHex } from "../src/crypto/sha256.js";
import vectors from "./vectors/rfc8032-ed25519.json" with { type: "json" };

const BACKENDS: Ed25519Backend[] = ["node", "webcrypto", "noble"];
const impls: Record<Ed25519Backend, Ed25519> = {
  node: createEd25519("node"),
  webcrypto: createEd25519("webcrypto"),
  noble: createEd25519("noble"),
};
const all = BACKENDS.map((b) => [b, impls[b]] as const);

// --- independent references: raw node:crypto (OpenSSL, no prechecks) and noble's own verify ----

const SPKI = Buffer.from("302a300506032b6570032100", "hex");
const PKCS8 = Buffer.from("302e020100300506032b657004220420", "hex");

function rawNodePublicKey(seed: Uint8Array): Uint8Array {
  const priv = nodeCrypto.createPrivateKey({ key: Buffer.concat([PKCS8, seed]), format: "der", type: "pkcs8" });
  return new Uint8Array(nodeCrypto.createPublicKey(priv).export({ format: "der", type: "spki" }).subarray(12));
}
function rawNodeSign(seed: Uint8Array, message: Uint8Array): Uint8Array {
  const priv = nodeCrypto.createPrivateKey({ key: Buffer.concat([PKCS8, seed]), format: "der", type: "pkcs8" });
  return new Uint8Array(nodeCrypto.sign(null, message, priv));
}
function rawNodeVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const key = nodeCrypto.createPublicKey({ key: Buffer.concat([SPKI, publicKey]), format: "der", type: "spki" });
  return nodeCrypto.verify(null, message, key, signature);
}

// --- curve helpers for crafting adversarial signatures ---------------------------------------

ed.hashes.sha512 ??= sha512;
const { Point } = ed;
const G = Point.BASE;
const L = Point.CURVE().n;
const P = Point.CURVE().p;
const le = (b: Uint8Array): bigint => {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i] as number);
  return n;
};
const le32 = (n: bigint): Uint8Array => {
  const o = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    o[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return o;
};
/** A generator of the torsion subgroup (order 8). */
const T8 = Point.fromBytes(fromHex("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"));
const torsion = (j: number): ed.Point => {
  let p = Point.ZERO;
  for (let i = 0; i < j; i++) p = p.add(T8);
  return p;
};

/** An RFC 8032 signature, optionally with torsion added to R or to the public key A. */
function craft(seed: Uint8Array, message: Uint8Array, opts: { rTorsion?: number; aTorsion?: number } = {}) {
  const { prefix, scalar, point } = ed.utils.getExtendedPublicKey(seed);
  const A = point.add(torsion(opts.aTorsion ?? 0));
  const publicKey = A.toBytes();
  const r = le(sha512(concatBytes(prefix, message))) % L;
  const R = G.multiply(r)
    .add(torsion(opts.rTorsion ?? 0))
    .toBytes();
  const k = le(sha512(concatBytes(R, publicKey, message))) % L;
  const signature = concatBytes(R, le32((r + k * scalar) % L));
  return { publicKey, signature, k };
}

async function verifyEverywhere(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean[]> {
  const out: boolean[] = [];
  for (const [, impl] of all) {
    out.push(impl.verify(publicKey, message, signature));
    out.push(await impl.verifyAsync(publicKey, message, signature));
    out.push(...(await impl.verifyBatch([{ publicKey, message, signature }])));
    out.push(...(await impl.verifyBatch([{ publicKey, message, signature }], { offMainThread: true })));
    out.push(...impl.verifyBatchSync([{ publicKey, message, signature }]));
  }
  return out;
}
const everywhere = (n: boolean) => new Array(BACKENDS.length * 5).fill(n);

const seedArb = fc.uint8Array({ minLength: 32, maxLength: 32 });
const messageArb = fc.uint8Array({ minLength: 0, maxLength: 200 });

// ---------------------------------------------------------------------------------------------

describe("backend selection", () => {
  it("picks node:crypto in Node and every backend is constructible", async () => {
    expect(ed25519Backend).toBe("node");
    for (const [name, impl] of all) {
      expect(impl.backend).toBe(name);
      // Node's WebCrypto is OpenSSL: it passes the strictness probe, so no fallback to noble.
      expect(await impl.resolveBackend()).toBe(name);
    }
  });
});

describe("RFC 8032 section 7.1 vectors", () => {
  it("were transcribed correctly (checked against raw node:crypto)", () => {
    expect(vectors.vectors.map((v) => v.name)).toEqual(["TEST 1", "TEST 2", "TEST 3", "TEST 1024", "TEST SHA(abc)"]);
    for (const v of vectors.vectors) {
      const seed = fromHex(v.secretKey);
      expect(toHex(rawNodePublicKey(seed))).toBe(v.publicKey);
      expect(toHex(rawNodeSign(seed, fromHex(v.message)))).toBe(v.signature);
    }
    expect(fromHex(vectors.vectors[3]!.message).length).toBe(1023);
    expect(vectors.vectors[4]!.message).toBe(toHex(sha512(new TextEncoder().encode("abc"))));
  });

  for (const [name, impl] of all) {
    describe(name, () => {
      for (const v of vectors.vectors) {
        it(v.name, async () => {
          const seed = fromHex(v.secretKey);
          const message = fromHex(v.message);
          expect(toHex(impl.publicKeyFromSeed(seed))).toBe(v.publicKey);
          const signer = await impl.signerFromSeed(seed);
          expect(toHex(signer.publicKey)).toBe(v.publicKey);
          expect(toHex(await signer.sign(message))).toBe(v.signature);
          if (signer.signSync) expect(toHex(signer.signSync(message))).toBe(v.signature);
          const publicKey = fromHex(v.publicKey);
          const signature = fromHex(v.signature);
          expect(impl.verify(publicKey, message, signature)).toBe(true);
          expect(await impl.verifyAsync(publicKey, message, signature)).toBe(true);
        });
      }
    });
  }

  // node:crypto's seed import goes through JWK (`d` with a placeholder `x`, the derived key read
  // back); a runtime that refused that form, or kept the placeholder as the public key, must send
  // the node backend to the PKCS#8 path with the same keys and signatures.
  describe("node backend when the JWK seed import misbehaves", () => {
    afterEach(() => vi.restoreAllMocks());
    const original = nodeCrypto.createPrivateKey;
    const isJwkSeed = (k: unknown) => (k as { format?: string; key?: { d?: string } }).format === "jwk";
    const misbehaviours = {
      "refuses it": () => {
        throw new TypeError("no JWK private keys here");
      },
      "keeps the placeholder as the public key": (k: Parameters<typeof original>[0]) => {
        const key = original(k);
        const { x } = (k as { key: { x: string } }).key;
        return Object.assign(Object.create(Object.getPrototypeOf(key)), key, {
          export: (o: { format?: string }) => (o?.format === "jwk" ? { ...key.export({ format: "jwk" }), x } : key.export(o as never)),
        });
      },
    };
    for (const [how, impl] of Object.entries(misbehaviours)) {
      it(how, async () => {
        const spy = vi
          .spyOn(nodeCrypto, "createPrivateKey")
          .mockImplementation((k) => (isJwkSeed(k) ? (impl as (k: unknown) => nodeCrypto.KeyObject)(k) : original(k)));
        const node = createEd25519("node");
        for (const v of vectors.vectors) {
          const seed = fromHex(v.secretKey);
          const signer = node.signerFromSeedSync(seed);
          expect(toHex(signer.publicKey)).toBe(v.publicKey);
          expect(toHex(node.publicKeyFromSeed(seed))).toBe(v.publicKey);
          expect(toHex(signer.signSync!(fromHex(v.message)))).toBe(v.signature);
        }
        expect(spy.mock.calls.some(([k]) => isJwkSeed(k))).toBe(true);
      });
    }
  });

  it("node and noble sign synchronously; WebCrypto refuses with a typed error", async () => {
    const seed = fromHex(vectors.vectors[0]!.secretKey);
    expect(typeof impls.node.signerFromSeedSync(seed).signSync).toBe("function");
    expect(typeof impls.noble.signerFromSeedSync(seed).signSync).toBe("function");
    expect((await impls.webcrypto.signerFromSeed(seed)).signSync).toBeUndefined();
    expect(() => impls.webcrypto.signerFromSeedSync(seed)).toThrowError(
      expect.objectContaining({ name: "SignatureError", code: "SYNC_UNAVAILABLE" }),
    );
  });
});

describe("cross-backend agreement", () => {
  it("same keys and signatures from random seeds; every backend verifies them", async () => {
    await fc.assert(
      fc.asyncProperty(seedArb, messageArb, async (seed, message) => {
        const expected = toHex(rawNodeSign(seed, message));
        for (const [, impl] of all) {
          expect(toHex(impl.publicKeyFromSeed(seed))).toBe(toHex(rawNodePublicKey(seed)));
          const signer = await impl.signerFromSeed(seed);
          expect(toHex(await signer.sign(message))).toBe(expected);
        }
        expect(await verifyEverywhere(rawNodePublicKey(seed), message, fromHex(expected))).toEqual(everywhere(true));
      }),
      { numRuns: 40 },
    );
  });

  it("any flipped bit in message, signature or key fails on every backend", async () => {
    const target = fc.constantFrom("message", "signature", "publicKey");
    await fc.assert(
      fc.asyncProperty(seedArb, fc.uint8Array({ minLength: 1, maxLength: 100 }), target, fc.nat(), async (seed, message, which, bit) => {
        const publicKey = rawNodePublicKey(seed);
        const signature = rawNodeSign(seed, message);
        const item = { publicKey, message, signature };
        const bytes = item[which].slice();
        const i = bit % (bytes.length * 8);
        bytes[i >> 3] = (bytes[i >> 3] as number) ^ (1 << (i & 7));
        item[which] = bytes;
        expect(await verifyEverywhere(item.publicKey, item.message, item.signature)).toEqual(everywhere(false));
      }),
      { numRuns: 60 },
    );
  });

  it("random keys and signatures: all backends reject, none throws", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        messageArb,
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        async (publicKey, message, signature) => {
          expect(await verifyEverywhere(publicKey, message, signature)).toEqual(everywhere(false));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("a public key with a torsion component: every backend gives the cofactorless answer", async () => {
    // Accepted iff [k]T = 0 (k the challenge, T the key's torsion part): a cofactored verifier
    // (noble's own verify) would accept all of them, OpenSSL only those.
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(seedArb, messageArb, fc.integer({ min: 1, max: 7 }), async (seed, message, j) => {
        const { publicKey, signature, k } = craft(seed, message, { aTorsion: j });
        const expected = torsion((j * Number(k % 8n)) % 8).is0();
        if (expected) accepted++;
        expect(rawNodeVerify(publicKey, message, signature)).toBe(expected);
        expect(ed.verify(signature, message, publicKey, { zip215: false })).toBe(true);
        expect(await verifyEverywhere(publicKey, message, signature)).toEqual(everywhere(expected));
      }),
      { numRuns: 40, seed: 8032 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});

describe("strictness", () => {
  const v1 = vectors.vectors[0]!;
  const pk1 = fromHex(v1.publicKey);
  const sig1 = fromHex(v1.signature);
  const msg1 = fromHex(v1.message);

  it("rejects a non-canonical S (S + L) on every backend", async () => {
    const s = le(sig1.subarray(32));
    const malleated = concatBytes(sig1.subarray(0, 32), le32(s + L));
    expect(hasStrictEncoding(pk1, malleated)).toBe(false);
    expect(await verifyEverywhere(pk1, msg1, malleated)).toEqual(everywhere(false));
  });

  it("rejects the identity-key forgery that raw OpenSSL accepts", async () => {
    // A = identity, R = identity, S = 0 satisfies [S]B = R + [k]A for every message.
    const identity = fromHex("0100000000000000000000000000000000000000000000000000000000000000");
    const forged = concatBytes(identity, new Uint8Array(32));
    const message = new TextEncoder().encode("anything at all");
    expect(rawNodeVerify(identity, message, forged)).toBe(true);
    expect(await verifyEverywhere(identity, message, forged)).toEqual(everywhere(false));
  });

  it("recognises every encoding of every small-order point, and only those", async () => {
    const points = Array.from({ length: 8 }, (_, j) => torsion(j));
    expect(points.every((p) => p.isSmallOrder())).toBe(true);
    const encodings: Uint8Array[] = [];
    for (const p of points) {
      const enc = p.toBytes();
      encodings.push(enc);
      const y = le(enc) & ((1n << 255n) - 1n);
      const sign = enc[31]! & 0x80;
      const flipped = enc.slice();
      flipped[31] = flipped[31]! ^ 0x80;
      encodings.push(flipped); // x = 0 with the sign bit set, for y = ±1; the other x for the rest
      if (y + P < 1n << 255n) {
        const nonCanonical = le32(y + P);
        nonCanonical[31] = nonCanonical[31]! | sign;
        encodings.push(nonCanonical);
      }
    }
    for (const enc of encodings) {
      expect(hasStrictEncoding(enc, sig1)).toBe(false);
      expect(await verifyEverywhere(enc, msg1, sig1)).toEqual(everywhere(false));
    }
    // Honest keys are never caught by the small-order rule.
    fc.assert(fc.property(seedArb, (seed) => !isSmallOrderEncoding(rawNodePublicKey(seed))));
  });

  it("rejects non-canonical encodings of R and A", async () => {
    // y = p + 2 .. p + 18 (sign bit clear and set): never canonical, whatever point they decode to.
    for (let extra = 2n; extra < 19n; extra++) {
      for (const sign of [0, 0x80]) {
        const enc = le32(P + extra);
        enc[31] = enc[31]! | sign;
        expect(hasStrictEncoding(enc, sig1)).toBe(false);
        expect(hasStrictEncoding(pk1, concatBytes(enc, sig1.subarray(32)))).toBe(false);
        expect(await verifyEverywhere(enc, msg1, sig1)).toEqual(everywhere(false));
      }
    }
  });

  it("rejects a torsion component in R, which a cofactored verifier (noble's verify) accepts", async () => {
    const { publicKey, message, signature } = COFACTOR_PROBE;
    expect(ed.verify(signature, message, publicKey, { zip215: false })).toBe(true);
    expect(rawNodeVerify(publicKey, message, signature)).toBe(false);
    expect(await verifyEverywhere(publicKey, message, signature)).toEqual(everywhere(false));
    // The probe is what `craft` makes with TEST 1's seed and R + T.
    const crafted = craft(fromHex(v1.secretKey), message, { rTorsion: 1 });
    expect(toHex(crafted.signature)).toBe(toHex(signature));
  });

  it("returns false for wrong lengths and wrong types", async () => {
    const bad: [unknown, unknown, unknown][] = [
      [pk1.subarray(0, 31), msg1, sig1],
      [concatBytes(pk1, new Uint8Array(1)), msg1, sig1],
      [pk1, msg1, sig1.subarray(0, 63)],
      [pk1, msg1, concatBytes(sig1, new Uint8Array(1))],
      [new Uint8Array(0), msg1, new Uint8Array(0)],
      [v1.publicKey, msg1, sig1],
      [pk1, "", sig1],
      [pk1, msg1, Array.from(sig1)],
      [null, undefined, 0],
      [new Uint16Array(16), msg1, sig1],
    ];
    for (const [, impl] of all) {
      for (const [publicKey, message, signature] of bad) {
        const args = [publicKey, message, signature] as unknown as [Uint8Array, Uint8Array, Uint8Array];
        expect(impl.verify(...args)).toBe(false);
        expect(await impl.verifyAsync(...args)).toBe(false);
        expect(await impl.verifyBatch([{ publicKey: args[0], message: args[1], signature: args[2] }])).toEqual([false]);
      }
    }
  });

  it("throws typed errors for bad seeds and messages", async () => {
    const seed = fromHex(v1.secretKey);
    for (const [, impl] of all) {
      for (const badSeed of [seed.subarray(0, 31), concatBytes(seed, seed), "00".repeat(32), undefined]) {
        const s = badSeed as Uint8Array;
        expect(() => impl.publicKeyFromSeed(s)).toThrowError(expect.objectContaining({ name: "SignatureError", code: "BAD_SEED" }));
        await expect(impl.signerFromSeed(s)).rejects.toMatchObject({ name: "SignatureError", code: "BAD_SEED" });
      }
      const signer = await impl.signerFromSeed(seed);
      await expect(signer.sign("hello" as unknown as Uint8Array)).rejects.toBeInstanceOf(SignatureError);
      if (signer.signSync) expect(() => signer.signSync?.(null as unknown as Uint8Array)).toThrowError(SignatureError);
      await expect(impl.verifyBatch("x" as unknown as [])).rejects.toMatchObject({ code: "BAD_BATCH" });
    }
  });

  it("batch reports exactly the bad item", async () => {
    const items = await Promise.all(
      Array.from({ length: 9 }, async (_, i) => {
        const signer = await impls.node.signerFromSeed(new Uint8Array(32).fill(i + 1));
        const message = new TextEncoder().encode(`vote ${i}`);
        return { publicKey: signer.publicKey, message, signature: await signer.sign(message) };
      }),
    );
    const bad = items.map((it, i) => (i === 5 ? { ...it, message: new TextEncoder().encode("vote 6") } : it));
    const expected = items.map((_, i) => i !== 5);
    for (const [, impl] of all) {
      expect(await impl.verifyBatch(items)).toEqual(items.map(() => true));
      expect(await impl.verifyBatch(bad)).toEqual(expected);
      expect(impl.verifyBatchSync(bad)).toEqual(expected);
      // a batch below the pool threshold, sent to the pool anyway
      expect(await impl.verifyBatch(bad.slice(4, 6), { offMainThread: true })).toEqual(expected.slice(4, 6));
      const withJunk = [...items.slice(0, 2), null as unknown as (typeof items)[0], items[2]!];
      expect(await impl.verifyBatch(withJunk)).toEqual([true, true, false, true]);
      expect(await impl.verifyBatch([])).toEqual([]);
    }
  });

  it("batch results equal single results for any set of corrupted items", async () => {
    const signers = Array.from({ length: 12 }, (_, i) => impls.node.signerFromSeedSync(new Uint8Array(32).fill(100 + i)));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), fc.nat(), async (corrupt, bit) => {
        const items = signers.map((s, i) => {
          const message = new Uint8Array([i, 1, 2, 3]);
          const signature = s.signSync!(message).slice();
          const j = (bit + i) % 64;
          if (corrupt[i]) signature[j] = (signature[j] as number) ^ (1 << ((bit + i) % 8));
          return { publicKey: s.publicKey, message, signature };
        });
        const expected = corrupt.map((c) => !c);
        for (const [, impl] of all) {
          expect(await impl.verifyBatch(items)).toEqual(expected);
          expect(impl.verifyBatchSync(items)).toEqual(expected);
        }
      }),
      { numRuns: 15 },
    );
  });

  it("generated signers work on every backend and are checked by all others", async () => {
    const message = new TextEncoder().encode("generated");
    for (const [, impl] of all) {
      const signer = await impl.generateSigner();
      expect(signer.publicKey.length).toBe(32);
      const signature = await signer.sign(message);
      expect(await verifyEverywhere(signer.publicKey, message, signature)).toEqual(everywhere(true));
      const other = await impl.generateSigner();
      expect(toHex(other.publicKey)).not.toBe(toHex(signer.publicKey));
    }
  });

  it("keeps verifying correctly once the key cache evicts", async () => {
    // Many distinct keys through one instance: results must not depend on cache state.
    const node = createEd25519("node");
    const message = new Uint8Array([1, 2, 3]);
    const signer = node.signerFromSeedSync(new Uint8Array(32).fill(7));
    const signature = signer.signSync!(message);
    for (let i = 0; i < 4200; i++) node.verify(le32(BigInt(i) * 8n + 0x1234n), message, signature);
    expect(node.verify(signer.publicKey, message, signature)).toBe(true);
  });
});

describe("domain separation", () => {
  const seed = new Uint8Array(32).fill(42);

  it("prefix bytes are exact", () => {
    expect(SignatureKind).toEqual({ TX: 1, NOTARIZE: 2, NULLIFY: 3, FINALIZE: 4, PROGRESS: 5, BEACON: 6, PEER: 7, ROOM_JOIN: 8 });
    expect(DOMAIN_PREFIX_LENGTH).toBe(18);
    expect(toHex(domainPrefix(SignatureKind.NOTARIZE, 0x0102030405060708n))).toBe("4e554c4c5350414345" + "02" + "0102030405060708");
    expect(toHex(domainPrefix(SignatureKind.TX, 0n))).toBe("4e554c4c5350414345010000000000000000");
    expect(toHex(domainPrefix(SignatureKind.PEER, (1n << 64n) - 1n))).toBe("4e554c4c5350414345" + "07" + "ffffffffffffffff");
    expect(toHex(signingPayload(SignatureKind.BEACON, 9n, new Uint8Array([0xaa, 0xbb])))).toBe(
      "4e554c4c5350414345" + "06" + "0000000000000009" + "aabb",
    );
  });

  it("rejects unknown kinds and out-of-range chain ids with typed errors", () => {
    for (const kind of [0, 9, 255, -1, 1.5, "1", undefined]) {
      expect(() => domainPrefix(kind as SignatureKind, 1n)).toThrowError(expect.objectContaining({ code: "BAD_KIND" }));
    }
    for (const chainId of [-1n, 1n << 64n, 1, "1", undefined]) {
      expect(() => domainPrefix(SignatureKind.TX, chainId as bigint)).toThrowError(expect.objectContaining({ code: "BAD_CHAIN_ID" }));
    }
  });

  it("a NOTARIZE signature does not verify as FINALIZE or on another chain", async () => {
    const signer = await signerFromSeed(seed);
    const body = new TextEncoder().encode("round 7, proposal abc");
    const signature = await signDomain(signer, SignatureKind.NOTARIZE, 1n, body);
    expect(verify(signer.publicKey, signingPayload(SignatureKind.NOTARIZE, 1n, body), signature)).toBe(true);
    expect(verifyDomain(signer.publicKey, SignatureKind.NOTARIZE, 1n, body, signature)).toBe(true);
    expect(await verifyDomainAsync(signer.publicKey, SignatureKind.NOTARIZE, 1n, body, signature)).toBe(true);
    expect(verifyDomain(signer.publicKey, SignatureKind.FINALIZE, 1n, body, signature)).toBe(false);
    expect(verifyDomain(signer.publicKey, SignatureKind.NOTARIZE, 2n, body, signature)).toBe(false);
    expect(verify(signer.publicKey, body, signature)).toBe(false);
    expect(toHex(signDomainSync(signer, SignatureKind.NOTARIZE, 1n, body))).toBe(toHex(signature));
  });

  it("a signature verifies for exactly its (kind, chain id)", async () => {
    const signer = await signerFromSeed(seed);
    const kinds = Object.values(SignatureKind);
    const kindArb = fc.constantFrom(...kinds);
    const chainArb = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
    fc.assert(
      fc.property(kindArb, chainArb, kindArb, chainArb, messageArb, (k1, c1, k2, c2, body) => {
        const signature = signDomainSync(signer, k1, c1, body);
        expect(verifyDomain(signer.publicKey, k2, c2, body, signature)).toBe(k1 === k2 && c1 === c2);
      }),
      { numRuns: 100 },
    );
  });

  it("malformed bodies and signatures verify false; signing a non-byte body throws", async () => {
    const signer = await signerFromSeed(seed);
    expect(verifyDomain(signer.publicKey, SignatureKind.TX, 1n, "x" as unknown as Uint8Array, new Uint8Array(64))).toBe(false);
    expect(verifyDomain(signer.publicKey, SignatureKind.TX, 1n, new Uint8Array(1), new Uint8Array(3))).toBe(false);
    await expect(signDomain(signer, SignatureKind.TX, 1n, null as unknown as Uint8Array)).rejects.toMatchObject({ code: "BAD_MESSAGE" });
    const webSigner = await impls.webcrypto.signerFromSeed(seed);
    expect(() => signDomainSync(webSigner, SignatureKind.TX, 1n, new Uint8Array(1))).toThrowError(
      expect.objectContaining({ code: "SYNC_UNAVAILABLE" }),
    );
  });
});
