// /submit's checks before forwarding (src/api/submit.ts), on the real wasm: a burst larger than
// the signature checks one turn takes on the event loop is checked partly there and partly on the
// pool, and every transaction gets the same verdict either way; each refusal has its code.
import { readFileSync } from "node:fs";
import { type Core, LocalChain, signTxSync } from "@nullspace/core";
import { beforeAll, describe, expect, it } from "vitest";
import { RateLimiter } from "../src/api/rate-limit.js";
import { CHECKS_HERE_PER_TURN, precheck, type SubmitDeps } from "../src/api/submit.js";
import { RelayError } from "../src/errors.js";
import { WASM_PATH } from "./support/devnet.js";

let core: Core;
let deps: SubmitDeps;
const chainId = 7n;
beforeAll(async () => {
  core = (await LocalChain.create({ wasm: new Uint8Array(readFileSync(WASM_PATH)), chainId })).core; // at genesis: nonces known
  const open = { rate: 1e6, burst: 1e6 };
  deps = { core: () => core, chainId, perIp: new RateLimiter(open), perAccount: new RateLimiter(open), nonceWindow: 64 };
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
  it("gives a burst the same verdicts on the event loop and on the pool", async () => {
    const n = 3 * CHECKS_HERE_PER_TURN;
    const good = Array.from({ length: n }, (_, k) => register(k));
    const bad = good.map((tx) => {
      const b = tx.slice();
      b[b.length - 1] = (b[b.length - 1] as number) ^ 1; // the signature's last byte
      return b;
    });
    // All in one turn: the first CHECKS_HERE_PER_TURN here, the rest handed to the pool.
    const answers = await Promise.all([...good, ...bad].map((tx) => verdict(precheck(deps, core.codec, tx, "127.0.0.1"))));
    expect(answers).toEqual([...good.map(() => "ok"), ...bad.map(() => "RELAY_BAD_SIGNATURE")]);
    // Again, the bad ones first: they now take the event loop's checks.
    const again = await Promise.all([...bad, ...good].map((tx) => verdict(precheck(deps, core.codec, tx, "127.0.0.1"))));
    expect(again).toEqual([...bad.map(() => "RELAY_BAD_SIGNATURE"), ...good.map(() => "ok")]);
  });

  it("refuses garbage, a far nonce and a spent rate with their codes", async () => {
    expect(await verdict(precheck(deps, core.codec, Uint8Array.of(1, 2, 3), "127.0.0.1"))).toBe("RELAY_MALFORMED_TX");
    expect(await verdict(precheck(deps, core.codec, register(1, 64n), "127.0.0.1"))).toBe("RELAY_NONCE_TOO_FAR");
    const tight = { ...deps, perIp: new RateLimiter({ rate: 1, burst: 1 }) };
    expect(await verdict(precheck(tight, core.codec, register(2), "10.0.0.1"))).toBe("ok");
    expect(await verdict(precheck(tight, core.codec, register(3), "10.0.0.1"))).toBe("RELAY_RATE_LIMITED");
  });
});
