// Where a relay takes its heights from, and when that changes (docs/decisions/006-relay-bus.md):
// validators' streams (the follower), or the shared store as the bus announces it (the store
// follower); and which validator the tip probe asks. A relay following validators moves to the
// next one on a stall, a refused bundle or a false tip; a store-fed relay starts following them
// when the store answers but stops advancing, or serves a height it refuses.
import type { RelayMetrics } from "../api/metrics.js";
import type { HeightStored } from "../bus/message.js";
import type { HeightBus } from "../bus/redis-bus.js";
import type { LogFn } from "../relay.js";
import type { Follower } from "./follower.js";
import type { StoreFollower } from "./store-follower.js";

/** The `from` of bundles read from the shared store (validators' are their URLs). */
export const STORE_SOURCE = "store";
/** Stall checks without progress after which a store-fed relay follows the validators itself. */
const STORE_STALL_CHECKS = 3;
/** Heights a store-fed relay may trail the proven tip before it reads the store unasked (the bus's usual delay is one). */
const STORE_BEHIND_HEIGHTS = 2n;

export interface HeightSourcesOptions {
  validators: readonly string[];
  follower: Follower;
  storeFollower: StoreFollower;
  metrics: RelayMetrics;
  log: LogFn;
  /** The relay's verified height. */
  height(): bigint;
  /** The chain's tip as far as proven. */
  tip(): bigint;
  /** Whether the pipeline is working through heights now (not a stall). */
  isDraining(): boolean;
  isStopped(): boolean;
  /** Whether the store answers (no outage now): a store that cannot be read is waited for, not left. */
  isStoreAvailable(): boolean;
  /** Checked this often (default 5,000 ms): see `checkStall`. */
  stallCheckMs?: number;
}

export class HeightSources {
  /** Whether this relay reads validators' streams now (store-fed relays start to on a stall or refusal). */
  isFollowingValidators = false;
  /** The highest height the bus announced. */
  busTip = 0n;
  /** Which of the validators a store-fed relay asks how far the chain is (askedValidator). */
  private askedIndex = 0;
  /** The last of the validators the tip probe cross-checked with (nextCrossCheck). */
  private crossIndex = 0;
  private stallTimer: NodeJS.Timeout | undefined;
  private heightAtLastCheck = -1n;
  private storeIdleChecks = 0;

  constructor(private readonly o: HeightSourcesOptions) {}

  /** Takes heights from `source`, hearing the bus if there is one, and checks for stalls. */
  start(source: "validators" | "store", bus: HeightBus | undefined): void {
    const { storeFollower } = this.o;
    if (source === "store")
      storeFollower.setPolling(true); // until the bus subscription is confirmed
    else this.startFollowing("source is validators");
    bus?.start({
      onHeight: (m) => this.heard(m),
      onSubscribed: () => {
        storeFollower.setPolling(false);
        storeFollower.poke(); // whatever was announced while away
      },
      onDisconnected: () => {
        if (this.isFollowingValidators) return;
        storeFollower.setPolling(true);
        storeFollower.poke(); // now, not a poll period later: a silent bus was noticed late already
      },
    });
    this.stallTimer = setInterval(() => this.checkStall(), this.o.stallCheckMs ?? 5000);
    this.stallTimer.unref();
  }

  stop(): void {
    clearInterval(this.stallTimer);
  }

  startFollowing(why: string): void {
    if (this.isFollowingValidators || this.o.isStopped()) return;
    this.isFollowingValidators = true;
    this.o.metrics.followingValidators.set(1);
    this.o.storeFollower.setPolling(false);
    this.o.log("info", "follow_validators", { why });
    this.o.follower.start();
  }

  /**
   * The validator asked how far the chain is (TipProbe): the one followed, or for a store-fed
   * relay one of its list in turn. Every relay's tip is proven so (TipClaims): a peer's bus notice
   * or the shared store's highest row once set it for store-fed relays, unproven, and a tip set
   * too high never came down (the relay never ready, its stall check switching forever).
   */
  get askedValidator(): string | undefined {
    if (this.isFollowingValidators) return this.o.follower.source;
    return this.o.validators[this.askedIndex % this.o.validators.length];
  }

  /**
   * Another validator than the asked one, each in turn, for the tip probe's cross-check (none with
   * a single validator): a followed validator cut off from the rest stands still, and says so.
   */
  nextCrossCheck(): string | undefined {
    const { validators } = this.o;
    const asked = this.askedValidator;
    for (let tries = 0; tries < validators.length; tries++) {
      const v = validators[++this.crossIndex % validators.length];
      if (v !== asked) return v;
    }
    return undefined;
  }

  /** Validator `from` will not say how far the chain is, or said it falsely: take another. */
  leave(from: string, why: string): void {
    if (this.isFollowingValidators) {
      if (this.o.follower.source === from) this.o.follower.switchValidator(why);
    } else if (this.askedValidator === from) {
      this.askedIndex++;
      this.o.log("info", "tip_probe_switch", { from, why });
    }
  }

  /** The pipeline refused a bundle `from` gave: take heights from elsewhere. */
  refused(from: string, height: bigint, reason: string): void {
    if (from === STORE_SOURCE) this.startFollowing(`refused stored height ${height}: ${reason}`);
    else if (this.o.follower.source === from) this.o.follower.switchValidator(`refused height ${height}: ${reason}`);
  }

  /**
   * Heights announced on the bus past `height`, counting only those the chain is proven to have
   * (the validator tip): a peer's notice is a hint, and one notice of a height the chain is far
   * from (a bug, a relay gone bad) held the gauge operators alert on up for the process's life.
   */
  busLagAt(height: bigint): number {
    let announced = this.busTip;
    const tip = this.o.tip();
    if (tip < announced) announced = tip; // bigints: no Math.min
    return Number(announced > height ? announced - height : 0n);
  }

  /**
   * The chain is proven to have reached `tip` (the tip probe asks a validator every second): a
   * store-fed relay behind it reads the store, whatever the bus said. Its heights then never wait
   * on a silent bus for more than a probe, and a store that went away is met, and reported
   * (/readyz, relay_store_available), within a second, as by a relay that stores heights itself.
   */
  tipNoted(tip: bigint): void {
    if (!this.isFollowingValidators && tip > this.o.height() + STORE_BEHIND_HEIGHTS) this.o.storeFollower.poke();
  }

  /** A peer relay stored heights up to m.height: read them from the store unless we have them. */
  private heard(m: HeightStored): void {
    const h = this.o.height();
    if (m.height > this.busTip) this.busTip = m.height;
    this.o.metrics.busDelayMs.set(Math.max(0, Date.now() - m.sentAtMs));
    this.o.metrics.busLag.set(this.busLagAt(h));
    if (m.height > h) this.o.storeFollower.poke();
  }

  /**
   * Every `stallCheckMs`: a relay following validators that made no progress since the last check
   * while behind the tip reconnects to the next validator, whose stream re-sends from the next
   * height; a store-fed one reads the store, and after a few such checks follows the validators.
   */
  private checkStall(): void {
    const h = this.o.height();
    const isStill = h === this.heightAtLastCheck && !this.o.isDraining();
    if (this.isFollowingValidators) {
      if (isStill && this.o.tip() > h) this.o.follower.switchValidator(`no progress past height ${h}`);
    } else if (isStill && this.o.isStoreAvailable()) {
      // The ingesting relays may be gone, or the bus silent.
      this.o.storeFollower.poke();
      if (++this.storeIdleChecks >= STORE_STALL_CHECKS) this.startFollowing(`the shared store has not advanced past height ${h}`);
    } else {
      // Advancing, or the store itself is away: following validators would not help then (every
      // height must be stored before it is served), and would leave this relay ingesting for good.
      this.storeIdleChecks = 0;
    }
    this.heightAtLastCheck = h;
  }
}
