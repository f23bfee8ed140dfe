// Whole validators (consensus, mempool, execution, beacon, progress certificates, archive and
// checkpoints) on the deterministic simulator: transactions go in through the mempool, every
// honest node executes the same heights to the same progress records, σ and certificates verify
// with the client library, and a node killed mid-run recovers from its archive and journal and
// catches up with equal roots; progress votes lost on the way are repaired (every node certifies
// every height).

import {
  Core,
  LocalChain,
  sha256,
  signTxSync,
  toHex,
  verifyBatchSync,
  verifyCertificate,
  verifyProgressCertificate,
} from "@nullspace/core";
import { beaconMessage, verifySignature } from "@nullspace/core/bls";
import { beforeAll, describe, expect, it } from "vitest";
import type { ProposedBlock } from "../src/consensus/types.js";
import { decodeMessage, Tag } from "../src/consensus/wire.js";
import { createGenesis, type GenesisFile, type ValidatorSecret } from "../src/genesis/genesis.js";
import { ValidatorNode, type ValidatorNodeOptions } from "../src/node/validator.js";
import { SimClock } from "../src/runtime/clock.js";
import { type Network, SimNetwork } from "../src/runtime/network.js";
import { Rng } from "../src/runtime/rng.js";
import { Scheduler } from "../src/runtime/scheduler.js";
import { SimStorage } from "../src/runtime/sim-storage.js";
import { WASM_BYTES as WASM } from "./support/wasm.js";

const GENESIS_TIME = 1_700_000_000_000n;
let core: Core;
let genesis: GenesisFile;
let secrets: ValidatorSecret[];

beforeAll(async () => {
  core = await Core.load(WASM);
  const c = await createGenesis({
    n: 4,
    chainId: 11n,
    genesisTimeMs: GENESIS_TIME,
    wasm: WASM,
    seed: new Uint8Array(32).fill(5),
    beaconPolicy: "non-empty",
  });
  genesis = c.genesis;
  secrets = c.validators;
});

class SimValidators {
  /** `wrap` may stand between a node and its network (a Byzantine sender). */
  constructor(
    private readonly wrap: (i: number, net: Network) => Network = (_i, net) => net,
    private readonly app: ValidatorNodeOptions["app"] = { idleBlockMs: 100 },
  ) {}
  readonly scheduler = new Scheduler();
  readonly rng = new Rng("validators");
  readonly net = new SimNetwork({
    scheduler: this.scheduler,
    rng: this.rng.fork("net"),
    size: 4,
    link: { latencyMs: 3, jitterMs: 4, loss: 0 },
  });
  readonly storages = [0, 1, 2, 3].map((i) => new SimStorage({ rng: this.rng.fork(`storage/${i}`).floatSource() }));
  readonly nodes: (ValidatorNode | undefined)[] = [undefined, undefined, undefined, undefined];
  readonly clocks: (SimClock | undefined)[] = [];
  /** height → record hex, per node. */
  readonly records = [0, 1, 2, 3].map(() => new Map<bigint, string>());
  readonly sigmas = new Map<bigint, Set<string>>();
  readonly progress: Uint8Array[] = [];
  readonly progressOf: Uint8Array[][] = [[], [], [], []];
  readonly finalizations: Uint8Array[] = [];
  readonly finalizedAt0: ProposedBlock[] = [];

  async start(i: number): Promise<void> {
    const clock = new SimClock(this.scheduler, { label: `v${i}` });
    this.clocks[i] = clock;
    const node = await ValidatorNode.open({
      genesis,
      secret: secrets[i] as ValidatorSecret,
      wasm: WASM,
      clock,
      network: this.wrap(i, this.net.recover(i)),
      storage: this.storages[i] as SimStorage,
      wallClockMs: () => GENESIS_TIME + BigInt(Math.floor(this.scheduler.now)),
      timing: { leaderTimeoutMs: 300, viewTimeoutMs: 500, retryMs: 200 },
      checkpointEvery: 5,
      verifyBatch: async (items) => verifyBatchSync(items),
      mempool: { verifyBatch: async (items) => verifyBatchSync(items) },
      app: this.app,
      hooks: {
        executed: (h, record) => this.records[i]?.set(h, toHex(record)),
        sigma: (h, sigma) => {
          const s = this.sigmas.get(h) ?? new Set();
          s.add(toHex(sigma));
          this.sigmas.set(h, s);
        },
        progressCertificate: (_h, c) => {
          this.progress.push(c);
          this.progressOf[i]?.push(c);
        },
        finalized: (f) => {
          this.finalizations.push(f.finalization);
          if (i === 0) this.finalizedAt0.push(f.block);
        },
      },
    });
    this.nodes[i] = node;
    node.start();
  }

  crash(i: number): void {
    this.clocks[i]?.stop();
    this.nodes[i]?.engine.voter.stop();
    this.nodes[i]?.executor.stop();
    this.nodes[i] = undefined;
    this.net.crash(i);
    this.storages[i]?.crash();
  }

  async submit(i: number, txs: Uint8Array[]): Promise<void> {
    const results = await (this.nodes[i] as ValidatorNode).submit(txs);
    expect(results.every((r) => r.ok)).toBe(true);
  }
}

function tx(player: number, nonce: bigint, instruction: Parameters<typeof signTxSync>[0]["instruction"]): Uint8Array {
  return signTxSync({ codec: core.codec, signer: LocalChain.signer(500 + player), chainId: 11n, nonce, instruction });
}

/** `net`, its broadcasts passed through `rewrite` first (undefined: dropped); what it sends to one peer untouched. */
function broadcastThrough(net: Network, rewrite: (bytes: Uint8Array) => Uint8Array | undefined): Network {
  return {
    self: net.self,
    size: net.size,
    onMessage: (handler) => net.onMessage(handler),
    send: (to, bytes) => net.send(to, bytes),
    broadcast: (bytes) => {
      const out = rewrite(bytes);
      if (out !== undefined) net.broadcast(out);
    },
  };
}

describe("validators on the simulator", () => {
  it("execute the same transactions to the same roots, with verified σ and certificates, across a crash", async () => {
    const sim = new SimValidators();
    for (let i = 0; i < 4; i++) await sim.start(i);
    // Players register at different validators; the blocks that carry them get a beacon value.
    for (let p = 0; p < 8; p++) await sim.submit(p % 4, [tx(p, 0n, { op: "register", name: `player${p}` })]);
    await sim.scheduler.runUntilAsync(1500);
    sim.crash(2);
    for (let p = 0; p < 8; p++) await sim.submit(p % 2, [tx(p, 1n, { op: "adminSetPolicy", field: 1, value: 5n })]);
    await sim.scheduler.runUntilAsync(3000);
    await sim.start(2);
    await sim.scheduler.runUntilAsync(6000);

    const heights = sim.records.map((r) => r.size);
    expect(Math.min(...heights)).toBeGreaterThan(10);
    // Equal progress records (state root, events root, logs, σ hash) at every height any two executed.
    for (const [h, rec] of sim.records[0] as Map<bigint, string>) {
      for (const other of sim.records.slice(1)) if (other.has(h)) expect(other.get(h), `height ${h}`).toBe(rec);
    }
    const n3 = sim.nodes[2] as ValidatorNode;
    expect(n3.executor.executedHeight).toBeGreaterThan((sim.nodes[0] as ValidatorNode).executor.executedHeight - 5n);
    expect(sim.records[2]?.size).toBeGreaterThan(Number(n3.executor.executedHeight) - 6); // it re-executed from its checkpoint
    // Every player is registered everywhere.
    for (const node of sim.nodes)
      for (let p = 0; p < 8; p++) expect(node?.core.account(LocalChain.signer(500 + p).publicKey)?.registered).toBe(true);

    // σ: one value per height across nodes, verified against the group key.
    expect(sim.sigmas.size).toBeGreaterThan(0);
    for (const [h, set] of sim.sigmas) {
      expect(set.size).toBe(1);
      const a = await (sim.nodes[0] as ValidatorNode).archive.get(h);
      const block = core.codec.decodeBlock(a?.block as Uint8Array);
      const message = beaconMessage({ chainId: 11n, height: h, blockDigest: Uint8Array.from(Buffer.from(block.digest, "hex")) });
      expect(
        verifySignature(
          Uint8Array.from(Buffer.from(genesis.beacon.groupKey, "hex")),
          message,
          Uint8Array.from(Buffer.from([...set][0] as string, "hex")),
        ),
      ).toBe(true);
      expect(core.codec.decodeProgress(Uint8Array.from(Buffer.from(sim.records[0]?.get(h) as string, "hex"))).beaconHash).toBe(
        toHex(sha256(Uint8Array.from(Buffer.from([...set][0] as string, "hex")))),
      );
    }
    const validators = genesis.validators.map((v) => Uint8Array.from(Buffer.from(v.publicKey, "hex")));
    for (const certificate of sim.progress.slice(0, 40))
      expect((await verifyProgressCertificate({ codec: core.codec, chainId: 11n, validators, certificate })).ok).toBe(true);
    for (const certificate of sim.finalizations.slice(0, 40))
      expect((await verifyCertificate({ codec: core.codec, chainId: 11n, validators, certificate })).ok).toBe(true);

    // The archive serves complete bundles that decode.
    const node0 = sim.nodes[0] as ValidatorNode;
    const b = await node0.bundle(3n);
    expect(b?.isComplete).toBe(true);
    const view = core.codec.decodeFinalized(b?.bytes as Uint8Array);
    expect(view.height).toBe(3n);
    expect(view.progress).toBeDefined();
  }, 120_000);

  it("pace their blocks at minBlockIntervalMs, and still finalize what is submitted", async () => {
    const run = async (app: ValidatorNodeOptions["app"]) => {
      const sim = new SimValidators(undefined, app);
      for (let i = 0; i < 4; i++) await sim.start(i);
      for (let p = 0; p < 4; p++) await sim.submit(p, [tx(p, 0n, { op: "register", name: `paced${p}` })]);
      await sim.scheduler.runUntilAsync(3000);
      return sim.finalizedAt0;
    };
    const paced = await run({ idleBlockMs: 0, minBlockIntervalMs: 150 });
    const gaps = paced.slice(1).map((b, k) => Number(b.timestampMs - (paced[k] as ProposedBlock).timestampMs));
    expect(paced.length).toBeGreaterThan(10);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(150);
    const txs = paced.reduce((n, b) => n + core.codec.blockParts(b.bytes).txs.length, 0);
    expect(txs).toBe(4);
    // Unpaced, the same network makes blocks as fast as certificates form: several times as many.
    expect((await run({ idleBlockMs: 0 })).length).toBeGreaterThan(paced.length * 2);
  }, 120_000);

  it("pace only the block after one that needs σ at beaconIntervalMs", async () => {
    // This genesis's policy is non-empty: every block with a transaction needs σ.
    const sim = new SimValidators(undefined, { idleBlockMs: 0, beaconIntervalMs: 150 });
    for (let i = 0; i < 4; i++) await sim.start(i);
    for (let p = 0; p < 4; p++) await sim.submit(p, [tx(p, 0n, { op: "register", name: `beat${p}` })]);
    await sim.scheduler.runUntilAsync(800);
    for (let p = 0; p < 4; p++) await sim.submit(p, [tx(p, 1n, { op: "adminSetPolicy", field: 1, value: 5n })]);
    await sim.scheduler.runUntilAsync(3000);
    const blocks = sim.finalizedAt0;
    const carries = (b: ProposedBlock) => core.codec.blockParts(b.bytes).txs.length;
    expect(blocks.reduce((n, b) => n + carries(b), 0)).toBe(8);
    const afterDrawing: number[] = [];
    const afterEmpty: number[] = [];
    for (let k = 1; k < blocks.length; k++) {
      const gap = Number((blocks[k] as ProposedBlock).timestampMs - (blocks[k - 1] as ProposedBlock).timestampMs);
      (carries(blocks[k - 1] as ProposedBlock) > 0 ? afterDrawing : afterEmpty).push(gap);
    }
    expect(afterDrawing.length).toBeGreaterThan(0);
    expect(Math.min(...afterDrawing)).toBeGreaterThanOrEqual(150);
    // Blocks after empty ones go as fast as certificates form.
    expect(afterEmpty.length).toBeGreaterThan(10);
    expect(Math.min(...afterEmpty)).toBeLessThan(150);
  }, 120_000);

  it("leave progress votes with forged signatures out of every certificate, and still certify every height", async () => {
    // Validator 3 signs its progress records and then spoils the signature on the way out: the
    // others hold its votes unchecked and must never let one into a certificate.
    const sim = new SimValidators((i, net) =>
      i !== 3
        ? net
        : broadcastThrough(net, (bytes) => {
            const out = bytes.slice();
            if (out[0] === Tag.PROGRESS) out[3] = (out[3] as number) ^ 1; // first signature byte
            return out;
          }),
    );
    for (let i = 0; i < 4; i++) await sim.start(i);
    for (let p = 0; p < 4; p++) await sim.submit(p, [tx(p, 0n, { op: "register", name: `player${p}` })]);
    await sim.scheduler.runUntilAsync(2500);
    const executed = (sim.nodes[0] as ValidatorNode).executor.executedHeight;
    expect(executed).toBeGreaterThan(5n);
    const validators = genesis.validators.map((v) => Uint8Array.from(Buffer.from(v.publicKey, "hex")));
    const certified = new Set<bigint>();
    // Validator 3's own certificates carry its own (good) signature; the others' never carry its.
    for (const certificate of sim.progressOf.slice(0, 3).flat()) {
      const view = core.codec.decodeProgressCertificate(certificate);
      expect(view.signatures.map((s) => s.signer)).not.toContain(3);
      expect((await verifyProgressCertificate({ codec: core.codec, chainId: 11n, validators, certificate })).ok).toBe(true);
      certified.add(view.progress.height);
    }
    for (let h = 1n; h < executed - 2n; h++) expect(certified.has(h), `height ${h} certified`).toBe(true);
  }, 120_000);

  it("repair a height whose certificate did not form where votes were lost: every node certifies every height", async () => {
    // Validators 2 and 3 broadcast their progress votes for height TARGET into the void (a peer
    // frozen, a connection dropped): each still certifies it with 0's and 1's votes, but 0 and 1
    // hold two votes each, one short. Votes were sent once: after a real two-validator halt, three
    // of four validators never certified one height, and a relay following them stood there.
    const TARGET = 4n;
    const sim = new SimValidators((i, net) =>
      i < 2
        ? net
        : broadcastThrough(net, (bytes) => {
            const m = decodeMessage(bytes);
            return m.tag === Tag.PROGRESS && core.codec.decodeProgress(m.record).height === TARGET ? undefined : bytes;
          }),
    );
    for (let i = 0; i < 4; i++) await sim.start(i);
    for (let p = 0; p < 4; p++) await sim.submit(p, [tx(p, 0n, { op: "register", name: `player${p}` })]);
    await sim.scheduler.runUntilAsync(4000);
    const executed = (sim.nodes[0] as ValidatorNode).executor.executedHeight;
    expect(executed).toBeGreaterThan(TARGET + 3n);
    for (let i = 0; i < 4; i++) {
      const heights = new Set(sim.progressOf[i]?.map((c) => core.codec.decodeProgressCertificate(c).progress.height));
      expect(heights.has(TARGET), `validator ${i} certified height ${TARGET}`).toBe(true);
      for (let h = 1n; h < executed - 2n; h++) expect(heights.has(h), `validator ${i} certified height ${h}`).toBe(true);
    }
  }, 120_000);
});
