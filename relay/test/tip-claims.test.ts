// TipClaims' bookkeeping on the real wasm codec: a claim within the slack is taken at once, one past
// it only once its bundle proves it (garbage proves nothing: refused); whoever waits on a claim
// (settle) is told when it is decided, or when a newer claim that replaced it is, even if the
// refusal's handler throws (reported, and the checks go on). (Real certificates and a Byzantine stream: forged.test.ts.)
import { readFileSync } from "node:fs";
import { Core, fromHex, LocalChain } from "@nullspace/core";
import { beforeAll, describe, expect, it } from "vitest";
import { TipClaims } from "../src/follow/tip-claims.js";
import { WASM_PATH } from "./support/devnet.js";

let core: Core;
beforeAll(async () => {
  core = await Core.load(readFileSync(WASM_PATH));
});

function claimsAt(verified: bigint, onFalseThrows = false) {
  let tip = 0n;
  const refused: [string, bigint, string][] = [];
  const errors: string[] = [];
  const claims = new TipClaims({
    codec: () => core.codec,
    chainId: 1n,
    validators: [new Uint8Array(32)],
    verifiedHeight: () => verified,
    slack: 2n,
    tip: () => tip,
    onTip: (h) => {
      tip = h;
    },
    onFalse: (from, h, why) => {
      refused.push([from, h, why]);
      if (onFalseThrows) throw new Error("the handler failed");
    },
    onError: (e) => errors.push((e as Error).message),
  });
  return { claims, tip: () => tip, refused, errors };
}

describe("tip claims", () => {
  it("takes a claim within the slack at once, and one at or under the tip is nothing", async () => {
    const t = claimsAt(10n);
    await t.claims.settle(12n, new Uint8Array(0), "v0");
    expect(t.tip()).toBe(12n);
    await t.claims.settle(11n, Uint8Array.of(1), "v0");
    expect(t.tip()).toBe(12n);
    expect(t.refused).toEqual([]);
  });

  it("refuses a claim past the slack whose bundle proves nothing, and settles it", async () => {
    const t = claimsAt(10n);
    await t.claims.settle(100n, Uint8Array.of(1, 2, 3), "v1");
    expect(t.tip()).toBe(0n);
    expect(t.refused.map(([from, h, why]) => [from, h, why.startsWith("the bundle does not decode")])).toEqual([["v1", 100n, true]]);
  });

  it("tells the waiter on the first claim only once it is decided (its certificate checked off the thread)", async () => {
    // A real block and a well-formed certificate, so the check reaches the signature (none: refused).
    const chain = await LocalChain.create({ wasm: new Uint8Array(readFileSync(WASM_PATH)) });
    const block = chain.seal({}).block;
    const { header, digest } = core.codec.decodeBlock(block);
    const body = core.codec.voteBody({
      kind: "finalize",
      view: header.view,
      height: header.height,
      parent: fromHex(header.parent),
      digest: fromHex(digest),
    });
    const unsigned = core.codec.encodeCertificate("finalization", body, 1, [{ index: 0, signature: new Uint8Array(64) }]);
    const bundle = core.codec.encodeFinalized({ height: chain.height, block, finalization: unsigned });
    const t = claimsAt(10n);
    await t.claims.settle(100n, bundle, "v1");
    // The probe reads the tip right after settle: had it been told before the check, it would
    // count a validator that answered as silent.
    expect(t.refused.map(([from, h]) => [from, h])).toEqual([["v1", 100n]]);
  });

  it("settles a waiter on a claim replaced by a newer one once that one is decided, even if refusing it throws", async () => {
    const t = claimsAt(10n, true);
    const first = t.claims.settle(50n, Uint8Array.of(1), "v1"); // checked at once
    const second = t.claims.settle(60n, Uint8Array.of(2), "v2"); // waits for the check under way
    const third = t.claims.settle(70n, Uint8Array.of(3), "v3"); // replaces the waiting one
    const older = t.claims.settle(65n, Uint8Array.of(4), "v4"); // decided by the newer one waiting
    await Promise.all([first, second, third, older]);
    expect(t.refused.map(([from, h]) => [from, h])).toEqual([
      ["v1", 50n],
      ["v3", 70n],
    ]);
    expect(t.tip()).toBe(0n);
    expect(t.errors).toEqual(["the handler failed", "the handler failed"]);
  });
});
