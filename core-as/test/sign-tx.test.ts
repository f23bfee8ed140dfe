// A transaction's signature checked from its bytes (verifyTxSignature) and from the summary a
// relay or mempool already has (txSignatureCheck), on the calling thread and on an Ed25519Thread,
// gives the same answer, for the transaction as signed and for every single-byte change that still
// decodes.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Core, sha256, signerFromSeedSync, signTxSync, type TxSummary, txSignatureCheck, verify, verifyTxSignature } from "../src/index.js";
import { Ed25519Thread } from "../src/node/index.js";
import { WASM_PATH } from "./support/wasm.js";

let core: Core;
beforeAll(async () => {
  core = await Core.load(readFileSync(WASM_PATH));
});
const thread = new Ed25519Thread({ threads: 1 });
afterAll(() => thread.close());

/** The summary's check verified here and on the thread, which must agree. */
async function checkOf(summary: TxSummary, tx: Uint8Array, chainId: bigint): Promise<boolean> {
  const check = txSignatureCheck(summary, tx, chainId);
  const here = verify(check.publicKey, check.message, check.signature);
  expect(await thread.verify(check)).toBe(here);
  return here;
}

describe("transaction signature checks from a summary", () => {
  it("agree with the check from the bytes, here and on a thread, for the signed transaction and every one-byte change that decodes", async () => {
    const signer = signerFromSeedSync(sha256(new TextEncoder().encode("sign-tx-test")));
    const tx = signTxSync({ codec: core.codec, signer, chainId: 7n, nonce: 3n, instruction: { op: "register", name: "alice" } });
    expect(verifyTxSignature(core.codec, tx, 7n)).toBe(true);
    expect(await checkOf(core.codec.txSummary(tx), tx, 7n)).toBe(true);
    expect(await checkOf(core.codec.txSummary(tx), tx, 8n)).toBe(false); // another chain
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
        expect(verifyTxSignature(core.codec, changed, 7n)).toBe(false);
        expect(await checkOf(summary, changed, 7n)).toBe(false);
      }),
      { numRuns: 300 },
    );
    expect(decoded).toBeGreaterThan(100); // most changes (signature and name bytes) still decode
  });
});
