import { describe, expect, it } from "vitest";
import { StateKey } from "../src/core.js";
import { concatBytes, toHex } from "../src/crypto/sha256.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { CoreError } from "../src/errors.js";
import { decodeEvents, newChain, sealEvents } from "./support/chain.js";

const DAY = 86_400_000n;
const alice = LocalChain.signer(1);
const bob = LocalChain.signer(2);

function errorOf(events: { kind: string }[], i = 0): { code: number; nonceConsumed: boolean } {
  const e = events[i] as { kind: string; code: number; nonceConsumed: boolean };
  expect(e.kind).toBe("txError");
  return { code: e.code, nonceConsumed: e.nonceConsumed };
}

describe("register", () => {
  it("grants 1,000 chips once, joins the registry, and mints them", async () => {
    const chain = await newChain();
    chain.submit(alice, { op: "register", name: "alice" });
    chain.submit(bob, { op: "register", name: "bøb ♠" });
    const events = sealEvents(chain);
    expect(events.map((e) => e.kind)).toEqual(["registered", "registered"]);
    expect(events[1]).toMatchObject({ name: "bøb ♠", chips: 1000n, playerIndex: 1n, txIndex: 1, nonce: 0n });
    expect(chain.core.account(alice.publicKey)).toMatchObject({ registered: true, chips: 1000n, nonce: 1n, name: "alice" });
    expect(chain.core.supply().minted).toBe(2000n);
    expect(chain.core.meta().playerCount).toBe(2n);
  });

  it("refuses a second registration but consumes its nonce", async () => {
    const chain = await newChain();
    chain.submit(alice, { op: "register", name: "alice" });
    sealEvents(chain);
    chain.submit(alice, { op: "register", name: "again" });
    const events = sealEvents(chain);
    expect(errorOf(events)).toEqual({ code: 303, nonceConsumed: true });
    expect(chain.core.account(alice.publicKey)).toMatchObject({ name: "alice", chips: 1000n, nonce: 2n });
    expect(chain.core.accountNonce(alice.publicKey)).toBe(2n);
    expect(chain.core.supply().minted).toBe(1000n);
  });

  it("refuses bad names in the builder and as raw bytes in a block", async () => {
    const chain = await newChain();
    expect(() => chain.core.codec.txBody(alice.publicKey, 0n, { op: "register", name: "" })).toThrow(CoreError);
    expect(() => chain.core.codec.txBody(alice.publicKey, 0n, { op: "register", name: "x".repeat(33) })).toThrow(CoreError);
    const good = chain.core.codec.txBody(alice.publicKey, 0n, { op: "register", name: "ab" });
    const bad = good.slice();
    bad[bad.length - 1] = 0xff; // not UTF-8
    chain.submitRaw(concatBytes(bad, new Uint8Array(64)));
    const events = sealEvents(chain);
    expect(errorOf(events)).toEqual({ code: 300, nonceConsumed: false });
    expect(chain.core.account(alice.publicKey)).toBeNull();
    expect(chain.core.accountNonce(alice.publicKey)).toBe(0n);
    expect(() => chain.core.accountNonce(alice.publicKey.subarray(1))).toThrow(CoreError);
  });
});

describe("nonces", () => {
  it("refuses a wrong nonce without consuming it or changing the account", async () => {
    const chain = await newChain();
    chain.submit(alice, { op: "register", name: "alice" });
    sealEvents(chain);
    const before = chain.core.get(StateKey.account(alice.publicKey));
    chain.submit(alice, { op: "faucet" }, 5n);
    chain.submit(alice, { op: "faucet" }, 0n);
    const events = sealEvents(chain);
    expect(errorOf(events, 0)).toEqual({ code: 301, nonceConsumed: false });
    expect(errorOf(events, 1)).toEqual({ code: 301, nonceConsumed: false });
    expect(chain.core.get(StateKey.account(alice.publicKey))).toEqual(before);
  });

  it("keeps unknown keys out of state", async () => {
    const chain = await newChain();
    chain.submit(bob, { op: "faucet" });
    const events = sealEvents(chain);
    expect(errorOf(events)).toEqual({ code: 302, nonceConsumed: false });
    expect(chain.core.account(bob.publicKey)).toBeNull();
  });

  it("runs a replayed transaction once", async () => {
    const chain = await newChain();
    const tx = chain.submit(alice, { op: "register", name: "alice" });
    chain.submitRaw(tx);
    const events = sealEvents(chain);
    expect(events[0]?.kind).toBe("registered");
    expect(errorOf(events, 1)).toEqual({ code: 301, nonceConsumed: false });
  });
});

describe("faucet", () => {
  async function eligibleChain() {
    const chain = await newChain();
    const admin = chain.admins[0]!;
    chain.submit(admin, { op: "adminSetPolicy", field: 4, value: 0n }); // min sessions
    chain.submit(alice, { op: "register", name: "alice" });
    sealEvents(chain);
    return chain;
  }

  it("needs an account 24 h old with 3 sessions", async () => {
    const chain = await newChain();
    chain.submit(alice, { op: "register", name: "alice" });
    sealEvents(chain);
    chain.submit(alice, { op: "faucet" });
    expect(errorOf(sealEvents(chain, DAY + 1n))).toEqual({ code: 306, nonceConsumed: true });
  });

  it("pays the policy amount at most once per 24 h", async () => {
    const chain = await eligibleChain();
    chain.submit(alice, { op: "faucet" });
    expect(errorOf(sealEvents(chain, 1000n))).toEqual({ code: 306, nonceConsumed: true });
    chain.submit(alice, { op: "faucet" });
    expect(sealEvents(chain, DAY)[0]).toMatchObject({ kind: "faucetClaimed", amount: 1000n, chips: 2000n });
    chain.submit(alice, { op: "faucet" });
    expect(errorOf(sealEvents(chain, DAY - 1n))).toEqual({ code: 305, nonceConsumed: true });
    chain.submit(alice, { op: "faucet" });
    expect(sealEvents(chain, 1n)[0]).toMatchObject({ kind: "faucetClaimed", chips: 3000n });
    expect(chain.core.supply().minted).toBe(3000n);
  });

  it("is off where genesis turns it off", async () => {
    const chain = await newChain({ faucetEnabled: false });
    chain.submit(alice, { op: "register", name: "alice" });
    chain.submit(alice, { op: "faucet" });
    expect(errorOf(sealEvents(chain), 1)).toEqual({ code: 307, nonceConsumed: true });
  });
});

describe("admin", () => {
  it("changes policy within bounds only", async () => {
    const chain = await newChain();
    const admin = chain.admins[0]!;
    chain.submit(admin, { op: "adminSetPolicy", field: 1, value: 500n });
    chain.submit(admin, { op: "adminSetPolicy", field: 2, value: 1n }); // cooldown below 1 minute
    chain.submit(admin, { op: "adminSetPolicy", field: 99, value: 1n });
    const events = sealEvents(chain);
    expect(events[0]).toMatchObject({ kind: "policySet", field: 1, value: 500n });
    expect(errorOf(events, 1)).toEqual({ code: 313, nonceConsumed: true });
    expect(errorOf(events, 2)).toEqual({ code: 314, nonceConsumed: true });
    expect(chain.core.policy()).toMatchObject({ faucetAmount: 500n, faucetCooldownMs: DAY });
  });

  it("refuses players, and rotates keys only by an admin", async () => {
    const chain = await newChain();
    const admin = chain.admins[0]!;
    chain.submit(alice, { op: "register", name: "alice" });
    sealEvents(chain);
    chain.submit(alice, { op: "adminSetPolicy", field: 1, value: 1n });
    chain.submit(alice, { op: "adminRotateKeys", keys: [alice.publicKey] });
    let events = sealEvents(chain);
    expect(errorOf(events, 0).code).toBe(308);
    expect(errorOf(events, 1).code).toBe(308);
    chain.submit(admin, { op: "adminRotateKeys", keys: [bob.publicKey] });
    chain.submit(admin, { op: "adminSetPolicy", field: 1, value: 7n });
    events = sealEvents(chain);
    expect(events[0]).toMatchObject({ kind: "adminKeysRotated", keys: [toHex(bob.publicKey)] });
    expect(errorOf(events, 1).code).toBe(308);
    chain.submit(bob, { op: "adminSetPolicy", field: 1, value: 7n });
    expect(sealEvents(chain)[0]?.kind).toBe("policySet");
    expect(chain.core.admins()).toEqual([toHex(bob.publicKey)]);
  });

  it("refuses an admin set with duplicates", async () => {
    const chain = await newChain();
    expect(() => chain.core.codec.txBody(alice.publicKey, 0n, { op: "adminRotateKeys", keys: [alice.publicKey, alice.publicKey] })).toThrow(
      CoreError,
    );
  });

  it("stops minting at the total supply", async () => {
    const chain = await newChain();
    chain.submit(chain.admins[0]!, { op: "adminSetPolicy", field: 0, value: 1_000_000n });
    sealEvents(chain);
    for (let i = 0; i < 1001; i++) chain.submit(LocalChain.signer(100 + i), { op: "register", name: `p${i}` });
    const events = sealEvents(chain);
    expect(events.slice(0, 1000).every((e) => e.kind === "registered")).toBe(true);
    expect(errorOf(events, 1000)).toEqual({ code: 312, nonceConsumed: true });
    expect(chain.core.supply().minted).toBe(1_000_000_000n);
  });
});

describe("blocks", () => {
  it("refuses a block at the wrong height, parent, chain, time or beacon, changing nothing", async () => {
    const chain = await newChain();
    chain.submit(alice, { op: "register", name: "alice" });
    sealEvents(chain);
    const root = chain.core.stateRoot();
    const codec = chain.core.codec;
    const base = { chainId: 1n, height: 2n, view: 2n, parent: chain.parent, timestampMs: chain.timestampMs + 1n, proposer: 0, txs: [] };
    const cases: [Record<string, unknown>, number][] = [
      [{ height: 3n }, 200],
      [{ parent: new Uint8Array(32) }, 202],
      [{ chainId: 2n }, 203],
      [{ timestampMs: chain.timestampMs - 1n }, 206],
    ];
    for (const [change, code] of cases) {
      const block = codec.encodeBlock({ ...base, ...change });
      expect(() => chain.core.execute(block)).toThrow(expect.objectContaining({ code }));
    }
    const ok = codec.encodeBlock(base);
    expect(() => chain.core.execute(ok, new Uint8Array(47))).toThrow(expect.objectContaining({ code: 205 }));
    expect(chain.core.stateRoot()).toEqual(root);
    expect(chain.core.meta().height).toBe(1n);
  });

  it("refuses a block whose body does not match its transactions root", async () => {
    const chain = await newChain();
    chain.submit(alice, { op: "register", name: "alice" });
    const block = chain.buildBlock();
    const tampered = block.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1; // last signature byte
    expect(() => chain.core.execute(tampered)).toThrow(expect.objectContaining({ code: 204 }));
    expect(chain.executeBlock(block).executed).toBe(true);
  });

  it("treats re-executing an executed height as a no-op", async () => {
    const chain = await newChain();
    chain.submit(alice, { op: "register", name: "alice" });
    const first = chain.seal();
    const root = chain.core.stateRoot();
    const again = chain.core.execute(first.block, first.sigma);
    expect(again).toEqual({ executed: false, events: [] });
    expect(chain.core.stateRoot()).toEqual(root);
    expect(decodeEvents(chain, first.events)[0]?.kind).toBe("registered");
  });
});
