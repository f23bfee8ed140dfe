// Properties of random transaction streams through the real wasm: supply is conserved, snapshots
// are invisible, every state key proves, and the logs' roots agree with the TypeScript MMR.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Instruction } from "../src/codec.js";
import { Core, StateKey } from "../src/core.js";
import type { Signer } from "../src/crypto/ed25519.js";
import { fromHex, sha256, toHex } from "../src/crypto/sha256.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { mmrRoot } from "../src/proof/mmr.js";
import { verifyStateProof } from "../src/proof/state.js";
import { newChain } from "./support/chain.js";
import { wasmBytes } from "./support/wasm.js";

const PLAYERS: Signer[] = Array.from({ length: 6 }, (_, i) => LocalChain.signer(10 + i));

type Step =
  | { t: "register"; who: number; name: string }
  | { t: "faucet"; who: number }
  | { t: "policy"; field: number; value: bigint }
  | { t: "badNonce"; who: number; delta: bigint }
  | { t: "garbage"; bytes: Uint8Array }
  | { t: "seal"; advanceMs: bigint };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ t: fc.constant("register" as const), who: fc.nat(5), name: fc.string({ minLength: 1, maxLength: 8 }) }),
  fc.record({ t: fc.constant("faucet" as const), who: fc.nat(5) }),
  fc.record({ t: fc.constant("policy" as const), field: fc.nat(6), value: fc.bigInt({ min: 0n, max: 3_000_000_000n }) }),
  fc.record({ t: fc.constant("badNonce" as const), who: fc.nat(5), delta: fc.bigInt({ min: 1n, max: 3n }) }),
  fc.record({ t: fc.constant("garbage" as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 80 }) }),
  fc.record({ t: fc.constant("seal" as const), advanceMs: fc.bigInt({ min: 0n, max: 2n * 86_400_000n }) }),
);

/** Applies steps to a chain, sealing at "seal" steps and at the end; returns each block's result. */
function play(chain: LocalChain, steps: Step[], onBlock: (r: ReturnType<LocalChain["seal"]>) => void): void {
  // Start from the nonces in state, so a stream can continue a chain another stream began.
  const nonces = new Map<number, bigint>(PLAYERS.map((p, i) => [i, chain.core.account(p.publicKey)?.nonce ?? 0n]));
  const next = (who: number) => nonces.get(who) ?? 0n;
  const send = (who: number, ins: Instruction) => {
    const n = next(who);
    chain.submit(PLAYERS[who]!, ins, n);
    nonces.set(who, n + 1n);
  };
  for (const s of steps) {
    if (s.t === "register") send(s.who, { op: "register", name: s.name });
    else if (s.t === "faucet") send(s.who, { op: "faucet" });
    else if (s.t === "policy") chain.submit(chain.admins[0]!, { op: "adminSetPolicy", field: s.field, value: s.value });
    else if (s.t === "badNonce") chain.submit(PLAYERS[s.who]!, { op: "faucet" }, next(s.who) + s.delta);
    else if (s.t === "garbage") chain.submitRaw(s.bytes);
    else onBlock(chain.seal({ advanceMs: s.advanceMs }));
  }
  onBlock(chain.seal());
}

function totalChips(core: Core): bigint {
  return PLAYERS.reduce((sum, p) => sum + (core.account(p.publicKey)?.chips ?? 0n), 0n);
}

describe("random transaction streams", () => {
  it("conserve supply at every block: balances + house + pools + treasury = minted − burned", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 60 }), async (steps) => {
        const chain = await newChain();
        play(chain, steps, () => {
          const s = chain.core.supply();
          expect(totalChips(chain.core) + s.house + s.pools + s.treasury).toBe(s.minted - s.burned);
        });
      }),
      { numRuns: 40 },
    );
  });

  it("keep a state root equal, after every block, to the root of the same state rebuilt from scratch", async () => {
    // Blocks update leaves in place (the store remembers each key's leaf); restoring a snapshot
    // inserts every key into an empty tree. Both must give the same root at every height.
    const rebuilt = await Core.load(wasmBytes());
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 50 }), async (steps) => {
        const chain = await newChain();
        play(chain, steps, () => {
          rebuilt.restore(chain.core.snapshot());
          expect(toHex(rebuilt.stateRoot())).toBe(toHex(chain.core.stateRoot()));
        });
      }),
      { numRuns: 25 },
    );
  });

  it("give the same roots whether or not the state was snapshotted and restored midway", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 40 }), fc.array(stepArb, { maxLength: 40 }), async (before, after) => {
        const straight = await newChain();
        const restored = await newChain();
        play(straight, before, () => {});
        play(restored, before, () => {});
        const fresh = await Core.load(wasmBytes());
        fresh.restore(restored.core.snapshot());
        expect(fresh.stateRoot()).toEqual(restored.core.stateRoot());
        // Continue on the restored instance: swap its core in and replay the same tail on both.
        (restored as unknown as { core: Core }).core = fresh;
        const a: string[] = [];
        const b: string[] = [];
        play(straight, after, (r) => a.push(toHex(r.progress ?? new Uint8Array())));
        play(restored, after, (r) => b.push(toHex(r.progress ?? new Uint8Array())));
        expect(b).toEqual(a);
      }),
      { numRuns: 20 },
    );
  });

  it("emit logs whose roots match the TypeScript MMR of every event and transaction", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 50 }), async (steps) => {
        const chain = await newChain();
        const events: Uint8Array[] = [];
        const txs: Uint8Array[] = [];
        play(chain, steps, (r) => {
          for (const e of r.events) events.push(sha256(e));
          for (const tx of chain.core.codec.decodeBlock(r.block).txs) txs.push(sha256(fromHex(tx)));
          expect(r.progressView?.eventsRoot).toBe(toHex(mmrRoot(events)));
          expect(r.progressView?.txLogRoot).toBe(toHex(mmrRoot(txs)));
          expect(r.progressView?.eventEnd).toBe(BigInt(events.length));
        });
      }),
      { numRuns: 25 },
    );
  });

  it("leave every key provable against the certified state root, and no flipped byte passes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { maxLength: 40 }), fc.nat(), async (steps, salt) => {
        const chain = await newChain();
        let root: Uint8Array = new Uint8Array();
        play(chain, steps, (r) => {
          root = fromHex(r.progressView!.stateRoot);
        });
        const keys = [
          StateKey.meta(),
          StateKey.supply(),
          StateKey.policy(),
          StateKey.admins(),
          ...PLAYERS.map((p) => StateKey.account(p.publicKey)),
          StateKey.account(sha256(Uint8Array.of(salt & 0xff))),
        ];
        for (const key of keys) {
          const value = chain.core.get(key);
          const proof = chain.core.prove(key);
          expect(verifyStateProof({ root, key, value, proof })).toBe(true);
          const i = salt % proof.length;
          const flipped = proof.slice();
          flipped[i] = (flipped[i] as number) ^ (1 << (salt % 8));
          expect(verifyStateProof({ root, key, value, proof: flipped })).toBe(false);
          if (value) {
            const wrong = value.slice();
            wrong[salt % wrong.length] = (wrong[salt % wrong.length] as number) ^ 1;
            expect(verifyStateProof({ root, key, value: wrong, proof })).toBe(false);
            expect(verifyStateProof({ root, key, value: null, proof })).toBe(false);
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});
