import { createHash } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { fromHex, toHex } from "../src/crypto/sha256.js";
import type { WasmInstance } from "../src/wasm/instance.js";
import { runStandardChecks } from "./browser/standards.js";
import { newWasm, wasmBytes } from "./support/wasm.js";

let wasm: WasmInstance;
beforeAll(async () => {
  wasm = await newWasm();
});

describe("wasm sha256", () => {
  it("matches the FIPS 180-4 examples; RFC 8032 and published BLS MinSig vectors hold on this runtime", async () => {
    const r = await runStandardChecks(wasmBytes());
    expect(r.sha256.length).toBe(5);
    for (const v of r.sha256) expect(v, v.name).toMatchObject({ ok: true });
    expect(r.ed25519.length).toBe(5);
    for (const v of r.ed25519) expect(v, v.name).toMatchObject({ publicKeyOk: true, signatureOk: true, verifies: true, rejectsFlip: true });
    expect(r.bls.length).toBeGreaterThan(5);
    for (const v of r.bls) expect(v, v.name).toMatchObject({ verifies: true, rejectsOther: true });
  });

  it("matches node:crypto at every length around the block boundaries", () => {
    for (let len = 0; len <= 300; len++) {
      const msg = Uint8Array.from({ length: len }, (_, i) => (i * 31 + len) & 0xff);
      expect(toHex(wasm.call("sha256_digest", msg)), `length ${len}`).toBe(createHash("sha256").update(msg).digest("hex"));
    }
  });

  it("matches node:crypto on random messages", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (msg) => {
        expect(toHex(wasm.call("sha256_digest", msg))).toBe(createHash("sha256").update(msg).digest("hex"));
      }),
      { numRuns: 300 },
    );
  });
});

describe("hex", () => {
  it("fromHex inverts toHex and agrees with Buffer's decoder, in either case", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (bytes, upper) => {
        const hex = upper ? toHex(bytes).toUpperCase() : toHex(bytes);
        expect(fromHex(hex)).toEqual(bytes);
        expect(Buffer.from(fromHex(hex))).toEqual(Buffer.from(hex, "hex"));
      }),
    );
  });

  it("fromHex refuses odd lengths and every non-hex character", () => {
    for (const bad of ["0", "abc", "0g", "g0", "zz", "0x", " 0", "0 ", "é0", "0\u0660", "\u{1F600}"]) {
      expect(() => fromHex(bad), JSON.stringify(bad)).toThrow(TypeError);
    }
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 16 }), fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), (bytes, at, ch) => {
        fc.pre(!/[0-9a-fA-F]/.test(ch));
        const hex = toHex(bytes);
        const i = at % hex.length;
        const spoiled = hex.slice(0, i) + ch + hex.slice(i + 1);
        expect(() => fromHex(spoiled)).toThrow(TypeError);
      }),
    );
  });
});
