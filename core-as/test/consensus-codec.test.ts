// Consensus wire formats (votes, certificates, progress certificates) and the client's
// certificate verification: round trips, canonicality under fuzzing, and real certificates
// signed by 4 and 7 validators.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { quorum, verifyCertificate, verifyProgressCertificate } from "../src/client/verify-certificate.js";
import type { ConsensusSubject, IndexedSignature } from "../src/codec.js";
import { Core } from "../src/core.js";
import { domainPrefix, SignatureKind, signDomainSync } from "../src/crypto/domain.js";
import type { Signer } from "../src/crypto/ed25519.js";
import { concatBytes, fromHex, sha256, toHex } from "../src/crypto/sha256.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { CoreError } from "../src/errors.js";
import type { CertificateKind, VoteKind } from "../src/views.js";
import { newChain } from "./support/chain.js";
import { attempt, type Decoder, fuzzRuns, mutate, mutation } from "./support/fuzz.js";
import { wasmBytes } from "./support/wasm.js";

const CHAIN = 1n;
let core: Core;
let validators7: Signer[];
let record: Uint8Array;

const parent = sha256(Uint8Array.of(1));
const digest = sha256(Uint8Array.of(2));
const proposal = (kind: "notarize" | "finalize", view = 7n, height = 5n): ConsensusSubject => ({
  kind,
  view,
  height,
  parent,
  digest,
});

const SIG_KIND: Record<VoteKind, SignatureKind> = {
  notarize: SignatureKind.NOTARIZE,
  nullify: SignatureKind.NULLIFY,
  finalize: SignatureKind.FINALIZE,
};
const CERT_OF: Record<VoteKind, CertificateKind> = {
  notarize: "notarization",
  nullify: "nullification",
  finalize: "finalization",
};

beforeAll(async () => {
  core = await Core.load(wasmBytes());
  validators7 = Array.from({ length: 7 }, (_, i) => LocalChain.signer(100 + i));
  const chain = await newChain();
  chain.submit(LocalChain.signer(1), { op: "register", name: "alice" });
  record = chain.seal().progress!;
});

function keys(signers: Signer[]): Uint8Array[] {
  return signers.map((s) => s.publicKey);
}

/** Signs `body` as `kind` with the validators at `indices`. */
function sign(signers: Signer[], indices: number[], kind: SignatureKind, body: Uint8Array, chainId = CHAIN): IndexedSignature[] {
  return indices.map((index) => ({ index, signature: signDomainSync(signers[index]!, kind, chainId, body) }));
}

function certificate(signers: Signer[], indices: number[], s: ConsensusSubject, chainId = CHAIN): Uint8Array {
  const body = core.codec.voteBody(s);
  return core.codec.encodeCertificate(CERT_OF[s.kind], body, signers.length, sign(signers, indices, SIG_KIND[s.kind], body, chainId));
}

function progressCertificate(signers: Signer[], indices: number[], chainId = CHAIN): Uint8Array {
  return core.codec.encodeProgressCertificate(record, signers.length, sign(signers, indices, SignatureKind.PROGRESS, record, chainId));
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function codeOf(f: () => unknown): number | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (!(e instanceof CoreError)) throw e;
    return e.code;
  }
}

describe("vote bodies and votes", () => {
  it("encode a proposal and a view exactly as documented", () => {
    const body = core.codec.voteBody(proposal("notarize", 300n, 5n));
    expect(toHex(body)).toBe(`01ac0205${toHex(parent)}${toHex(digest)}`);
    expect(toHex(core.codec.voteBody({ kind: "nullify", view: 300n }))).toBe("ac02");
    // Notarize and finalize share the proposal body; the domain prefix tells them apart.
    expect(core.codec.voteBody(proposal("finalize", 300n, 5n))).toEqual(body);
  });

  it("round-trip through encodeVote / decodeVote, the signature checking over the reported body", () => {
    const v = validators7[3]!;
    for (const s of [proposal("notarize"), proposal("finalize"), { kind: "nullify", view: 2n ** 64n - 1n } as const]) {
      const body = core.codec.voteBody(s);
      const signature = signDomainSync(v, SIG_KIND[s.kind], CHAIN, body);
      const vote = core.codec.encodeVote(s.kind, 3, body, signature);
      const view = core.codec.decodeVote(vote);
      expect(view.kind).toBe(s.kind);
      expect(view.signer).toBe(3);
      expect(view.view).toBe(s.view);
      expect(fromHex(view.body)).toEqual(body);
      expect(view.signature).toBe(toHex(signature));
      if (s.kind !== "nullify") expect([view.height, view.parent, view.digest]).toEqual([s.height, toHex(parent), toHex(digest)]);
      else expect(view.height).toBeUndefined();
      expect(toHex(vote)).toBe(`01${{ notarize: "01", nullify: "02", finalize: "03" }[s.kind]}03${toHex(body)}${toHex(signature)}`);
    }
  });

  it("refuse bad builder arguments", () => {
    const body = core.codec.voteBody(proposal("notarize"));
    expect(codeOf(() => core.codec.encodeVote("nullify", 0, body, new Uint8Array(64)))).toBe(101); // a proposal is not a view
    expect(codeOf(() => core.codec.encodeVote("notarize", 1024, body, new Uint8Array(64)))).toBe(108);
    expect(codeOf(() => core.codec.encodeVote("notarize", 0, body.subarray(1), new Uint8Array(64)))).toBeDefined();
  });
});

describe("certificates", () => {
  it("round-trip, with signatures sorted by index whatever the input order", () => {
    const body = core.codec.voteBody(proposal("notarize"));
    const sigs = sign(validators7, [4, 0, 6, 2, 1], SignatureKind.NOTARIZE, body);
    const cert = core.codec.encodeCertificate("notarization", body, 7, sigs);
    const sorted = [...sigs].sort((a, b) => a.index - b.index);
    expect(core.codec.encodeCertificate("notarization", body, 7, sorted)).toEqual(cert);
    // version ‖ kind ‖ body ‖ n ‖ bitmap (0b01010111) ‖ signatures
    expect(toHex(cert)).toBe(`0101${toHex(body)}0757${sorted.map((s) => toHex(s.signature)).join("")}`);
    const view = core.codec.decodeCertificate(cert);
    expect(view.kind).toBe("notarization");
    expect(view.n).toBe(7);
    expect(view.signatures.map((s) => s.signer)).toEqual([0, 1, 2, 4, 6]);
    expect(view.signatures.map((s) => s.signature)).toEqual(sorted.map((s) => toHex(s.signature)));
    expect(fromHex(view.body)).toEqual(body);
  });

  it("refuse duplicate, out-of-range or missing signers and bad validator counts in the builder", () => {
    const body = core.codec.voteBody({ kind: "nullify", view: 9n });
    const sigs = sign(validators7, [0, 1, 2], SignatureKind.NULLIFY, body);
    expect(codeOf(() => core.codec.encodeCertificate("nullification", body, 7, [...sigs, sigs[1]!]))).toBe(108);
    expect(codeOf(() => core.codec.encodeCertificate("nullification", body, 2, sigs))).toBe(108);
    expect(codeOf(() => core.codec.encodeCertificate("nullification", body, 7, []))).toBe(108);
    expect(codeOf(() => core.codec.encodeCertificate("nullification", body, 0, sigs))).toBe(108);
    expect(codeOf(() => core.codec.encodeCertificate("nullification", body, 1025, sigs))).toBe(109);
    expect(codeOf(() => core.codec.encodeCertificate("notarization", body, 7, sigs))).toBeDefined();
    expect(codeOf(() => core.codec.encodeProgressCertificate(record, 7, [...sigs, sigs[0]!]))).toBe(108);
  });

  it("refuse padding bits in the bitmap, an empty bitmap and n outside 1..1024 in the decoder", () => {
    const cert = certificate(validators7, [0, 1, 2, 3, 4], proposal("finalize"));
    const bitmapAt = 2 + core.codec.voteBody(proposal("finalize")).length + 1;
    expect(cert[bitmapAt]).toBe(0x1f);
    const padded = cert.slice();
    padded[bitmapAt] = 0x9f; // n = 7: bit 7 is padding
    expect(codeOf(() => core.codec.decodeCertificate(padded))).toBe(108);
    const four = certificate(validators7.slice(0, 4), [0, 1, 3], proposal("finalize"));
    expect(four[bitmapAt]).toBe(0x0b);
    for (const bit of [0x10, 0x20, 0x40, 0x80]) {
      const bad = four.slice();
      bad[bitmapAt] = 0x0b | bit; // n = 4: bits 4..7 are padding
      expect(codeOf(() => core.codec.decodeCertificate(bad))).toBe(108);
    }
    // One more signer bit than signatures: truncated. One fewer: trailing bytes.
    const more = cert.slice();
    more[bitmapAt] = 0x3f;
    expect(codeOf(() => core.codec.decodeCertificate(more))).toBe(100);
    const fewer = cert.slice();
    fewer[bitmapAt] = 0x0f;
    expect(codeOf(() => core.codec.decodeCertificate(fewer))).toBe(101);
    const empty = concatBytes(cert.subarray(0, bitmapAt), Uint8Array.of(0));
    expect(codeOf(() => core.codec.decodeCertificate(empty))).toBe(108);
    const zero = concatBytes(cert.subarray(0, bitmapAt - 1), Uint8Array.of(0));
    expect(codeOf(() => core.codec.decodeCertificate(zero))).toBe(108);
    const big = concatBytes(cert.subarray(0, bitmapAt - 1), Uint8Array.of(0x81, 0x08)); // 1025
    expect(codeOf(() => core.codec.decodeCertificate(big))).toBe(109);
    const kind = cert.slice();
    kind[1] = 4;
    expect(codeOf(() => core.codec.decodeCertificate(kind))).toBe(105);
  });

  it("handle the largest validator set (1024, a 128-byte bitmap)", () => {
    const body = core.codec.voteBody({ kind: "nullify", view: 1n });
    const sig = new Uint8Array(64).fill(7);
    const sigs = [1023, 0, 512].map((index) => ({ index, signature: sig }));
    const cert = core.codec.encodeCertificate("nullification", body, 1024, sigs);
    expect(cert.length).toBe(2 + body.length + 2 + 128 + 3 * 64);
    expect(core.codec.decodeCertificate(cert).signatures.map((s) => s.signer)).toEqual([0, 512, 1023]);
  });
});

describe("progress certificates", () => {
  it("round-trip and carry the decoded progress record", () => {
    const cert = progressCertificate(validators7, [6, 5, 4, 3, 2]);
    const view = core.codec.decodeProgressCertificate(cert);
    expect(view.progress).toEqual(core.codec.decodeProgress(record));
    expect(fromHex(view.record)).toEqual(record);
    expect(view.n).toBe(7);
    expect(view.signatures.map((s) => s.signer)).toEqual([2, 3, 4, 5, 6]);
    // version ‖ varint length (two bytes: a record is 128..221 bytes) ‖ record ‖ n ‖ bitmap ‖ signatures
    expect(record.length).toBeGreaterThan(127);
    expect([...cert.subarray(0, 3)]).toEqual([1, (record.length & 0x7f) | 0x80, record.length >> 7]);
    expect(cert.subarray(3, 3 + record.length)).toEqual(record);
    expect([...cert.subarray(3 + record.length, 5 + record.length)]).toEqual([7, 0x7c]);
  });

  it("refuse a record that does not decode", () => {
    const sigs = [{ index: 0, signature: new Uint8Array(64) }];
    const version = record.slice();
    version[0] = 2;
    expect(codeOf(() => core.codec.encodeProgressCertificate(version, 4, sigs))).toBe(106);
    expect(codeOf(() => core.codec.encodeProgressCertificate(record.subarray(0, 100), 4, sigs))).toBe(100);
    expect(codeOf(() => core.codec.encodeProgressCertificate(concatBytes(record, Uint8Array.of(0)), 4, sigs))).toBe(101);
  });
});

describe.each([4, 7])("verification with %i validators", (n) => {
  let signers: Signer[];
  let validators: Uint8Array[];
  let q: number;
  beforeAll(() => {
    signers = validators7.slice(0, n);
    validators = keys(signers);
    q = quorum(n);
  });

  const verify = (certificate: Uint8Array, o: { chainId?: bigint; validators?: Uint8Array[] } = {}) =>
    verifyCertificate({ codec: core.codec, chainId: o.chainId ?? CHAIN, validators: o.validators ?? validators, certificate });

  it("has the documented quorum", () => {
    expect(q).toBe(n === 4 ? 3 : 5);
  });

  it.each(["notarize", "nullify", "finalize"] as const)("accepts a %s quorum certificate, any quorum subset", async (kind) => {
    const s: ConsensusSubject = kind === "nullify" ? { kind, view: 12n } : proposal(kind, 12n, 8n);
    const exact = await verify(certificate(signers, range(q).reverse(), s));
    const all = await verify(certificate(signers, range(n), s));
    for (const r of [exact, all]) {
      expect(r.ok).toBe(true);
      expect(r).toMatchObject({ kind: CERT_OF[kind], view: 12n });
      if (kind === "nullify") expect((r as { proposal?: unknown }).proposal).toBeUndefined();
      else expect(r).toMatchObject({ proposal: { view: 12n, height: 8n, parent: toHex(parent), digest: toHex(digest) } });
    }
  });

  it("refuses q − 1 signers", async () => {
    expect(await verify(certificate(signers, range(q - 1), proposal("finalize")))).toEqual({ ok: false, reason: "no-quorum" });
  });

  it("refuses a flipped signature", async () => {
    const cert = certificate(signers, range(q), proposal("notarize"));
    for (const at of [cert.length - 1, cert.length - 64 * q]) {
      const bad = cert.slice();
      bad[at] = (bad[at] as number) ^ 1;
      expect(await verify(bad)).toEqual({ ok: false, reason: "bad-signature" });
    }
  });

  it("refuses signatures made for another chain or another kind", async () => {
    expect(await verify(certificate(signers, range(q), proposal("notarize"), 2n))).toEqual({ ok: false, reason: "bad-signature" });
    expect(await verify(certificate(signers, range(q), proposal("notarize")), { chainId: 2n })).toEqual({
      ok: false,
      reason: "bad-signature",
    });
    // Finalize signatures relabelled as a notarization.
    const body = core.codec.voteBody(proposal("finalize"));
    const relabelled = core.codec.encodeCertificate("notarization", body, n, sign(signers, range(q), SignatureKind.FINALIZE, body));
    expect(await verify(relabelled)).toEqual({ ok: false, reason: "bad-signature" });
    const cert = certificate(signers, range(q), proposal("finalize"));
    const kindFlipped = cert.slice();
    kindFlipped[1] = 1;
    expect(await verify(kindFlipped)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("refuses signatures moved to another signer (order is fixed by the bitmap)", async () => {
    const cert = certificate(signers, range(q), proposal("finalize"));
    const swapped = cert.slice();
    const first = cert.length - 64 * q;
    swapped.set(cert.subarray(first + 64, first + 128), first);
    swapped.set(cert.subarray(first, first + 64), first + 64);
    expect(await verify(swapped)).toEqual({ ok: false, reason: "bad-signature" });
  });

  it("refuses a validator set of another size, and malformed bytes without throwing", async () => {
    const cert = certificate(signers, range(n), proposal("finalize"));
    expect(await verify(cert, { validators: validators.slice(0, n - 1) })).toEqual({ ok: false, reason: "wrong-validator-count" });
    expect(await verify(cert, { validators: [...validators, new Uint8Array(32)] })).toEqual({
      ok: false,
      reason: "wrong-validator-count",
    });
    const padded = cert.slice();
    const bitmapAt = cert.length - 64 * n - 1;
    padded[bitmapAt] = (padded[bitmapAt] as number) | 0x80;
    expect(await verify(padded)).toEqual({ ok: false, reason: "malformed" });
    for (const bad of [new Uint8Array(0), cert.subarray(0, cert.length - 1), concatBytes(cert, Uint8Array.of(0))]) {
      expect(await verify(bad)).toEqual({ ok: false, reason: "malformed" });
    }
  });

  it("verifies progress certificates", async () => {
    const vp = (certificate: Uint8Array, chainId = CHAIN) =>
      verifyProgressCertificate({ codec: core.codec, chainId, validators, certificate });
    const good = await vp(progressCertificate(signers, range(q)));
    expect(good).toEqual({ ok: true, progress: core.codec.decodeProgress(record), record });
    expect(await vp(progressCertificate(signers, range(q - 1)))).toEqual({ ok: false, reason: "no-quorum" });
    expect(await vp(progressCertificate(signers, range(q), 2n))).toEqual({ ok: false, reason: "bad-signature" });
    expect(await vp(progressCertificate(signers, range(q)), 2n)).toEqual({ ok: false, reason: "bad-signature" });
    const flipped = progressCertificate(signers, range(q));
    flipped[flipped.length - 5] = (flipped[flipped.length - 5] as number) ^ 0x10;
    expect(await vp(flipped)).toEqual({ ok: false, reason: "bad-signature" });
    // Notarize signatures over the record bytes are not progress signatures.
    const wrongKind = core.codec.encodeProgressCertificate(record, n, sign(signers, range(q), SignatureKind.NOTARIZE, record));
    expect(await vp(wrongKind)).toEqual({ ok: false, reason: "bad-signature" });
    expect(await vp(Uint8Array.of(1, 0))).toEqual({ ok: false, reason: "malformed" });
    const padded = progressCertificate(signers, range(q));
    const bitmapAt = padded.length - 64 * q - 1;
    padded[bitmapAt] = (padded[bitmapAt] as number) | 0x80;
    expect(await vp(padded)).toEqual({ ok: false, reason: "malformed" });
    expect(
      await verifyProgressCertificate({
        codec: core.codec,
        chainId: CHAIN,
        validators: validators.slice(1),
        certificate: progressCertificate(signers, range(q)),
      }),
    ).toEqual({ ok: false, reason: "wrong-validator-count" });
  });
});

describe("signed payloads", () => {
  it("are the domain prefix followed by the body bytes the decoder reports", () => {
    const body = core.codec.voteBody(proposal("notarize"));
    const signature = signDomainSync(validators7[0]!, SignatureKind.NOTARIZE, CHAIN, body);
    const v = validators7[0]!;
    expect(v.signSync!(concatBytes(domainPrefix(SignatureKind.NOTARIZE, CHAIN), body))).toEqual(signature);
  });
});

// ---------------------------------------------------------------------------------------------
// Fuzzing, as in codec.fuzz.test.ts: never trap; whatever decodes is canonical.

const decoders: Record<"vote" | "certificate" | "progressCertificate", Decoder> = {
  vote: (b) => core.codec.decodeVote(b),
  certificate: (b) => core.codec.decodeCertificate(b),
  progressCertificate: (b) => core.codec.decodeProgressCertificate(b),
};

function samples(name: keyof typeof decoders): Uint8Array[] {
  const s7 = validators7;
  switch (name) {
    case "vote":
      return [proposal("notarize"), proposal("finalize", 2n ** 40n, 1n), { kind: "nullify", view: 3n } as const].map((s, i) => {
        const body = core.codec.voteBody(s);
        return core.codec.encodeVote(s.kind, i * 100, body, signDomainSync(s7[i]!, SIG_KIND[s.kind], CHAIN, body));
      });
    case "certificate":
      return [
        certificate(s7, [0, 2, 3, 5, 6], proposal("notarize")),
        certificate(s7.slice(0, 4), [1, 2, 3], { kind: "nullify", view: 200n }),
        certificate(s7.slice(0, 1), [0], proposal("finalize")),
      ];
    default:
      return [progressCertificate(s7, [0, 1, 2, 3, 6]), progressCertificate(s7.slice(0, 4), [3, 1, 0])];
  }
}

const big = (_k: string, v: unknown) => (typeof v === "bigint" ? `${v}n` : v);

/** Re-encodes a decoded view through the builders (the canonical encoding of that view). */
function reencode(name: keyof typeof decoders, view: unknown): Uint8Array {
  const v = view as {
    kind: string;
    signer: number;
    body: string;
    signature: string;
    n: number;
    record: string;
    signatures: { signer: number; signature: string }[];
  };
  const sigs = () => v.signatures?.map((s) => ({ index: s.signer, signature: fromHex(s.signature) }));
  if (name === "vote") return core.codec.encodeVote(v.kind as VoteKind, v.signer, fromHex(v.body), fromHex(v.signature));
  if (name === "certificate") return core.codec.encodeCertificate(v.kind as CertificateKind, fromHex(v.body), v.n, sigs());
  return core.codec.encodeProgressCertificate(fromHex(v.record), v.n, sigs());
}

describe.each(Object.keys(decoders) as (keyof typeof decoders)[])("%s decoder", (name) => {
  it("decodes its samples, which the builders re-encode to the same bytes", () => {
    for (const s of samples(name)) {
      const a = attempt(decoders[name], s);
      expect(a.ok).toBe(true);
      if (a.ok) expect(reencode(name, a.view)).toEqual(s);
    }
  });

  it("never traps on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        attempt(decoders[name], bytes);
      }),
      { numRuns: fuzzRuns(400) },
    );
    // Random bytes behind a valid prefix reach the later fields.
    const prefix = samples(name)[0]!.subarray(0, 4);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        attempt(decoders[name], concatBytes(prefix, bytes));
      }),
      { numRuns: fuzzRuns(300) },
    );
  });

  it("refuses mutations or accepts only canonical bytes", () => {
    const list = samples(name);
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (pick, ms) => {
        const original = list[pick % list.length]!;
        const mutated = ms.reduce(mutate, original);
        const a = attempt(decoders[name], mutated);
        if (!a.ok) return;
        // Whatever decodes re-encodes to exactly its bytes: one encoding per view.
        expect(reencode(name, a.view)).toEqual(mutated);
        const b = attempt(decoders[name], original);
        if (b.ok && JSON.stringify(a.view, big) === JSON.stringify(b.view, big)) expect(mutated).toEqual(original);
      }),
      { numRuns: fuzzRuns(500) },
    );
  });
});

describe("binary parts of votes and certificates (voteParts, certificateParts)", () => {
  const subjects = (): ConsensusSubject[] => [
    proposal("notarize"),
    proposal("finalize", 2n ** 40n, 2n ** 33n),
    { kind: "nullify", view: 99n },
  ];

  it("agree with the JSON views for every kind", () => {
    for (const s of subjects()) {
      const body = core.codec.voteBody(s);
      const signature = signDomainSync(validators7[3]!, SIG_KIND[s.kind], CHAIN, body);
      const vote = core.codec.encodeVote(s.kind, 3, body, signature);
      const json = core.codec.decodeVote(vote);
      const parts = core.codec.voteParts(vote);
      expect(parts.kind).toBe(json.kind);
      expect(parts.signer).toBe(3);
      expect(parts.view).toBe(json.view);
      expect(parts.height).toBe(json.height);
      expect(parts.parent && toHex(parts.parent)).toBe(json.parent);
      expect(parts.digest && toHex(parts.digest)).toBe(json.digest);
      expect(toHex(parts.body)).toBe(json.body);
      expect(parts.signature).toEqual(signature);
      const cert = certificate(validators7, [6, 1, 2, 4, 0], s);
      const cj = core.codec.decodeCertificate(cert);
      const cp = core.codec.certificateParts(cert);
      expect(cp.kind).toBe(cj.kind);
      expect([cp.view, cp.height, cp.n]).toEqual([cj.view, cj.height, cj.n]);
      expect(cp.digest && toHex(cp.digest)).toBe(cj.digest);
      expect(toHex(cp.body)).toBe(cj.body);
      expect(cp.signers).toEqual(cj.signatures.map((x) => x.signer));
      expect(cp.signatures.map(toHex)).toEqual(cj.signatures.map((x) => x.signature));
    }
  });

  it("fuzz: refuse exactly what the JSON decoders refuse, with the same codes", () => {
    const body = core.codec.voteBody(proposal("notarize"));
    const vote = core.codec.encodeVote("notarize", 1, body, new Uint8Array(64));
    const cert = certificate(validators7, [0, 1, 2, 3, 4], proposal("finalize"));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          mutation.map((m) => mutate(vote, m)),
          mutation.map((m) => mutate(cert, m)),
        ),
        (bytes) => {
          expect(codeOf(() => core.codec.voteParts(bytes))).toBe(codeOf(() => core.codec.decodeVote(bytes)));
          expect(codeOf(() => core.codec.certificateParts(bytes))).toBe(codeOf(() => core.codec.decodeCertificate(bytes)));
        },
      ),
      { numRuns: fuzzRuns(3000) },
    );
  });
});
