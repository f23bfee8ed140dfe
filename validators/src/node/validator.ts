// One validator, assembled from its parts on whatever runtime it is given (the process: FsStorage,
// RealClock, TcpNetwork; the simulator: SimStorage, SimClock, SimNetwork): consensus (engine),
// the mempool, the application that fills and checks blocks, execution with the beacon and
// progress certificates, and the archive with state checkpoints. Start-up recovers in this order:
// archive (torn tail cut) → latest checkpoint restored into the core → archived heights replayed
// through execution → consensus journal replayed → back in the network, catching up from peers.

import { Core, fromHex, type Signer, toHex, verify, verifyBatch } from "@nullspace/core";
import type { ValidatorApiSource, ValidatorHealth } from "../api/source.js";
import { Archive } from "../archive/archive.js";
import type { BeaconCrypto, BeaconKeys } from "../beacon/crypto.js";
import { type Commitments, decodeCommitments, decodeShare } from "../beacon/index.js";
import { Engine } from "../consensus/engine.js";
import { proposedBlockOf } from "../consensus/header.js";
import { type BlockRef, type ConsensusConfig, DEFAULT_TIMING, type FinalizedBlock, type ProposedBlock } from "../consensus/types.js";
import type { VoterHooks } from "../consensus/voter.js";
import { decodeMessage, encodeTxs, MAX_TXS_PER_MESSAGE, Tag } from "../consensus/wire.js";
import { beaconPolicyOf, type GenesisFile, type ValidatorSecret, validatorSigner, verifyValidatorSecret } from "../genesis/genesis.js";
import { MempoolErrorCode } from "../mempool/errors.js";
import { Mempool, type MempoolOptions } from "../mempool/mempool.js";
import type { Clock } from "../runtime/clock.js";
import type { Network } from "../runtime/network.js";
import type { Storage } from "../runtime/storage.js";
import { Admission, type AdmissionOptions } from "./admission.js";
import { ChainApp, type ChainAppOptions } from "./chain-app.js";
import { drawsOnBeacon, Executor, type ExecutorHooks } from "./executor.js";

export type Timing = Pick<
  ConsensusConfig,
  "leaderTimeoutMs" | "viewTimeoutMs" | "retryMs" | "skipAfterViews" | "viewHorizon" | "keepViews"
>;

export interface ValidatorNodeOptions {
  genesis: GenesisFile;
  secret: ValidatorSecret;
  wasm: Uint8Array;
  clock: Clock;
  network: Network;
  /** Holds the consensus journal (`consensus.*`, `voter-started`) and the archive (`archive.*`, checkpoints). */
  storage: Storage;
  /** Wall-clock ms since the epoch, for block timestamps (default Date.now). */
  wallClockMs?: () => bigint;
  timing?: Partial<Timing>;
  /** Snapshot the state every this many executed heights (default 1,000). */
  checkpointEvery?: number;
  mempool?: Partial<Omit<MempoolOptions, "codec" | "chainId" | "getAccountNonce">>;
  app?: Pick<ChainAppOptions, "maxBlockTxs" | "maxBlockBytes" | "idleBlockMs" | "minBlockIntervalMs" | "beaconIntervalMs" | "maxDriftMs">;
  /** Transaction signature batches of proposals (default the libuv-pool verifyBatch; simulations pass a synchronous one). */
  verifyBatch?: ChainAppOptions["verifyBatch"];
  /** Where the beacon's BLS work runs (default: inline; `start` passes a worker thread when node.json says `beaconThread`). */
  beaconCrypto?: (keys: BeaconKeys) => BeaconCrypto;
  /** Load shedding of submissions (node/admission.ts). Besides the host's probe, the node sheds
   * while execution lags finality by more than `maxExecutionLag` heights (default 8, the readiness
   * bound): a beacon or execution backlog must not grow without bound behind consensus. */
  admission?: AdmissionOptions & { maxExecutionLag?: number };
  /** Links to peers that are up (for health); default: everyone. */
  peersConnected?: () => number;
  hooks?: VoterHooks & ExecutorHooks & { journalSynced?(ms: number): void; finalized?(f: FinalizedBlock): void };
  log?: (record: Record<string, unknown>) => void;
}

/** Submitted transactions are gossiped to the other validators in batches this often (ms). */
const GOSSIP_BATCH_MS = 2;

/** The archive is synced this often (ms); the consensus journal covers the heights in between. */
const ARCHIVE_SYNC_MS = 50;

/** Recent finalized blocks kept for peers that catch up (GET_BLOCKS walks back from a recent tip). */
const SERVE_WINDOW = 16_384;

export class ValidatorNode implements ValidatorApiSource {
  readonly chainId: bigint;
  readonly validatorIndex: number;
  readonly validatorCount: number;
  readonly signer: Signer;
  engine!: Engine;
  executor!: Executor;
  readonly mempool: Mempool;
  readonly admission: Admission;
  private readonly listeners = new Set<(height: bigint, isComplete: boolean) => void>();
  private readonly served = new Map<string, ProposedBlock>();
  private finalizing: Promise<void> = Promise.resolve();
  private archiveFailure: Error | undefined;
  private readonly gossip: Uint8Array[] = [];
  private app: ChainApp | undefined;
  private gossipTimer: number | undefined;
  private archiveTimer: number | undefined;
  private unsubscribe: (() => void) | undefined;
  /** The highest height announced to listeners. */
  private announced = 0n;

  private constructor(
    private readonly o: ValidatorNodeOptions,
    readonly core: Core,
    readonly archive: Archive,
    readonly genesisRef: BlockRef,
  ) {
    this.chainId = BigInt(o.genesis.chainId);
    this.validatorIndex = o.secret.index;
    this.validatorCount = o.genesis.validators.length;
    this.signer = validatorSigner(o.secret);
    this.mempool = new Mempool({
      codec: core.codec,
      chainId: this.chainId,
      getAccountNonce: (signer) => core.accountNonce(fromHex(signer)),
      now: () => o.clock.now(),
      ...o.mempool,
    });
    const maxExecutionLag = BigInt(o.admission?.maxExecutionLag ?? 8);
    this.admission = new Admission({
      maxInflight: o.admission?.maxInflight,
      overloaded: () =>
        o.admission?.overloaded?.() === true || this.engine.voter.last.height - this.executor.executedHeight > maxExecutionLag,
    });
  }

  static async open(o: ValidatorNodeOptions): Promise<ValidatorNode> {
    verifyValidatorSecret(o.secret, o.genesis);
    const core = await Core.load(o.wasm);
    const { genesisDigest } = core.init(fromHex(o.genesis.genesisRecord));
    if (toHex(genesisDigest) !== o.genesis.genesisDigest) throw new Error("the genesis record does not match genesisDigest");
    const genesisRef: BlockRef = {
      view: 0n,
      height: 0n,
      digest: genesisDigest,
      parent: new Uint8Array(32),
      timestampMs: BigInt(o.genesis.genesisTimeMs),
    };
    const archive = await Archive.open(o.storage, { codec: core.codec, genesisDigest });
    const node = new ValidatorNode(o, core, archive, genesisRef);
    await node.recover();
    return node;
  }

  private log(event: string, fields: Record<string, unknown> = {}): void {
    this.o.log?.({ event, validator: this.validatorIndex, ...fields });
  }

  private async recover(): Promise<void> {
    const o = this.o;
    const codec = this.core.codec;
    const checkpoint = await this.archive.latestCheckpoint();
    let executed = 0n;
    if (checkpoint) {
      this.core.restore(checkpoint.bytes);
      executed = checkpoint.height;
      this.log("checkpoint-restored", { height: String(executed) });
    }
    const g = o.genesis;
    const commitments: Commitments = decodeCommitments(fromHex(g.beacon.commitments));
    const archiveSink = {
      putFinalized: (h: bigint, b: Uint8Array, f: Uint8Array) => this.guard(this.archive.putFinalized(h, b, f)),
      putSigma: (h: bigint, s: Uint8Array) => this.guard(this.archive.putSigma(h, s)),
      putProgress: (h: bigint, c: Uint8Array) =>
        this.guard(this.archive.putProgress(h, c)).then(() => {
          // A height not announced yet will be announced complete; never "complete" before "final".
          if (h <= this.announced) for (const l of this.listeners) l(h, true);
        }),
    };
    const checkpointEvery = BigInt(o.checkpointEvery ?? 1000);
    const share = decodeShare(fromHex(o.secret.beaconShare));
    const groupKey = fromHex(g.beacon.groupKey);
    // One policy for the executor (which heights wait for σ) and the chain app (which it paces).
    const policy = beaconPolicyOf(g);
    this.executor = new Executor({
      core: this.core,
      codec,
      heldSummary: (tx) => this.mempool.heldSummary(tx),
      chainId: this.chainId,
      self: this.validatorIndex,
      validators: g.validators.map((v) => fromHex(v.publicKey)),
      signer: this.signer,
      verify,
      share,
      commitments,
      groupKey,
      beaconCrypto: o.beaconCrypto?.({ share, commitments, groupKey }),
      network: o.network,
      clock: o.clock,
      archive: archiveSink,
      beaconPolicy: policy,
      executedHeight: executed,
      hooks: {
        ...o.hooks,
        executed: (h, record, events, txs) => {
          o.hooks?.executed?.(h, record, events, txs);
          this.mempool.prune(txs);
          this.app?.executed(h);
          if (h % checkpointEvery === 0n) void this.guard(this.archive.putCheckpoint(h, this.core.snapshot()));
        },
        alarm: (h, ours, certified) => {
          this.log("execution-alarm", { height: String(h), ours, certified });
          o.hooks?.alarm?.(h, ours, certified);
        },
      },
    });
    // Replay what the archive holds above the checkpoint (quietly where it is certified already).
    const tip = this.archive.tip();
    let last = this.genesisRef;
    for (let h = 1n; h <= tip; h++) {
      if (h + BigInt(SERVE_WINDOW) <= tip && h <= executed) continue;
      const a = await this.archive.get(h);
      if (!a) throw new Error(`archive lacks height ${h} below its tip`);
      const block = this.blockOf(a.block);
      this.served.set(toHex(block.digest), block);
      last = block;
      if (h > executed) {
        await this.executor.finalized(
          { block, finalization: a.finalization, certifiedView: block.view },
          { sigma: a.sigma, certified: a.progress !== undefined },
        );
      }
    }
    if (tip > 0n) this.log("archive-replayed", { tip: String(tip), executed: String(this.executor.executedHeight) });
    const leaderTimeoutMs = o.timing?.leaderTimeoutMs ?? DEFAULT_TIMING.leaderTimeoutMs;
    // Replicas give a leader leaderTimeoutMs from the view's start; pacing must leave it most of that.
    for (const [name, interval] of [
      ["minBlockIntervalMs", o.app?.minBlockIntervalMs ?? 0],
      ["beaconIntervalMs", o.app?.beaconIntervalMs ?? 0],
    ] as const) {
      if (!(interval >= 0 && interval <= leaderTimeoutMs / 2)) {
        throw new Error(`${name} must be in [0, leaderTimeoutMs / 2 = ${leaderTimeoutMs / 2}], got ${interval}`);
      }
    }
    const app = new ChainApp({
      codec,
      chainId: this.chainId,
      self: this.validatorIndex,
      n: this.validatorCount,
      genesis: this.genesisRef,
      mempool: this.mempool,
      clock: o.clock,
      wallClockMs: o.wallClockMs ?? (() => BigInt(Date.now())),
      verifyBatch: o.verifyBatch ?? ((items) => verifyBatch(items, { offMainThread: true })),
      finalized: (f) => this.deliver(f),
      finalizedBlock: (digest) => this.served.get(toHex(digest)),
      needsBeacon: (summaries) =>
        drawsOnBeacon(
          policy,
          summaries.length,
          summaries.map((s) => s.op),
        ),
      ...o.app,
    });
    this.app = app;
    app.executed(this.executor.executedHeight);
    this.engine = await Engine.open({
      config: {
        chainId: this.chainId,
        validators: g.validators.map((v) => fromHex(v.publicKey)),
        self: this.validatorIndex,
        ...DEFAULT_TIMING,
        ...o.timing,
      },
      codec,
      clock: o.clock,
      network: o.network,
      storage: o.storage,
      app,
      signer: this.signer,
      verify,
      lastFinalized: last,
      hooks: o.hooks,
    });
  }

  private blockOf(bytes: Uint8Array): ProposedBlock {
    return proposedBlockOf(this.core.codec, bytes);
  }

  /** Archive writes that fail stop the node from serving as healthy; they never throw into consensus. */
  private guard(p: Promise<unknown>): Promise<void> {
    return p.then(
      () => undefined,
      (e: unknown) => {
        this.archiveFailure ??= e instanceof Error ? e : new Error(String(e));
        this.log("archive-failure", { error: String(e) });
      },
    );
  }

  private deliver(f: FinalizedBlock): void {
    this.o.hooks?.finalized?.(f);
    const digest = toHex(f.block.digest);
    this.served.set(digest, f.block);
    if (this.served.size > SERVE_WINDOW) this.served.delete(this.served.keys().next().value as string);
    const h = f.block.height;
    this.finalizing = this.finalizing.then(async () => {
      await this.executor.finalized(f);
      this.announced = h;
      for (const l of this.listeners) l(h, this.archive.status(h).progress);
    });
  }

  start(): void {
    // Archive writes are made durable in groups; the consensus journal keeps what is newer.
    const syncArchive = () => {
      this.archiveTimer = this.o.clock.setTimer(ARCHIVE_SYNC_MS, () => {
        void this.guard(this.archive.sync()).then(syncArchive);
      });
    };
    syncArchive();
    this.unsubscribe = this.o.network.onMessage((_from, bytes) => this.onPeerMessage(bytes));
    this.executor.start();
    this.engine.start();
    this.log("started", { view: String(this.engine.voter.view), finalized: String(this.engine.voter.last.height) });
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    if (this.archiveTimer !== undefined) this.o.clock.cancel(this.archiveTimer);
    if (this.gossipTimer !== undefined) this.o.clock.cancel(this.gossipTimer);
    this.executor.stop();
    await this.engine.close();
    await this.finalizing;
    await this.archive.close();
  }

  // ---- ValidatorApiSource ----

  tip(): bigint {
    return this.archive.tip();
  }

  async bundle(height: bigint): Promise<{ bytes: Uint8Array; isComplete: boolean } | undefined> {
    if (height < 1n || height > this.archive.tip()) return undefined;
    const b = await this.archive.completeBundle(height);
    return b && { bytes: b.bytes, isComplete: b.hasProgress };
  }

  onFinalized(listener: (height: bigint, isComplete: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Admits transactions from a relay or client and gossips the accepted ones to the other validators. */
  async submit(txs: Uint8Array[]): ReturnType<Mempool["add"]> {
    const results = await this.admission.fromClient(txs.length, () => this.mempool.add(txs));
    if (results === undefined) return txs.map(() => ({ ok: false, code: MempoolErrorCode.BUSY }));
    results.forEach((r, i) => {
      if (r.ok) this.gossip.push(txs[i] as Uint8Array);
    });
    if (this.gossip.length > 0 && this.gossipTimer === undefined) {
      // A few ms of batching: one message per burst instead of one per transaction.
      this.gossipTimer = this.o.clock.setTimer(GOSSIP_BATCH_MS, () => this.flushGossip());
    }
    return results;
  }

  private flushGossip(): void {
    this.gossipTimer = undefined;
    while (this.gossip.length > 0) this.o.network.broadcast(encodeTxs(this.gossip.splice(0, MAX_TXS_PER_MESSAGE)));
  }

  /** Transactions gossiped by another validator (verified on entry here too; never re-gossiped). */
  private onPeerMessage(bytes: Uint8Array): void {
    let m: ReturnType<typeof decodeMessage>;
    try {
      m = decodeMessage(bytes);
    } catch {
      return;
    }
    if (m.tag === Tag.TXS) void this.admission.fromPeer(m.txs.length, () => this.mempool.add(m.txs.map((t) => t.slice())));
  }

  health(): ValidatorHealth {
    return {
      ok: !this.engine.failure && !this.archiveFailure,
      view: this.engine.voter.view,
      finalized: this.engine.voter.last.height,
      executed: this.executor.executedHeight,
      peersConnected: this.o.peersConnected?.() ?? this.validatorCount - 1,
      alarm: this.executor.alarm,
    };
  }
}
