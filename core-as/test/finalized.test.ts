// Finalized-height bundles (docs/formats.md, "Finalized bundle"): round trips with real blocks and
// certificates signed by 4 validators, every refusal with its code, and the decoder under fuzzing
// (never traps; whatever decodes re-encodes to exactly its bytes).
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { FinalizedFields } from "../src/codec.js";
import { Core } from "../src/core.js";
import { SignatureKind, signDomainSync } from "../src/crypto/domain.js";
import type { Signer } from "../src/crypto/ed25519.js";
import { concatBytes, fromHex, sha256, toHex } from "../src/crypto/sha256.js";
import { LocalChain } from "../src/dev/local-chain.js";
import type { FinalizedView } from "../src/views.js";
import { newChain } from "./support/chain.js";
import { codeOf } from "./support/errors.js";
import { attempt, fuzzRuns, mutate, mutation } from "./support/fuzz.js";
import { wasmBytes } from "./support/wasm.js";

const CHAIN = 1n;
const N = 4;
const QUORUM = [0, 1, 3];
let core: Core;
let validators: Signer[];

interface Height {
  height: bigint;
  block: Uint8Array;
  digest: Uint8Array;
  parent: Uint8Array;
  view: bigint;
  finalization: Uint8Array;
  sigma: Uint8Array;
  record: Uint8Array;
  progress: Uint8Array;
}
const heights: Height[] = [];

function signatures(kind: SignatureKind, body: Uint8Array, chainId = CHAIN) {
  return QUORUM.map((index) => ({ index, signature: signDomainSync(validators[index]!, kind, chainId, body) }));
}

type Subject = { view: bigint; height: bigint; parent: Uint8Array; digest: Uint8Array };

function finalization(s: Subject, kind: "finalize" | "notarize" = "finalize"): Uint8Array {
  const body = core.codec.voteBody({ kind, ...s });
  const cert = kind === "finalize" ? "finalization" : "notarization";
  return core.codec.encodeCertificate(
    cert,
    body,
    N,
    signatures(kind === "finalize" ? SignatureKind.FINALIZE : SignatureKind.NOTARIZE, body),
  );
}

function progressCertificate(record: Uint8Array): Uint8Array {
  return core.codec.encodeProgressCertificate(record, N, signatures(SignatureKind.PROGRESS, record));
}

function fields(h: Height, o: { sigma?: boolean; progress?: boolean } = {}): FinalizedFields {
  const f: FinalizedFields = { height: h.height, block: h.block, finalization: h.finalization };
  if (o.sigma ?? true) f.sigma = h.sigma;
  if (o.progress ?? true) f.progress = h.progress;
  return f;
}

beforeAll(async () => {
  core = await Core.load(wasmBytes());
  validators = Array.from({ length: N }, (_, i) => LocalChain.signer(200 + i));
  const chain = await newChain();
  for (let i = 0; i < 3; i++) {
    chain.submit(LocalChain.signer(10 + i), { op: "register", name: `p${i}` });
    if (i === 1) chain.submit(LocalChain.signer(10), { op: "faucet" });
    const parent = chain.parent;
    const r = chain.seal();
    const header = core.codec.decodeBlock(r.block).header;
    const digest = fromHex(core.codec.decodeBlock(r.block).digest);
    const s = { view: header.view, height: header.height, parent, digest };
    heights.push({
      height: header.height,
      block: r.block,
      digest,
      parent,
      view: header.view,
      finalization: finalization(s),
      sigma: r.sigma,
      record: r.progress!,
      progress: progressCertificate(r.progress!),
    });
  }
});

describe("finalized bundles", () => {
  it("have the documented layout", () => {
    const h = heights[0]!;
    const bundle = core.codec.encodeFinalized(fields(h));
    const varint = (n: number) => (n < 128 ? [n] : [(n & 0x7f) | 0x80, n >> 7]);
    const expected = concatBytes(
      Uint8Array.of(1, 1, ...varint(h.block.length)),
      h.block,
      Uint8Array.of(...varint(h.finalization.length)),
      h.finalization,
      Uint8Array.of(3),
      h.sigma,
      Uint8Array.of(...varint(h.progress.length)),
      h.progress,
    );
    expect(toHex(bundle)).toBe(toHex(expected));
    const flagsAt = 2 + varint(h.block.length).length + h.block.length + varint(h.finalization.length).length + h.finalization.length;
    expect(bundle[flagsAt]).toBe(3);
    const bare = core.codec.encodeFinalized(fields(h, { sigma: false, progress: false }));
    expect(bare).toEqual(concatBytes(expected.subarray(0, flagsAt), Uint8Array.of(0)));
    const sigmaOnly = core.codec.encodeFinalized(fields(h, { progress: false }));
    expect(sigmaOnly).toEqual(concatBytes(expected.subarray(0, flagsAt), Uint8Array.of(1), h.sigma));
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])("round-trip with sigma %s and progress %s, for every height", (sigma, progress) => {
    for (const h of heights) {
      const f = fields(h, { sigma, progress });
      const bundle = core.codec.encodeFinalized(f);
      const view = core.codec.decodeFinalized(bundle);
      expect(view.height).toBe(h.height);
      expect(view.digest).toBe(toHex(h.digest));
      expect(view.parent).toBe(toHex(h.parent));
      expect(view.digest).toBe(toHex(sha256(h.block.subarray(0, core.codec.decodeBlock(h.block).headerLength))));
      expect(view.block).toEqual(h.block);
      expect(view.finalization).toEqual(h.finalization);
      expect(view.sigma).toEqual(sigma ? h.sigma : undefined);
      expect(view.progress).toEqual(progress ? h.progress : undefined);
      expect(core.codec.encodeFinalized(view)).toEqual(bundle);
      // The parts are copies: the caller may reuse its buffer.
      bundle.fill(0);
      expect(view.block).toEqual(h.block);
    }
  });

  it("accept a certificate signed by any set (quorum and signatures are the verifier's business)", () => {
    const h = heights[1]!;
    const body = core.codec.voteBody({ kind: "finalize", view: h.view, height: h.height, parent: h.parent, digest: h.digest });
    const one = core.codec.encodeCertificate("finalization", body, 7, [{ index: 6, signature: new Uint8Array(64) }]);
    const bundle = core.codec.encodeFinalized({ ...fields(h), finalization: one });
    expect(core.codec.decodeFinalized(bundle).finalization).toEqual(one);
  });
});

describe("finalized bundle refusals", () => {
  const encode = (f: FinalizedFields) => () => core.codec.encodeFinalized(f);
  const decode = (b: Uint8Array) => () => core.codec.decodeFinalized(b);

  it("refuse a block of another height, or one that does not decode", () => {
    const [h1, h2] = [heights[0]!, heights[1]!];
    expect(codeOf(encode({ ...fields(h1), height: 2n }))).toBe(110);
    expect(codeOf(encode({ ...fields(h1), block: h2.block }))).toBe(110);
    expect(codeOf(encode({ ...fields(h1), block: h1.block.subarray(0, 40) }))).toBe(100);
    expect(codeOf(encode({ ...fields(h1), block: concatBytes(h1.block, Uint8Array.of(0)) }))).toBe(101);
    const version = h1.block.slice();
    version[0] = 2;
    expect(codeOf(encode({ ...fields(h1), block: version }))).toBe(106);
    expect(codeOf(encode({ ...fields(h1), block: new Uint8Array(0) }))).toBe(100);
  });

  it("refuse a certificate that is not the finalization of this block", () => {
    const [h1, h2] = [heights[0]!, heights[1]!];
    const s = { view: h1.view, height: h1.height, parent: h1.parent, digest: h1.digest };
    expect(codeOf(encode({ ...fields(h1), finalization: finalization(s, "notarize") }))).toBe(108);
    const nullification = core.codec.encodeCertificate("nullification", core.codec.voteBody({ kind: "nullify", view: 1n }), N, [
      { index: 0, signature: new Uint8Array(64) },
    ]);
    expect(codeOf(encode({ ...fields(h1), finalization: nullification }))).toBe(108);
    // A descendant's finalization is accepted (the block was final through it); an ancestor's is not.
    expect(core.codec.decodeFinalized(core.codec.encodeFinalized({ ...fields(h1), finalization: h2.finalization })).finalization).toEqual(
      h2.finalization,
    );
    expect(codeOf(encode({ ...fields(h2), finalization: h1.finalization }))).toBe(110);
    expect(codeOf(encode({ ...fields(h1), finalization: finalization({ ...s, digest: h2.digest }) }))).toBe(110);
    expect(codeOf(encode({ ...fields(h1), finalization: finalization({ ...s, parent: h2.digest }) }))).toBe(110);
    // The view is not compared: the digest already binds the header's view.
    expect(() => core.codec.encodeFinalized({ ...fields(h1), finalization: finalization({ ...s, view: 99n }) })).not.toThrow();
    expect(codeOf(encode({ ...fields(h1), finalization: h1.finalization.subarray(1) }))).toBe(106);
    expect(codeOf(encode({ ...fields(h1), finalization: h1.finalization.subarray(0, h1.finalization.length - 1) }))).toBe(100);
  });

  it("refuse a progress certificate of another height, block or chain, or one that does not decode", () => {
    const [h1, h2] = [heights[0]!, heights[1]!];
    expect(codeOf(encode({ ...fields(h1), progress: h2.progress }))).toBe(110);
    // The record's chain id is its second byte (chain 1 is the one-byte varint 01).
    expect(h1.record[1]).toBe(1);
    const otherChain = h1.record.slice();
    otherChain[1] = 2;
    expect(codeOf(encode({ ...fields(h1), progress: progressCertificate(otherChain) }))).toBe(110);
    const otherDigest = h1.record.slice();
    otherDigest[3] = (otherDigest[3] as number) ^ 1; // first byte of blockDigest (after version, chain, height)
    expect(core.codec.decodeProgress(otherDigest).blockDigest).not.toBe(toHex(h1.digest));
    expect(codeOf(encode({ ...fields(h1), progress: progressCertificate(otherDigest) }))).toBe(110);
    expect(codeOf(encode({ ...fields(h1), progress: h1.progress.subarray(0, 10) }))).toBe(100);
    expect(codeOf(encode({ ...fields(h1), progress: new Uint8Array(0) }))).toBe(100);
    expect(codeOf(encode({ ...fields(h1), progress: concatBytes(h1.progress, Uint8Array.of(0)) }))).toBe(101);
  });

  it("refuse a sigma that is not 48 bytes, and malformed builder arguments", () => {
    const h = heights[0]!;
    expect(codeOf(encode({ ...fields(h), sigma: h.sigma.subarray(1) }))).toBe(900);
    const input = concatBytes(h.block, h.finalization);
    const call =
      (flags: number, extra = new Uint8Array(0), blockLen = h.block.length) =>
      () =>
        core.wasm.call("finalized_encode", concatBytes(input, extra), h.height, blockLen, h.finalization.length, flags);
    expect(call(0)()).toEqual(core.codec.encodeFinalized(fields(h, { sigma: false, progress: false })));
    expect(codeOf(call(4))).toBe(108);
    expect(codeOf(call(0, Uint8Array.of(1)))).toBe(900); // bytes left over with no progress flag
    expect(codeOf(call(1))).toBe(900); // σ flagged but not there
    expect(codeOf(call(0, new Uint8Array(0), input.length + 1))).toBe(900);
    expect(codeOf(call(2))).toBe(100); // progress flagged and empty
  });

  it("refuse an unknown version or flag bit, and truncated or trailing bytes", () => {
    const bundle = core.codec.encodeFinalized(fields(heights[2]!));
    const version = bundle.slice();
    version[0] = 2;
    expect(codeOf(decode(version))).toBe(106);
    expect(codeOf(decode(concatBytes(bundle, Uint8Array.of(0))))).toBe(101);
    for (const cut of [0, 1, 2, 50, bundle.length - 1]) expect(codeOf(decode(bundle.subarray(0, cut)))).toBe(100);
    const bare = core.codec.encodeFinalized(fields(heights[2]!, { sigma: false, progress: false }));
    for (const bit of [4, 8, 0x80]) {
      const flagged = bare.slice();
      flagged[flagged.length - 1] = bit;
      expect(codeOf(decode(flagged))).toBe(108);
    }
    const overlong = concatBytes(Uint8Array.of(1, 0x83, 0x00), bundle.subarray(2)); // height 3 as 83 00
    expect(codeOf(decode(overlong))).toBe(102);
  });

  it("do not leak the block decoder's raw memory", async () => {
    const chain = await newChain();
    for (let i = 0; i < 500; i++) chain.submit(LocalChain.signer(1000 + i), { op: "register", name: `q${i}` });
    const parent = chain.parent;
    const r = chain.seal();
    const b = core.codec.decodeBlock(r.block);
    const fin = finalization({ view: b.header.view, height: 1n, parent, digest: fromHex(b.digest) });
    const bundle = core.codec.encodeFinalized({ height: 1n, block: r.block, finalization: fin });
    const pages = () => core.wasm.exports.memory.buffer.byteLength;
    for (let i = 0; i < 20; i++) core.codec.decodeFinalized(bundle);
    const settled = pages();
    for (let i = 0; i < 3000; i++) core.codec.decodeFinalized(bundle);
    expect(pages()).toBe(settled);
  });
});

// ---------------------------------------------------------------------------------------------
// Fuzzing, as in codec.fuzz.test.ts and consensus-codec.test.ts.

function samples(): Uint8Array[] {
  return heights.flatMap((h, i) => [
    core.codec.encodeFinalized(fields(h)),
    core.codec.encodeFinalized(fields(h, { sigma: i !== 1, progress: i === 1 })),
    core.codec.encodeFinalized(fields(h, { sigma: false, progress: false })),
  ]);
}

const decodeFinalized = (b: Uint8Array) => core.codec.decodeFinalized(b);

describe("finalized bundle decoder", () => {
  it("never traps on random bytes, alone or behind a valid prefix", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        attempt(decodeFinalized, bytes);
      }),
      { numRuns: fuzzRuns(400) },
    );
    const bundle = samples()[0]!;
    const afterBlock = 3 + heights[0]!.block.length; // version ‖ height ‖ 1-byte block length ‖ block
    expect(bundle[2]).toBe(heights[0]!.block.length);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: afterBlock }), fc.uint8Array({ maxLength: 400 }), (cut, bytes) => {
        attempt(decodeFinalized, concatBytes(bundle.subarray(0, cut), bytes));
      }),
      { numRuns: fuzzRuns(400) },
    );
  });

  it("refuses mutations or accepts only canonical bytes (decode → encode is identical)", () => {
    const list = samples();
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (pick, ms) => {
        const original = list[pick % list.length]!;
        const mutated = ms.reduce(mutate, original);
        const a = attempt(decodeFinalized, mutated);
        if (!a.ok) return;
        const view = a.view as FinalizedView;
        expect(core.codec.encodeFinalized(view)).toEqual(mutated);
      }),
      { numRuns: fuzzRuns(600) },
    );
  });
});
