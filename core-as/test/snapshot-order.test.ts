// A snapshot lists its entries by key hash (docs/formats.md): the order is part of the bytes every
// node's checkpoint must agree on. The wasm orders them with a counting sort on the hash's leading
// bits and sorts each bucket apart (assembly/state/hash-order.ts); players choose their keys, so
// a bucket can be made large on purpose, and that path is checked here too.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readVarint } from "../src/client/varint.js";
import { Core, StateKey } from "../src/core.js";
import { sha256, toHex } from "../src/crypto/sha256.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { newChain } from "./support/chain.js";
import { wasmBytes } from "./support/wasm.js";

/** The snapshot's entries (docs/formats.md): version ‖ two MMR compact forms ‖ root ‖ count ‖ (key, value)*. */
function snapshotKeys(snapshot: Uint8Array): Uint8Array[] {
  let pos = 1;
  const varint = (): number => {
    const [v, next] = readVarint(snapshot, pos);
    pos = next;
    return Number(v);
  };
  for (let log = 0; log < 2; log++) {
    varint(); // leaves
    const peaks = varint(); // (read before pos is added to: `pos += varint()` would lose the read)
    pos += 32 * peaks;
  }
  pos += 32; // state root
  const keys: Uint8Array[] = [];
  for (let n = varint(); n > 0; n--) {
    const k = varint();
    keys.push(snapshot.subarray(pos, pos + k));
    pos += k;
    const v = varint();
    pos += v;
  }
  expect(pos).toBe(snapshot.length);
  return keys;
}

const hashHex = (key: Uint8Array) => toHex(sha256(key));

function expectHashOrder(keys: Uint8Array[]): void {
  const hashes = keys.map(hashHex);
  for (let i = 1; i < hashes.length; i++) expect((hashes[i - 1] as string) < (hashes[i] as string)).toBe(true);
}

async function registered(indices: readonly number[]): Promise<LocalChain> {
  const chain = await newChain();
  for (const i of indices) chain.submit(LocalChain.signer(i), { op: "register", name: `p${i}` });
  chain.seal();
  return chain;
}

describe("a snapshot's entries", () => {
  it("come in key-hash order, whatever accounts the state holds", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.nat(5_000), { maxLength: 120 }), async (indices) => {
        const chain = await registered(indices);
        const keys = snapshotKeys(chain.core.snapshot());
        expectHashOrder(keys);
        for (const i of indices) expect(keys.some((k) => toHex(k) === toHex(StateKey.account(LocalChain.signer(i).publicKey)))).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it("come in key-hash order when many keys were ground to share the hash's leading bits", async () => {
    // Accounts whose key hashes start with six zero bits, with the state small enough (at most 64
    // entries) that the sort's buckets are at most six bits wide: they all land in bucket 0.
    const ground: number[] = [];
    for (let i = 0; ground.length < 24; i++) {
      if ((sha256(StateKey.account(LocalChain.signer(i).publicKey))[0] as number) < 4) ground.push(i);
    }
    const chain = await registered(ground);
    const snapshot = chain.core.snapshot();
    const keys = snapshotKeys(snapshot);
    expect(keys.length).toBeLessThanOrEqual(64);
    // More than the 16 a bucket may hold before it is heapsorted.
    expect(keys.filter((k) => (sha256(k)[0] as number) < 4).length).toBeGreaterThan(16);
    expectHashOrder(keys);
    const fresh = await Core.load(wasmBytes());
    fresh.restore(snapshot);
    expect(toHex(fresh.stateRoot())).toBe(toHex(chain.core.stateRoot()));
    expect(toHex(fresh.snapshot())).toBe(toHex(snapshot));
  });
});
