// A transaction's signature checked on the calling thread (verifyTxSignature, and
// verifyTxSignatureHere from the summary the relay already has) and off it
// (verifyTxSignatureOffThread) give the same answer, for the transaction as signed and for every
// single-byte change that still decodes.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  Core,
  sha256,
  signerFromSeedSync,
  signTxSync,
  verifyTxSignature,
  verifyTxSignatureHere,
  verifyTxSignatureOffThread,
} from "../src/index.js";
import { WASM_PATH } from "./support/wasm.js";

let core: Core;
beforeAll(async () => {
  core = await Core.load(readFileSync(WASM_PATH));
});

describe("transaction signatures off the calling thread", () => {
  it("agree with the synchronous check, for the signed transaction and every one-byte change that decodes", async () => {
    const signer = signerFromSeedSync(sha256(new TextEncoder().encode("sign-tx-test")));
    const tx = signTxSync({ codec: core.codec, signer, chainId: 7n, nonce: 3n, instruction: { op: "register", name: "alice" } });
    expect(await verifyTxSignatureOffThread(core.codec.txSummary(tx), tx, 7n)).toBe(true);
    expect(verifyTxSignature(core.codec, tx, 7n)).toBe(true);
    expect(verifyTxSignatureHere(core.codec.txSummary(tx), tx, 7n)).toBe(true);
    expect(await verifyTxSignatureOffThread(core.codec.txSummary(tx), tx, 8n)).toBe(false); // another chain
    expect(verifyTxSignatureHere(core.codec.txSummary(tx), tx, 8n)).toBe(false);
    let decoded = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: tx.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, xor) => {
        const changed = tx.slice();
        changed[at] = (changed[at] as number) ^ xor;
        let summary: ReturnType<typeof core.codec.txSummary>;
        try {
          summary = core.codec.txSummary(changed);
        } catch {
          return; // does not decode: the relay refuses it before any signature check
        }
        decoded++;
        expect(await verifyTxSignatureOffThread(summary, changed, 7n)).toBe(false);
        expect(verifyTxSignature(core.codec, changed, 7n)).toBe(false);
        expect(verifyTxSignatureHere(summary, changed, 7n)).toBe(false);
      }),
      { numRuns: 300 },
    );
    expect(decoded).toBeGreaterThan(100); // most changes (signature and name bytes) still decode
  });
});
