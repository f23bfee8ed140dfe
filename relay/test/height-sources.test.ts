// When a store-fed relay reads the shared store unasked, and when it leaves the store for the
// validators: HeightSources' rules on a virtual clock, with a store follower and a follower that
// only count what they are told (the real ones are bus.test.ts's and postgres.test.ts's).
import { afterEach, describe, expect, it, vi } from "vitest";
import { Registry, relayMetrics } from "../src/api/metrics.js";
import type { Follower } from "../src/follow/follower.js";
import { HeightSources } from "../src/follow/height-sources.js";
import type { StoreFollower } from "../src/follow/store-follower.js";

afterEach(() => {
  vi.useRealTimers();
});

function storeFed(o: { height: bigint; tip: bigint; storeAvailable: boolean }) {
  const counts = { pokes: 0, followed: 0 };
  const sources = new HeightSources({
    validators: ["http://validator"],
    follower: { start: () => counts.followed++, source: "http://validator" } as unknown as Follower,
    storeFollower: { poke: () => counts.pokes++, setPolling: () => {} } as unknown as StoreFollower,
    metrics: relayMetrics(new Registry()),
    log: () => {},
    height: () => o.height,
    tip: () => o.tip,
    isDraining: () => false,
    isStopped: () => false,
    isStoreAvailable: () => o.storeAvailable,
    stallCheckMs: 1000,
  });
  sources.start("store", undefined);
  return { sources, counts };
}

describe("a store-fed relay's sources", () => {
  it("reads the store when the proven tip runs more than 2 heights ahead, whatever the bus says", () => {
    const state = { height: 100n, tip: 100n, storeAvailable: true };
    const { sources, counts } = storeFed(state);
    const polled = counts.pokes;
    sources.tipNoted(102n);
    expect(counts.pokes).toBe(polled); // within the bus's usual delay
    sources.tipNoted(103n);
    expect(counts.pokes).toBe(polled + 1);
    sources.stop();
  });

  it("follows validators after 3 still checks while the store answers, never while it is away", () => {
    vi.useFakeTimers();
    const state = { height: 100n, tip: 150n, storeAvailable: false };
    const { sources, counts } = storeFed(state);
    vi.advanceTimersByTime(10_000); // ten still checks, the store away throughout
    expect([counts.followed, sources.isFollowingValidators]).toEqual([0, false]);
    state.storeAvailable = true;
    vi.advanceTimersByTime(2000);
    expect(counts.followed).toBe(0);
    vi.advanceTimersByTime(1000); // the third still check with the store answering
    expect([counts.followed, sources.isFollowingValidators]).toEqual([1, true]);
    sources.stop();
  });
});
