// /submit's checks before forwarding (src/api/submit.ts), on the real wasm: a burst larger than
// one message to the signature thread carries is checked in several, and every transaction gets its
// own verdict; each refusal has its code; random and mutated bytes are refused with one, never
// accepted and never thrown past it.
import { readFileSync } from "node:fs";
import { type Core, LocalChain, signTxSync } from "@nullspace/core";
import { Ed25519Thread } from "@nullspace/core/node";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fuzzRuns, mutate, mutation } from "../../core-as/test/support/fuzz.js";
import { RateLimiter } from "../src/api/rate-limit.js";
import { precheck, type SubmitDeps, takeAddressToken } from "../src/api/submit.js";
import { RelayError } from "../src/errors.js";
import { WASM_PATH } from "./support/devnet.js";

let core: Core;
let deps: SubmitDeps;
const chainId = 7n;
const BATCH = 4;
const signatures = new Ed25519Thread({ threads: 1, maxBatch: BATCH });
afterAll(() => signatures.close());
beforeAll(async () => {
  core = (await LocalChain.create({ wasm: new Uint8Array(readFileSync(WASM_PATH)), chainId })).core; // at genesis: nonces known
  const open = { rate: 1e6, burst: 1e6 };
  deps = {
    core: () => core,
    chainId,
    perIp: new RateLimiter(open),
    perAccount: new RateLimiter(open),
    nonceWindow: 64,
    signatures,
  };
});

const register = (k: number, nonce = 0n) =>
  signTxSync({ codec: core.codec, signer: LocalChain.signer(5000 + k), chainId, nonce, instruction: { op: "register", name: `p${k}` } });

/** The code a precheck refused with, or "ok". */
const verdict = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e) => (e instanceof RelayError ? e.code : `threw ${e}`),
  );

describe("precheck", () => {
  it("gives each transaction of a burst its own verdict, over several messages to the signature thread", async () => {
    const n = 3 * BATCH;
    const good = Array.from({ length: n }, (_, k) => register(k));
    const bad = good.map((tx) => {
      const b = tx.slice();
      b[b.length - 1] = (b[b.length - 1] as number) ^ 1; // the signature's last byte
      return b;
    });
    // All in one turn, in six messages of four.
    const before = signatures.answered.thread;
    const answers = await Promise.all([...good, ...bad].map((tx) => verdict(precheck(deps, core.codec, tx))));
    expect(answers).toEqual([...good.map(() => "ok"), ...bad.map(() => "RELAY_BAD_SIGNATURE")]);
    expect(signatures.answered.thread - before).toBe(2 * n);
    // Again, interleaved: each message holds good and bad ones at other places.
    const mixed = good.flatMap((tx, k) => [bad[k] as Uint8Array, tx]);
    const again = await Promise.all(mixed.map((tx) => verdict(precheck(deps, core.codec, tx))));
    expect(again).toEqual(good.flatMap(() => ["RELAY_BAD_SIGNATURE", "ok"]));
    expect(signatures.answered.inline).toBe(0);
  });

  it("refuses random bytes and every mutation of a signed transaction with a code, the same each time", async () => {
    const refusals = new Set(["RELAY_MALFORMED_TX", "RELAY_BAD_SIGNATURE"]);
    const signed = Array.from({ length: 8 }, (_, k) => register(100 + k));
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 600 }).map((bytes) => ({ bytes, original: undefined })),
      fc
        .tuple(fc.nat({ max: signed.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 3 }))
        .map(([k, ms]) => ({ bytes: ms.reduce(mutate, signed[k] as Uint8Array), original: signed[k] })),
    );
    await fc.assert(
      fc.asyncProperty(input, async ({ bytes, original }) => {
        const first = await verdict(precheck(deps, core.codec, bytes));
        // Edits that undo each other (an insert then a delete at the same place) give back the signed bytes.
        const same = original !== undefined && Buffer.from(bytes).equals(Buffer.from(original));
        if (same) expect(first).toBe("ok");
        else expect(refusals, `${first} for ${Buffer.from(bytes).toString("hex")}`).toContain(first);
        expect(await verdict(precheck(deps, core.codec, bytes))).toBe(first);
      }),
      { numRuns: fuzzRuns(400) },
    );
  });

  it("refuses garbage, a far nonce and a spent rate with their codes", async () => {
    expect(await verdict(precheck(deps, core.codec, Uint8Array.of(1, 2, 3)))).toBe("RELAY_MALFORMED_TX");
    expect(await verdict(precheck(deps, core.codec, register(1, 64n)))).toBe("RELAY_NONCE_TOO_FAR");
    const tight = { perIp: new RateLimiter({ rate: 1, burst: 1 }) };
    expect(await verdict(takeAddressToken(tight, "10.0.0.1"))).toBe("ok");
    expect(await verdict(takeAddressToken(tight, "10.0.0.1"))).toBe("RELAY_RATE_LIMITED");
    expect(await verdict(takeAddressToken(tight, "10.0.0.2"))).toBe("ok");
  });
});
