// Fault injection for storage tests: a tiny seeded float generator (crash tears drawn from it
// replay exactly) and a Storage that loses power after a budget of mutating operations.

import type { Rng, SimStorage } from "../../src/runtime/sim-storage.js";
import type { Blob, OpenOptions, Storage } from "../../src/runtime/storage.js";

/** mulberry32: a tiny seeded PRNG, floats in [0, 1). Tests pin outcomes to its exact stream. */
export function seeded(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Storage that loses power after `budget` mutating operations (open, append, sync, truncate,
 * remove): the SimStorage crashes with torn unsynced tails drawn from `rng`, and every later call
 * throws, as if the process were gone, until revive(). `ticks` counts the operations attempted.
 */
export class DyingStorage implements Storage {
  budget = Number.POSITIVE_INFINITY;
  isDead = false;
  ticks = 0;

  constructor(
    readonly sim: SimStorage,
    private readonly rng: Rng,
  ) {}

  private tick(): void {
    if (this.isDead) throw new Error("process is dead");
    this.ticks++;
    if (--this.budget < 0) {
      this.isDead = true;
      this.sim.crash({ rng: this.rng });
      throw new Error("power loss");
    }
  }

  revive(): void {
    this.isDead = false;
    this.budget = Number.POSITIVE_INFINITY;
  }

  async open(name: string, options?: OpenOptions): Promise<Blob> {
    this.tick();
    const inner = await this.sim.open(name, options);
    const mutate =
      <A extends unknown[]>(f: (...a: A) => Promise<void>) =>
      async (...a: A) => {
        this.tick();
        return f(...a);
      };
    return {
      name: inner.name,
      size: () => inner.size(),
      read: (o, l) => inner.read(o, l),
      append: mutate((d: Uint8Array) => inner.append(d)),
      sync: mutate(() => inner.sync()),
      truncate: mutate((s: number) => inner.truncate(s)),
      close: () => inner.close(),
    };
  }

  list(prefix?: string): Promise<string[]> {
    return this.sim.list(prefix);
  }

  async remove(name: string): Promise<boolean> {
    this.tick();
    return this.sim.remove(name);
  }
}
