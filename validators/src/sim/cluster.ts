// n validators in one process on the deterministic runtime: one Scheduler (virtual time), one
// seeded Rng, a SimNetwork, and per node a SimClock, a SimStorage and the real consensus Engine.
// Nodes can crash (unsynced writes torn by the seeded rng), restart from their journal, join
// late, or run as a named Byzantine actor; the Invariants see every vote, certificate and
// finalized block as it happens.

import { type Codec, type Signer, sha256, signerFromSeedSync, testSeed, toHex, verify } from "@nullspace/core";
import { Engine } from "../consensus/engine.js";
import { type BlockRef, type ConsensusConfig, DEFAULT_TIMING, type FinalizedBlock, type ProposedBlock } from "../consensus/types.js";
import { SimClock } from "../runtime/clock.js";
import { type LinkConfig, type Network, SimNetwork } from "../runtime/network.js";
import { Rng, type Seed } from "../runtime/rng.js";
import { Scheduler } from "../runtime/scheduler.js";
import { SimStorage } from "../runtime/sim-storage.js";
import { type Actor, type Behavior, makeActor, type Outgoing } from "./actors.js";
import { SimApp } from "./app.js";
import { Invariants } from "./invariants.js";

export type Timing = Pick<
  ConsensusConfig,
  "leaderTimeoutMs" | "viewTimeoutMs" | "retryMs" | "skipAfterViews" | "viewHorizon" | "keepViews"
>;

export const SIM_TIMING: Timing = { ...DEFAULT_TIMING, leaderTimeoutMs: 300, viewTimeoutMs: 500, retryMs: 200 };

export interface ClusterOptions {
  seed: Seed;
  n: number;
  codec: Codec;
  link?: Partial<LinkConfig>;
  timing?: Partial<Timing>;
  /** Node index → behavior (default honest). A "twin" runs a second honest engine with the same key. */
  behaviors?: ReadonlyMap<number, Behavior>;
  /** Keep the scheduler's running trace hash (default true). */
  trace?: boolean;
}

const CHAIN_ID = 7n;
const GENESIS_TIME_MS = 1_700_000_000_000n;

interface SimNode {
  /** Logical validator index (its key). */
  index: number;
  /** Index of its endpoint in the SimNetwork (the twin has its own). */
  physical: number;
  behavior: Behavior;
  storage: SimStorage;
  archive: Map<string, ProposedBlock>;
  clock?: SimClock;
  engine?: Engine;
  alive: boolean;
}

export class Cluster {
  readonly scheduler: Scheduler;
  readonly rng: Rng;
  readonly net: SimNetwork;
  readonly invariants: Invariants;
  readonly signers: Signer[];
  readonly config: Omit<ConsensusConfig, "self">;
  readonly nodes: SimNode[] = [];
  readonly genesis: BlockRef;
  /** Observers of what nodes do (tests): node index first, then the voter hook's arguments. */
  readonly observe: {
    signed?(node: number, kind: string, view: bigint): void;
    certificate?(node: number, kind: string, view: bigint, certificate: Uint8Array): void;
    refused?(node: number, from: number, reason: string): void;
  } = {};
  /** Failures of a node's own machinery (an exception escaping the engine): always a bug. */
  readonly failures: string[] = [];
  private readonly twinOf: number | undefined;
  private readonly honest: (i: number) => boolean;

  constructor(private readonly o: ClusterOptions) {
    this.rng = new Rng(o.seed);
    this.scheduler = new Scheduler({ trace: o.trace ?? true });
    const behaviors = o.behaviors ?? new Map();
    this.twinOf = [...behaviors].find(([, b]) => b === "twin")?.[0];
    this.net = new SimNetwork({
      scheduler: this.scheduler,
      rng: this.rng.fork("network"),
      size: o.n + (this.twinOf === undefined ? 0 : 1),
      link: o.link ?? { latencyMs: 10, jitterMs: 10, loss: 0 },
    });
    this.signers = [...Array(o.n).keys()].map((i) => signerFromSeedSync(testSeed(10_000 + i)));
    this.config = { chainId: CHAIN_ID, validators: this.signers.map((s) => s.publicKey), ...SIM_TIMING, ...o.timing };
    const genesisDigest = sha256(new TextEncoder().encode(`sim genesis ${CHAIN_ID}`));
    this.genesis = { view: 0n, height: 0n, digest: genesisDigest, parent: new Uint8Array(32), timestampMs: GENESIS_TIME_MS };
    this.honest = (i) => (behaviors.get(i) ?? "honest") === "honest";
    this.invariants = new Invariants(() => this.scheduler.now, this.honest);
    const physicalCount = o.n + (this.twinOf === undefined ? 0 : 1);
    for (let p = 0; p < physicalCount; p++) {
      const index = p < o.n ? p : (this.twinOf as number);
      this.nodes.push({
        index,
        physical: p,
        behavior: behaviors.get(index) ?? "honest",
        storage: new SimStorage({ rng: this.rng.fork(`storage/${p}`).floatSource() }),
        archive: new Map(),
        alive: false,
      });
    }
  }

  /** Starts (or restarts) node p from its storage and archive. */
  async start(p: number): Promise<void> {
    const node = this.nodes[p] as SimNode;
    if (node.alive) return;
    node.alive = true;
    const endpoint = this.net.recover(p);
    const clock = new SimClock(this.scheduler, { label: `node-${p}` });
    node.clock = clock;
    const last = SimApp.lastOf(node.archive, this.genesis);
    if (node.index === p) this.invariants.restarted(p, last.height);
    const app = new SimApp({
      codec: this.o.codec,
      chainId: CHAIN_ID,
      self: node.index,
      n: this.o.n,
      clock,
      genesis: this.genesis,
      genesisTimeMs: GENESIS_TIME_MS,
      archive: node.archive,
      onFinalized: (f: FinalizedBlock) => {
        if (node.index === p) this.invariants.finalized(p, f.block.height, toHex(f.block.digest));
      },
    });
    const network = this.wrap(node, endpoint);
    try {
      const engine = await Engine.open({
        config: { ...this.config, self: node.index },
        codec: this.o.codec,
        clock,
        network,
        storage: node.storage,
        app,
        signer: this.signers[node.index] as Signer,
        verify: cachedVerify,
        lastFinalized: last,
        hooks: {
          signed: (kind, view, digest) => {
            if (node.index === p) this.invariants.signedVote(p, kind, view, digest);
            this.observe.signed?.(p, kind, view);
          },
          certificate: (kind, view, digest, certificate) => {
            if (node.index === p) this.invariants.certificate(p, kind, view, digest);
            this.observe.certificate?.(p, kind, view, certificate);
          },
          refused: (from, reason) => this.observe.refused?.(p, from, reason),
        },
      });
      if (!node.alive || node.clock !== clock) return; // crashed while opening
      node.engine = engine;
      engine.start();
    } catch (e) {
      this.failures.push(`node ${p} failed to start: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Kills node p: timers stop, in-flight messages to it vanish, unsynced writes are torn. */
  crash(p: number): void {
    const node = this.nodes[p] as SimNode;
    if (!node.alive) return;
    node.alive = false;
    node.clock?.stop();
    node.engine?.voter.stop();
    node.engine = undefined;
    node.clock = undefined;
    this.net.crash(p);
    node.storage.crash();
  }

  /** Loses a crashed node's consensus journal (a disk replaced), keeping its archive. */
  async wipeJournal(p: number): Promise<void> {
    const storage = (this.nodes[p] as SimNode).storage;
    for (const name of await storage.list("consensus.")) await storage.remove(name);
  }

  /** Runs virtual time forward to `until` ms, asserting nothing: the caller reads invariants. */
  async runUntil(until: number): Promise<void> {
    await this.scheduler.runUntilAsync(until);
  }

  /** Honest nodes that are running. */
  liveHonest(): SimNode[] {
    return this.nodes.filter((n) => n.alive && n.index === n.physical && this.honest(n.index));
  }

  private wrap(node: SimNode, endpoint: Network): Network {
    const n = this.o.n;
    const twinOf = this.twinOf;
    const actor: Actor | undefined = makeActor(node.behavior, {
      codec: this.o.codec,
      chainId: CHAIN_ID,
      self: node.index,
      n,
      signer: this.signers[node.index] as Signer,
      rng: this.rng.fork(`actor/${node.physical}`),
    });
    const physicalTargets = (to: number): number[] => {
      const out = to === node.index ? [] : [to];
      if (twinOf !== undefined && to === twinOf) out.push(n); // the twin hears what its key hears
      return out.filter((t) => t !== node.physical);
    };
    const sendOne = (m: Outgoing) => {
      const targets = m.to < 0 ? [...Array(n).keys()].filter((t) => t !== node.index) : [m.to];
      for (const t of targets) for (const p of physicalTargets(t)) endpoint.send(p, m.bytes);
    };
    const emit = (m: Outgoing) => {
      if (!actor) return sendOne(m);
      for (const x of actor(m)) sendOne(x);
    };
    return {
      self: node.index,
      size: n,
      send: (to, bytes) => emit({ to, bytes }),
      broadcast: (bytes) => emit({ to: -1, bytes }),
      onMessage: (handler) => endpoint.onMessage((from, bytes) => handler(twinOf !== undefined && from === n ? twinOf : from, bytes)),
    };
  }
}

// Every node verifies the same votes; in one process the answer for identical bytes is shared,
// which keeps thousands of simulated views cheap without changing any outcome.
const verified = new Map<string, boolean>();
function cachedVerify(publicKey: Uint8Array, payload: Uint8Array, signature: Uint8Array): boolean {
  const key = toHex(publicKey) + toHex(signature) + toHex(sha256(payload));
  let ok = verified.get(key);
  if (ok === undefined) {
    ok = verify(publicKey, payload, signature);
    if (verified.size > 200_000) verified.clear();
    verified.set(key, ok);
  }
  return ok;
}
