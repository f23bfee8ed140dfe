// One relay: a verified chain (chain/), its store (store/), a follower of validators' streams
// (follow/), the live-update hub (updates/) and the HTTP/WebSocket API (api/). This file only
// wires them and runs the one serial pipeline: verify → replay → store → publish, height by height.
//
// Start-up: the newest state checkpoint that gives its height's certified record is restored
// (chain/checkpoints.ts), the store's heights after it are re-verified and replayed (nothing is
// trusted, not even our own store), then the follower resumes at the next height. An empty store
// therefore rebuilds from the validators, with progress logged.
//
// Several relays (docs/decisions/006-relay-bus.md): with a bus, a relay that took a height from a
// validator announces it once stored; every relay hearing it reads the shared store and runs the
// same pipeline, so each still verifies what it serves. A relay with `source: "store"` follows no
// validator until the store stops advancing or serves a height it refuses (follow/height-sources.ts).
import { Registry, type RelayMetrics, relayMetrics } from "./api/metrics.js";
import { RecentBundles, type RecentBundlesOptions } from "./api/recent-bundles.js";
import type { HeightBus } from "./bus/redis-bus.js";
import { applyLinked } from "./chain/apply-linked.js";
import { type AppliedHeight, BundleRefused, type CertifiedHeight, VerifiedChain } from "./chain/chain.js";
import { ChainCheckpoints } from "./chain/checkpoints.js";
import { ProgressLog } from "./chain/progress-log.js";
import { RebuildBackoff } from "./chain/rebuild-backoff.js";
import { Refusals } from "./chain/refusals.js";
import { replayStore } from "./chain/replay-store.js";
import { ServedHeight } from "./chain/served-height.js";
import type { TrustRoot } from "./chain/trust.js";
import { RelayError } from "./errors.js";
import { Follower } from "./follow/follower.js";
import { HeightSources, STORE_SOURCE } from "./follow/height-sources.js";
import { StoreFollower } from "./follow/store-follower.js";
import { TipClaims } from "./follow/tip-claims.js";
import { TipProbe } from "./follow/tip-probe.js";
import { LogThrottle } from "./log-throttle.js";
import { CheckpointStore } from "./store/checkpoints.js";
import type { Db } from "./store/db.js";
import { migrate } from "./store/migrations.js";
import { Store } from "./store/store.js";
import { bindStoreToChain } from "./store/store-chain.js";
import { StoreOutage } from "./store/store-outage.js";
import { UpdateHub } from "./updates/hub.js";

export type LogFn = (level: "info" | "warn" | "error", event: string, fields?: Record<string, unknown>) => void;

export interface RelayCoreOptions {
  wasm: Uint8Array;
  trust: TrustRoot;
  db: Db;
  /** Validator API base URLs to follow and to forward submissions to. */
  validators: readonly string[];
  log: LogFn;
  /** Complete bundles held while waiting for an earlier height (default 4,096). */
  maxBuffered?: number;
  /** Update subscribers whose send queue passes this are dropped (default 4 MiB). */
  maxQueuedBytes?: number;
  /** Published heights not yet sent to every subscriber past which the pipeline waits for the fan-out (default 16). */
  maxUpdateBacklog?: number;
  /** Heights between progress lines while catching up (default 100). */
  progressEvery?: number;
  /**
   * Checked this often (ms, default 5,000): a relay behind the announced tip that made no progress
   * since the last check reconnects to the next validator, whose stream re-sends from the next height.
   */
  stallCheckMs?: number;
  /** Where new heights come from: validators' streams (default), or the shared store as the bus announces them. */
  source?: "validators" | "store";
  /** The fan-out bus between relays sharing one PostgreSQL (absent: this relay alone). */
  bus?: HeightBus;
  /** Store poll period while a store-fed relay has no bus connection (default 1,000 ms). */
  storePollMs?: number;
  /** The recent heights /log answers from memory (default 1,024 heights, 16 MiB). */
  recentBundles?: RecentBundlesOptions;
  /** Heights between state checkpoints, which start-up and rebuilds begin from (default 1,000; 0: none written). */
  checkpointEvery?: number;
}

/** Heights announced and not yet verified past which the pipeline is behind the chain (see `step`). */
const BEHIND_HEIGHTS = 2n;

export class RelayCore {
  chain!: VerifiedChain;
  readonly store: Store;
  readonly registry = new Registry();
  readonly metrics: RelayMetrics = relayMetrics(this.registry);
  /** The newest heights this relay applied, as /log writes them. */
  readonly recent: RecentBundles;
  /** The pipeline's store steps, retried while the database cannot be reached. */
  readonly storeOutage: StoreOutage;
  hub!: UpdateHub;
  follower!: Follower;
  storeFollower!: StoreFollower;
  /** Asks a validator how far the chain is (a stream tells only how far it was read; a peer's bus notice proves nothing). */
  tipProbe!: TipProbe;
  /** Where heights come from: validators' streams or the shared store (follow/height-sources.ts). */
  sources!: HeightSources;
  /** The highest height a validator announced and proved (TipClaims): the chain's tip as far as this relay knows. */
  validatorTip = 0n;
  /**
   * While a new chain is replayed from the store (`rebuild`): how far it is. The old chain keeps
   * answering meanwhile, so answers do not go back in time; if it is poisoned, nothing reads it.
   */
  rebuilding: { replayed: bigint; of: bigint } | undefined;
  /** What was refused since the served height last moved (/readyz), and its warnings, once a minute. */
  readonly refusals: Refusals;
  private readonly bufferWarnings: LogThrottle;
  /** Complete bundles waiting for their turn, with the validator each came from. */
  private readonly pending = new Map<bigint, { bundle: Uint8Array; from: string }>();
  /** The height `height` reports (markServed): stored, held and published. */
  private readonly served = new ServedHeight();
  private draining = false;
  private stopped = false;
  private readonly rebuildBackoff = new RebuildBackoff();
  private readonly progress: ProgressLog;
  /** Snapshots of the state every so many heights, to start from instead of genesis. */
  private readonly checkpoints: ChainCheckpoints;
  /** Resolves after the pipeline has handled everything it was offered so far. */
  private idle: Promise<void> = Promise.resolve();

  private constructor(
    private readonly o: RelayCoreOptions,
    codecSource: VerifiedChain,
  ) {
    this.chain = codecSource;
    this.store = new Store(o.db, codecSource.core.codec);
    this.recent = new RecentBundles(o.recentBundles);
    this.refusals = new Refusals({ log: o.log });
    this.bufferWarnings = new LogThrottle(o.log);
    this.storeOutage = new StoreOutage({
      log: o.log,
      onAvailable: (up) => this.metrics.storeAvailable.set(up ? 1 : 0),
      isStopped: () => this.stopped,
    });
    this.metrics.storeAvailable.set(1);
    this.progress = new ProgressLog((event, fields) => o.log("info", event, fields), BigInt(o.progressEvery ?? 100));
    this.checkpoints = new ChainCheckpoints({
      store: new CheckpointStore(o.db),
      outage: this.storeOutage,
      newChain: () => VerifiedChain.create(o.wasm, o.trust),
      bundleAt: (h) => this.store.bundle(h),
      every: BigInt(o.checkpointEvery ?? 1000),
      log: o.log,
      metrics: this.metrics,
    });
  }

  static async create(o: RelayCoreOptions): Promise<RelayCore> {
    // A database that cannot be reached yet (PostgreSQL starting or failing over) is waited for, as
    // later in the relay's life; one that refuses the relay (a wrong role, password or database)
    // or holds another chain fails the start.
    const atStart = new StoreOutage({ log: o.log, onAvailable: () => {}, isStopped: () => false });
    const applied = await atStart.retry("migrate", () => migrate(o.db));
    await atStart.retry("bind", () => bindStoreToChain(o.db, o.trust));
    const relay = new RelayCore(o, await VerifiedChain.create(o.wasm, o.trust));
    // Migrations 2 and 4 added tables derived from events (accounts, sessions): fill them from the
    // events an older store already holds, showing progress on a large one.
    if ((applied.includes(2) || applied.includes(4)) && (await relay.store.tip()) > 0n) {
      const events = await relay.store.reindex((n) => {
        if (n % 100_000 === 0) o.log("info", "reindex_progress", { events: n });
      });
      o.log("info", "reindex_done", { events });
    }
    relay.hub = new UpdateHub({
      codec: relay.chain.core.codec,
      prove: (indices) => relay.chain.proveEvents(indices),
      maxQueuedBytes: o.maxQueuedBytes ?? 4 * 1024 * 1024,
      onFrames: (count) => relay.metrics.frames.inc({}, count),
      onEvicted: () => relay.metrics.evictions.inc(),
      onPass: (_heights, ms, backlog) => {
        relay.metrics.updatePasses.inc();
        relay.metrics.updateBacklog.set(backlog);
        relay.metrics.updatePassMs.set(Math.round(ms));
      },
    });
    const { chainId, validators } = o.trust;
    const tips = new TipClaims({
      codec: () => relay.chain.core.codec,
      chainId,
      validators,
      verifiedHeight: () => relay.chain.height,
      slack: BEHIND_HEIGHTS,
      tip: () => relay.validatorTip,
      onTip: (h) => relay.noteTip(h),
      onFalse: (from, h, why) => {
        relay.metrics.refused.inc({ reason: "false-tip" });
        relay.refusals.note("tip_refused", from, `a tip claim of height ${h}: ${why}`, { height: h.toString(), from, why });
        relay.sources.leave(from, `claimed height ${h}: ${why}`);
      },
      onError: (e) => relay.o.log("warn", "tip_check_failed", { message: (e as Error).message }),
    });
    relay.tipProbe = new TipProbe({
      source: () => relay.sources.askedValidator,
      crossCheck: () => relay.sources.nextCrossCheck(),
      tip: () => relay.validatorTip,
      claim: (h, bundle, from) => tips.settle(h, bundle, from),
      onSilent: (from, rounds) => relay.sources.leave(from, `did not say how far the chain is in ${rounds} rounds`),
    });
    relay.follower = new Follower({
      validators: o.validators,
      nextHeight: () => relay.chain.height + 1n,
      onBundle: (h, b, from) => relay.offer(h, b, from),
      onTip: (h, bundle, from) => tips.claim(h, bundle, from),
      log: (event, fields) => o.log("info", event, fields),
      onReconnect: () => relay.metrics.followReconnects.inc(),
    });
    relay.storeFollower = new StoreFollower({
      bundles: (from, to, limit) => relay.store.bundles(from, to, limit),
      nextHeight: () => relay.chain.height + 1n,
      onBundle: (h, b) => relay.offer(h, b, STORE_SOURCE),
      settled: () => relay.idle,
      log: o.log,
      outage: relay.storeOutage,
      ...(o.storePollMs ? { pollMs: o.storePollMs } : {}),
    });
    relay.sources = new HeightSources({
      validators: o.validators,
      follower: relay.follower,
      storeFollower: relay.storeFollower,
      metrics: relay.metrics,
      log: o.log,
      height: () => relay.chain.height,
      tip: () => relay.validatorTip,
      isDraining: () => relay.draining,
      isStopped: () => relay.stopped,
      isStoreAvailable: () => relay.storeOutage.since === undefined,
      ...(o.stallCheckMs ? { stallCheckMs: o.stallCheckMs } : {}),
    });
    return relay;
  }

  /**
   * Restores the newest checkpoint, replays the store's heights after it into the chain, then
   * follows the validators, or the shared store and the bus.
   */
  async start(): Promise<void> {
    const restored = await this.checkpoints.chainAt(await this.storeOutage.retry("replay", () => this.store.tip()));
    if (restored) {
      this.chain.free();
      this.chain = restored;
      this.serveFrom(restored);
    }
    const replayed = await this.replayStore(this.chain, true);
    if (replayed !== this.chain) {
      this.chain.free();
      this.chain = replayed;
    }
    this.sources.start(this.o.source ?? "validators", this.o.bus);
    this.tipProbe.start(); // store-fed too: how far the chain is, proven, not a peer's word
  }

  /** Whether this relay reads validators' streams now (store-fed relays start to on a stall or refusal). */
  get isFollowingValidators(): boolean {
    return this.sources.isFollowingValidators;
  }

  /** The highest height the bus announced. */
  get busTip(): bigint {
    return this.sources.busTip;
  }

  noteTip(h: bigint): void {
    if (h > this.validatorTip) this.validatorTip = h;
    this.metrics.validatorTip.set(Number(this.validatorTip));
    this.sources?.tipNoted(this.validatorTip); // set in create(), before any tip can be noted
  }

  /**
   * The highest height verified, stored, held for /log and published: what every answer of this
   * relay (its probes, /log, the explorer) is consistent with. The verified chain runs up to one
   * height ahead of it while that height is being stored.
   */
  get height(): bigint {
    return this.served.height;
  }

  /** Resolves once height `h` is verified, stored and published. */
  waitForHeight(h: bigint): Promise<void> {
    return this.served.waitFor(h);
  }

  /**
   * Replays the store into `into` and returns the chain it ends in: at start-up the relay's own,
   * served as it goes; during a rebuild a fresh one beside it, served once it replaces the old.
   */
  private replayStore(into: VerifiedChain, isStartUp: boolean): Promise<VerifiedChain> {
    return replayStore(
      {
        ...(isStartUp ? {} : { upTo: this.served.height }),
        store: this.store,
        outage: this.storeOutage,
        newChain: (atMost) => this.checkpoints.chainFrom(atMost),
        isStopped: () => this.stopped,
        log: this.o.log,
        onEmpty: () => {
          // A store-fed relay fills its chain from the shared store as peers write it (it used to
          // log rebuild_from_validators and then take nothing from them).
          if (this.o.source === "store" && !this.sources.isFollowingValidators) this.o.log("info", "rebuild_from_store", {});
          else this.o.log("info", "rebuild_from_validators", { validators: this.o.validators });
        },
        onApplied: (a, tip, chain) => {
          this.checkpoints.take(chain, a.height);
          if (isStartUp) this.serve(a, tip);
          else if (this.rebuilding) this.rebuilding = { replayed: a.height, of: tip };
          this.progress.note(a.height, tip, "replay_progress");
        },
        onRefused: (e) => {
          this.metrics.refused.inc({ reason: e.reason });
          this.o.log("warn", "store_row_refused", {
            height: e.height.toString(),
            reason: e.reason,
            message: e.message,
            note: "the replay ends before it; the height is taken from validators and replaces the row",
          });
        },
      },
      into,
    );
  }

  /**
   * Runs a pipeline step that waits for I/O. Behind the chain (more than BEHIND_HEIGHTS heights
   * announced and not yet verified), with short send turns (hub.shortTurnsWhile), so that each of
   * its awaits resumes soon and the relay catches up; at the chain's pace, beside full turns: short
   * ones cost the fan-out's writes (decision 016).
   */
  private step<T>(run: () => Promise<T>): Promise<T> {
    const isBehind = this.validatorTip - this.chain.height > BEHIND_HEIGHTS;
    this.metrics.pipelineSteps.inc({ turns: isBehind ? "short" : "full" });
    return isBehind ? this.hub.shortTurnsWhile(run) : run();
  }

  /** A complete bundle from the follower: queue it and run the pipeline. */
  private offer(height: bigint, bundle: Uint8Array, from: string): void {
    if (height <= this.chain.height || this.stopped) return;
    // A validator's copy waiting for its turn is not replaced by the shared store's (which a
    // Byzantine peer relay may have written).
    if (from === STORE_SOURCE && this.pending.has(height)) return;
    // The next height is always taken, so a buffer full of later heights cannot stall the pipeline.
    const isNext = height === this.chain.height + 1n;
    if (!isNext && !this.pending.has(height) && this.pending.size >= (this.o.maxBuffered ?? 4096)) {
      // Once a minute per source: a relay catching up from a validator far ahead logged 1,216 a second.
      this.bufferWarnings.warn("follow_buffer_full", from, { height: height.toString(), from });
      return;
    }
    this.pending.set(height, { bundle, from });
    if (!this.draining) this.idle = this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (!this.stopped) {
        const next = this.chain.height + 1n;
        const entry = this.pending.get(next);
        if (!entry) break;
        let applied: AppliedHeight;
        try {
          applied = await this.step(() => applyLinked(this.chain, entry.bundle, async (h) => this.pending.get(h)?.bundle));
        } catch (e) {
          if (e instanceof BundleRefused && e.reason === "unlinked" && e.needsThrough !== undefined) {
            const have = [...Array(Number(e.needsThrough - next))].every((_, i) => this.pending.has(next + 1n + BigInt(i)));
            if (!have) break; // wait for the descendants
          }
          this.refuse(next, e, entry.from); // and moves the follower off that validator
          if (this.chain.isPoisoned) {
            // A quorum certified a record this relay's state machine does not reach. Once, a
            // Byzantine quorum; again and again from every validator, this relay's core.wasm is
            // likely not the validators'. The state past it is nobody's: rebuild at once, then
            // take no height for a while that grows with each repeat (chain/rebuild-backoff.ts).
            const waitMs = this.rebuildBackoff.failed(this.served.height);
            if (waitMs > 0)
              this.o.log("error", "execution_mismatch_again", {
                height: next.toString(),
                resumeInMs: waitMs,
                hint: "the validators' certified records keep differing from this relay's execution: is its core.wasm the validators'?",
              });
            await this.rebuild(false);
            await this.rebuildBackoff.wait(waitMs);
          }
          continue;
        }
        this.pending.delete(next);
        const stored = await this.step(() => this.storeOutage.retry("store", () => this.store.put(applied, entry.from === STORE_SOURCE)));
        if (stored === "bundle-replaced" || stored === "forged-replaced") {
          this.metrics.storeRowsReplaced.inc({ reason: stored === "forged-replaced" ? "forged" : "certificates" });
          if (stored === "forged-replaced")
            this.o.log("warn", "forged_row_replaced", {
              height: applied.height.toString(),
              note: "another store writer put a height this relay's verification refutes",
            });
        }
        this.holdRecent(applied, this.validatorTip); // before subscribers hear of it: /log then has it
        this.hub.publish(applied);
        // The fan-out runs beside the pipeline; past a few unsent heights the pipeline waits for it
        // (the queued frames, the only memory the fan-out holds for all subscribers, stay bounded).
        if (this.hub.backlog >= (this.o.maxUpdateBacklog ?? 16)) await this.hub.caughtUp();
        this.metrics.verified.inc();
        const isFromStore = entry.from === STORE_SOURCE;
        this.metrics.heightsBySource.inc({ source: isFromStore ? "store" : "validator" });
        // Announce only what we ingested: peers re-reading our announcement must not echo it.
        if (!isFromStore) this.o.bus?.announce(applied.height);
        this.markServed(applied);
        this.checkpoints.take(this.chain, applied.height);
        this.progress.note(applied.height, this.validatorTip, "sync_progress");
      }
    } catch (e) {
      // The store failed under a verified height: the chain is ahead of what is stored. Start
      // over from the store rather than serve state the store does not have.
      // A fault that persists is not rebuilt from at once each time (chain/rebuild-backoff.ts).
      const waitMs = this.rebuildBackoff.failed(this.served.height);
      this.o.log("error", "pipeline_failed", { message: (e as Error).message, stack: (e as Error).stack, rebuildInMs: waitMs });
      await this.rebuildBackoff.wait(waitMs);
      // Nobody awaits the pipeline: a rebuild that fails too is logged, and the stall check
      // (follow/height-sources.ts) restarts the follower from the chain's height later.
      if (!this.stopped) await this.rebuild().catch((e2: Error) => this.o.log("error", "rebuild_failed", { message: e2.message }));
    } finally {
      this.draining = false;
    }
  }

  private refuse(height: bigint, e: unknown, from: string): void {
    this.pending.delete(height);
    const reason = e instanceof BundleRefused ? e.reason : "internal";
    this.metrics.refused.inc({ reason });
    const message = (e as Error).message;
    this.refusals.note("bundle_refused", from, `height ${height}: ${message}`, { height: height.toString(), reason, from, message });
    this.sources.refused(from, height, reason);
  }

  /** Keeps a height for /log (api/recent-bundles.ts) unless it is far below `tip` (a long replay). */
  private holdRecent(a: CertifiedHeight, tip: bigint): void {
    if (this.recent.wouldHold(a.height, tip)) this.recent.add(a.height, a.bundle);
  }

  /** Holds a stored height for /log and makes it the height this relay answers at. */
  private serve(a: CertifiedHeight, tip: bigint): void {
    this.holdRecent(a, tip);
    this.markServed(a);
  }

  private markServed(a: { height: bigint }): void {
    this.served.set(a.height);
    this.refusals.advanced();
    this.metrics.height.set(Number(a.height));
    this.metrics.busLag.set(this.sources.busLagAt(a.height));
  }

  /** Serves the height a rebuilt chain replayed to (none: height 0). */
  private serveFrom(chain: VerifiedChain): void {
    if (chain.latest) this.serve(chain.latest, chain.height);
    else this.markServed({ height: 0n });
  }

  /**
   * Replays the store into a new chain beside the current one, then puts it in its place; the
   * follower resumes after it. Until then the current chain answers (its height does not go back
   * to 0 and climb again), unless it is poisoned: then state reads are refused (`certifiedChain`).
   */
  private async rebuild(reconnect = true): Promise<void> {
    const old = this.chain;
    this.o.log("warn", "chain_rebuild", { height: old.height.toString(), poisoned: old.isPoisoned });
    // Set before anything is awaited: state reads refused from now on say how far the replay is
    // (the store holds at least what was served, and the replay stops there).
    this.rebuilding = { replayed: 0n, of: this.served.height };
    this.progress.restart();
    let fresh: VerifiedChain | undefined;
    try {
      fresh = await this.checkpoints.chainFrom(this.served.height);
      const replayed = await this.replayStore(fresh, false);
      if (replayed !== fresh) {
        fresh.free();
        fresh = replayed;
      }
    } catch (e) {
      // The store could not be read to its end (an outage is retried in place: this is anything
      // else). The old chain stays if it is certified and is what was served; if not, the part
      // replayed is consistent with the store, and the best there is.
      const isOldServed = !old.isPoisoned && old.height <= this.served.height;
      if (!fresh || fresh.isPoisoned || isOldServed || this.stopped) {
        fresh?.free();
        throw e;
      }
      this.o.log("error", "rebuild_incomplete", { height: fresh.height.toString(), message: (e as Error).message });
    } finally {
      this.rebuilding = undefined;
    }
    if (this.stopped) {
      fresh.free(); // stop() frees the chain in place
      return;
    }
    this.chain = fresh;
    old.free();
    // The store holds every height served and the replay stops there, so the new chain is as high
    // (heights past it were never published: the pipeline takes them again and publishes them).
    // Lower only if the store could not be replayed to there: then answers follow the chain that
    // matches the store.
    if (fresh.height !== this.served.height) this.serveFrom(fresh);
    for (const h of this.pending.keys()) if (h <= fresh.height) this.pending.delete(h);
    if (reconnect) this.follower.restart();
    this.storeFollower.poke();
  }

  /**
   * The chain, for reads of its state (/state, accounts, /submit's nonce check). Past an execution
   * mismatch its state is nobody's until the rebuild replaces it: refused with RELAY_NOT_READY.
   */
  certifiedChain(): VerifiedChain {
    if (!this.chain.isPoisoned) return this.chain;
    const r = this.rebuilding;
    const progress = r ? ` (replayed ${r.replayed} of ${r.of} heights)` : "";
    throw new RelayError("RELAY_NOT_READY", `the relay is rebuilding its state from its store${progress}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.rebuildBackoff.wakeAll();
    this.sources.stop();
    this.tipProbe.stop();
    await this.o.bus?.stop();
    await this.follower.stop();
    await this.storeFollower.stop();
    await this.idle;
    await this.checkpoints.settled();
    this.served.releaseAll();
    this.chain.free();
  }
}
