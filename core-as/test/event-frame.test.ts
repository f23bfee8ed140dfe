// decodeEventFrame (the event_frame ABI frame) against decodeEvent (the JSON view): the same view
// for events of every kind from real blocks, and the same verdict — same view or same error code —
// on mutated and random bytes, so the faster path can stand in for the JSON one.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { Core } from "../src/core.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { baccarat, casinoWar, hiLo, roulette, threeCard, videoPoker } from "../src/games/index.js";
import { newChain } from "./support/chain.js";
import { attempt, fuzzRuns, mutate, mutation } from "./support/fuzz.js";
import { wasmBytes } from "./support/wasm.js";

let core: Core;
let events: Uint8Array[];

beforeAll(async () => {
  core = await Core.load(wasmBytes());
  const chain = await newChain();
  const alice = LocalChain.signer(1);
  const admin = chain.admins[0]!;
  chain.submit(alice, { op: "register", name: "alice ♣" });
  // No minimum age or session count, so the faucet pays at once (economy.md, policy fields 3 and 4).
  chain.submit(admin, { op: "adminSetPolicy", field: 3, value: 0n });
  chain.submit(admin, { op: "adminSetPolicy", field: 4, value: 0n });
  const first = chain.seal().events;
  chain.submit(alice, { op: "faucet" });
  chain.submit(alice, roulette.start(1n, 2));
  chain.submit(alice, roulette.spin(1n, [roulette.red(10n), roulette.split(17, 20, 3n), roulette.straight(0, 1n)]));
  chain.submit(alice, baccarat.start(2n));
  chain.submit(alice, baccarat.deal(2n, [baccarat.banker(7n), baccarat.perfectPair(1n)]));
  chain.submit(alice, casinoWar.start(3n, 4n, 2n));
  chain.submit(alice, hiLo.start(4n, 9n));
  chain.submit(alice, hiLo.higher(4n));
  chain.submit(alice, videoPoker.start(5n, 3n, 1));
  chain.submit(alice, videoPoker.draw(5n, [true, false, false, true, false]));
  chain.submit(alice, threeCard.start(6n, 5n, { pairplus: 2n, sixCard: 1n, progressive: true }));
  chain.submit(alice, threeCard.play(6n));
  chain.submit(alice, threeCard.play(6n)); // refused: the hand is over (txError)
  chain.submit(admin, { op: "adminRotateKeys", keys: [alice.publicKey, admin.publicKey] });
  events = [...first, ...chain.seal().events];
});

const json = (b: Uint8Array) => core.codec.decodeEvent(b);
const frame = (b: Uint8Array) => core.codec.decodeEventFrame(b);

describe("decodeEventFrame", () => {
  it("gives decodeEvent's view for events of every kind", () => {
    const kinds = new Set<string>();
    for (const e of events) {
      const view = json(e);
      kinds.add(view.kind);
      expect(frame(e)).toEqual(view);
    }
    expect([...kinds].sort()).toEqual(
      ["adminKeysRotated", "faucetClaimed", "gameRound", "gameStarted", "policySet", "registered", "txError"].sort(),
    );
  });

  it("agrees with decodeEvent on mutated events: the same view or the same error code", () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (pick, ms) => {
        const mutated = ms.reduce(mutate, events[pick % events.length]!);
        expect(attempt(frame, mutated)).toEqual(attempt(json, mutated));
      }),
      { numRuns: fuzzRuns(1000), seed: 21 },
    );
  });

  it("agrees with decodeEvent on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(attempt(frame, bytes)).toEqual(attempt(json, bytes));
      }),
      { numRuns: fuzzRuns(500), seed: 22 },
    );
  });
});
