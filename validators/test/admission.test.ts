// Load shedding at the validator's edge (src/node/admission.ts, and the loop-lag probe of @nullspace/core/node): submissions
// past the in-flight bound or while the event loop is late are refused BUSY without any work done,
// gossip is never refused, and a real ValidatorNode answers BUSY and admits nothing while shedding.

import { Core, LocalChain, signTxSync, verifyBatchSync } from "@nullspace/core";
import { LoopLag } from "@nullspace/core/node";
import { beforeAll, describe, expect, it } from "vitest";
import { createGenesis, type GenesisFile, type ValidatorSecret } from "../src/genesis/genesis.js";
import { Admission } from "../src/node/admission.js";
import { ValidatorNode } from "../src/node/validator.js";
import { SimClock } from "../src/runtime/clock.js";
import { SimNetwork } from "../src/runtime/network.js";
import { Rng } from "../src/runtime/rng.js";
import { Scheduler } from "../src/runtime/scheduler.js";
import { SimStorage } from "../src/runtime/sim-storage.js";
import { WASM_BYTES as WASM } from "./support/wasm.js";

/** A promise and the function that settles it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe("Admission", () => {
  it("sheds client batches that would pass maxInflight, counts peers' without refusing them", async () => {
    const a = new Admission({ maxInflight: 10 });
    const g = gate();
    const first = a.fromClient(6, async () => {
      await g.promise;
      return "first";
    });
    expect(a.inflight).toBe(6);
    expect(await a.fromClient(5, async () => "second")).toBeUndefined(); // 6 + 5 > 10
    expect(a.shed).toBe(5);
    expect(await a.fromClient(4, async () => "third")).toBe("third"); // 6 + 4 ≤ 10
    const peer = a.fromPeer(50, async () => "gossip"); // over the bound, admitted anyway
    expect(a.inflight).toBe(56);
    expect(await peer).toBe("gossip");
    g.open();
    expect(await first).toBe("first");
    expect(a.inflight).toBe(0);
    expect(a.shed).toBe(5);
  });

  it("sheds everything from clients while the host says it is overloaded", async () => {
    let overloaded = true;
    const a = new Admission({ overloaded: () => overloaded });
    expect(await a.fromClient(1, async () => 1)).toBeUndefined();
    overloaded = false;
    expect(await a.fromClient(1, async () => 1)).toBe(1);
  });

  it("releases its count when admission fails", async () => {
    const a = new Admission({ maxInflight: 3 });
    await expect(
      a.fromClient(3, async () => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(a.inflight).toBe(0);
    expect(await a.fromClient(3, async () => "again")).toBe("again");
  });

  it("refuses a bound that is not a positive integer", () => {
    for (const maxInflight of [0, -1, 1.5, Number.NaN]) expect(() => new Admission({ maxInflight })).toThrow(RangeError);
  });
});

describe("LoopLag", () => {
  it("sees a blocked event loop and forgets it after two windows", async () => {
    const lag = new LoopLag({ everyMs: 5, windowMs: 100 }).start();
    try {
      await new Promise((r) => setTimeout(r, 30));
      const until = performance.now() + 150;
      while (performance.now() < until) {
        // hold the loop, as a long synchronous task would
      }
      await new Promise((r) => setTimeout(r, 20));
      expect(lag.recentMs).toBeGreaterThanOrEqual(120);
      await new Promise((r) => setTimeout(r, 400));
      expect(lag.recentMs).toBeLessThan(120);
    } finally {
      lag.stop();
    }
  });
});

describe("a validator shedding load", () => {
  let core: Core;
  let genesis: GenesisFile;
  let secrets: ValidatorSecret[];
  beforeAll(async () => {
    core = await Core.load(WASM);
    const c = await createGenesis({ n: 4, chainId: 12n, genesisTimeMs: 1_700_000_000_000n, wasm: WASM, seed: new Uint8Array(32).fill(6) });
    genesis = c.genesis;
    secrets = c.validators;
  });

  it("answers BUSY for every transaction and admits nothing, then admits once there is room", async () => {
    const scheduler = new Scheduler();
    let overloaded = false;
    const node = await ValidatorNode.open({
      genesis,
      secret: secrets[0] as ValidatorSecret,
      wasm: WASM,
      clock: new SimClock(scheduler, { label: "v0" }),
      network: new SimNetwork({ scheduler, rng: new Rng("admission"), size: 4, link: { latencyMs: 1, jitterMs: 0, loss: 0 } }).recover(0),
      storage: new SimStorage({ rng: new Rng("storage").floatSource() }),
      mempool: { verifyBatch: async (items) => verifyBatchSync(items) },
      admission: { maxInflight: 2, overloaded: () => overloaded },
    });
    const txs = [0, 1, 2].map((p) =>
      signTxSync({
        codec: core.codec,
        signer: LocalChain.signer(700 + p),
        chainId: 12n,
        nonce: 0n,
        instruction: { op: "register", name: `p${p}` },
      }),
    );
    expect(await node.submit(txs)).toEqual(txs.map(() => ({ ok: false, code: "BUSY" }))); // 3 > maxInflight
    expect(node.mempool.size).toBe(0);
    overloaded = true;
    expect((await node.submit(txs.slice(0, 1)))[0]).toEqual({ ok: false, code: "BUSY" });
    expect(node.mempool.size).toBe(0);
    overloaded = false;
    expect((await node.submit(txs.slice(0, 2))).map((r) => r.ok)).toEqual([true, true]);
    expect(node.mempool.size).toBe(2);
    expect(node.admission.shed).toBe(4);

    // Execution behind finality by more than maxExecutionLag sheds too: here any lag at all (0 > −1).
    const behind = await ValidatorNode.open({
      genesis,
      secret: secrets[1] as ValidatorSecret,
      wasm: WASM,
      clock: new SimClock(scheduler, { label: "v1" }),
      network: new SimNetwork({ scheduler, rng: new Rng("admission-2"), size: 4, link: { latencyMs: 1, jitterMs: 0, loss: 0 } }).recover(1),
      storage: new SimStorage({ rng: new Rng("storage-2").floatSource() }),
      mempool: { verifyBatch: async (items) => verifyBatchSync(items) },
      admission: { maxExecutionLag: -1 },
    });
    expect((await behind.submit(txs.slice(2)))[0]).toEqual({ ok: false, code: "BUSY" });
    expect(behind.mempool.size).toBe(0);
  });
});
