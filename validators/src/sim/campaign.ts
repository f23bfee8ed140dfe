// The fault campaign of consensus.md: one seed → one scenario (network conditions, crashes,
// partitions, a late joiner, at most f Byzantine or faulty nodes at a time), run on a Cluster with
// the invariants checked as events happen; after every fault has healed, finality must resume
// within `resumeViews` views and every honest node must catch up. Same seed, same trace.

import type { Codec } from "@nullspace/core";
import { Rng } from "../runtime/rng.js";
import { type Behavior, BYZANTINE } from "./actors.js";
import { Cluster } from "./cluster.js";
import type { Violation } from "./invariants.js";

export type Fault =
  | { kind: "crash"; node: number; at: number; restartAt: number; wipeJournal: boolean }
  | { kind: "late"; node: number; at: number }
  | { kind: "partition"; at: number; until: number; groups: number[][] }
  | { kind: "slow"; node: number; until: number }
  | { kind: "loss"; loss: number; until: number };

export interface Scenario {
  seed: number;
  n: number;
  latencyMs: number;
  jitterMs: number;
  byzantine: { node: number; behavior: Behavior } | undefined;
  faults: Fault[];
  /** Every fault is over by then (ms of virtual time). */
  healAt: number;
}

export interface ScenarioResult {
  scenario: Scenario;
  steps: number;
  violations: Violation[];
  /** Why finality did not resume or a node did not catch up, if so. */
  stall: string | undefined;
  finalizedHeight: bigint;
  views: bigint;
  trace: string;
}

export interface CampaignOptions {
  /** Views after the heal within which a block proposed after it must be final (default 10). */
  resumeViews?: number;
  /** Virtual ms allowed after the heal for all honest nodes to catch up (default 20 s). */
  catchUpMs?: number;
  trace?: boolean;
}

function maxOf(xs: readonly bigint[]): bigint {
  let m = 0n;
  for (const x of xs) if (x > m) m = x;
  return m;
}

/** Draws the scenario of a seed. Nodes touched by faults never exceed f at once. */
export function scenarioOf(seed: number): Scenario {
  const rng = new Rng(`scenario/${seed}`);
  const n = seed % 10 === 9 ? 7 : 4;
  const f = Math.floor((n - 1) / 3);
  const healAt = 2000 + rng.below(2000);
  const faults: Fault[] = [];
  const nodes = rng.shuffle([...Array(n).keys()]);
  let budget = f;
  let byzantine: Scenario["byzantine"];
  if (rng.chance(0.5) && budget > 0) {
    byzantine = { node: nodes.pop() as number, behavior: rng.pick(BYZANTINE) };
    budget--;
  }
  while (budget > 0) {
    const node = nodes.pop() as number;
    budget--;
    const pick = rng.below(3);
    if (pick === 0) {
      const at = rng.below(healAt - 500);
      faults.push({ kind: "crash", node, at, restartAt: at + 100 + rng.below(healAt - at - 100), wipeJournal: rng.chance(0.15) });
    } else if (pick === 1) faults.push({ kind: "late", node, at: 500 + rng.below(healAt - 500) });
    else faults.push({ kind: "slow", node, until: healAt });
  }
  // Network-wide faults touch everyone but break nobody for good.
  if (rng.chance(0.3)) faults.push({ kind: "loss", loss: 0.1 + 0.4 * rng.nextFloat01(), until: healAt });
  if (rng.chance(0.4)) {
    const at = rng.below(healAt - 300);
    const order = rng.shuffle([...Array(n).keys()]);
    const minority = rng.chance(0.5);
    const cut = minority ? 1 + rng.below(f) : Math.floor(n / 2);
    faults.push({ kind: "partition", at, until: at + 200 + rng.below(healAt - at - 200), groups: [order.slice(0, cut), order.slice(cut)] });
  }
  // A crash of any node, honest ones included, also happens on top (its journal survives), so
  // restarts mid-flight are exercised in most seeds; liveness needs only the heal.
  if (rng.chance(0.5)) {
    const node = rng.below(n);
    const at = rng.below(healAt - 300);
    if (!faults.some((x) => "node" in x && x.node === node))
      faults.push({ kind: "crash", node, at, restartAt: at + 50 + rng.below(healAt - at - 50), wipeJournal: false });
  }
  return { seed, n, latencyMs: 2 + rng.below(30), jitterMs: rng.below(25), byzantine, faults, healAt };
}

export async function runScenario(codec: Codec, s: Scenario, o: CampaignOptions = {}): Promise<ScenarioResult> {
  const behaviors = new Map<number, Behavior>(s.byzantine ? [[s.byzantine.node, s.byzantine.behavior]] : []);
  const c = new Cluster({
    seed: s.seed,
    n: s.n,
    codec,
    behaviors,
    link: { latencyMs: s.latencyMs, jitterMs: s.jitterMs, loss: 0 },
    trace: o.trace ?? true,
  });
  const late = new Set(s.faults.flatMap((x) => (x.kind === "late" ? [x.node] : [])));
  const sched = c.scheduler;
  for (const fault of s.faults) {
    switch (fault.kind) {
      case "crash":
        sched.schedule(fault.at, () => c.crash(fault.node), { label: `fault crash ${fault.node}` });
        sched.schedule(
          fault.restartAt,
          () => {
            void (async () => {
              if (fault.wipeJournal) await c.wipeJournal(fault.node);
              await c.start(fault.node);
            })();
          },
          { label: `fault restart ${fault.node}` },
        );
        break;
      case "late":
        sched.schedule(fault.at, () => void c.start(fault.node), { label: `fault join ${fault.node}` });
        break;
      case "partition":
        c.net.addPartition({ start: fault.at, end: fault.until, groups: fault.groups });
        break;
      case "slow":
        for (let j = 0; j < s.n; j++) {
          if (j === fault.node) continue;
          c.net.setLink(fault.node, j, { latencyMs: s.latencyMs + 150 });
          c.net.setLink(j, fault.node, { latencyMs: s.latencyMs + 150 });
        }
        sched.schedule(fault.until, () => {
          for (let j = 0; j < s.n; j++) {
            if (j === fault.node) continue;
            c.net.setLink(fault.node, j, { latencyMs: s.latencyMs });
            c.net.setLink(j, fault.node, { latencyMs: s.latencyMs });
          }
        });
        break;
      case "loss":
        c.net.setDefaultLink({ loss: fault.loss });
        sched.schedule(fault.until, () => c.net.setDefaultLink({ loss: 0 }));
        break;
    }
  }
  for (let p = 0; p < c.nodes.length; p++) if (!late.has(c.nodes[p]?.index as number)) await c.start(p);
  await c.runUntil(s.healAt);

  // Healed: every fault is over. Finality must resume and everyone must catch up.
  const honestViews = () => c.liveHonest().map((node) => node.engine?.voter.view ?? 0n);
  const viewAtHeal = maxOf(honestViews());
  const heightAtHeal = c.invariants.maxHeight();
  const resumeViews = BigInt(o.resumeViews ?? 10);
  const deadline = s.healAt + (o.catchUpMs ?? 20_000);
  let stall: string | undefined;
  for (;;) {
    await c.runUntil(sched.now + 250);
    const live = c.liveHonest();
    const top = c.invariants.maxHeight();
    const everyoneAbove = live.every((node) => (c.invariants.heights.get(node.index) ?? 0n) > heightAtHeal + 2n);
    if (everyoneAbove && top > heightAtHeal + 2n) break;
    const views = maxOf(honestViews());
    if (top <= heightAtHeal && views > viewAtHeal + resumeViews) {
      stall = `no finality within ${resumeViews} views of the heal (view ${viewAtHeal} → ${views})`;
      break;
    }
    if (sched.now >= deadline) {
      const lagging = live.filter((node) => (c.invariants.heights.get(node.index) ?? 0n) <= heightAtHeal + 2n).map((node) => node.index);
      stall = `nodes ${lagging.join(",")} did not catch up within ${deadline - s.healAt} ms of the heal`;
      break;
    }
  }
  for (const f of c.failures) c.invariants.violations.push({ at: sched.now, rule: "node-failure", detail: f });
  const result: ScenarioResult = {
    scenario: s,
    steps: sched.executedCount,
    violations: c.invariants.violations,
    stall,
    finalizedHeight: c.invariants.maxHeight(),
    views: maxOf(honestViews()),
    trace: o.trace === false ? "" : sched.traceHex(),
  };
  for (const node of c.nodes) if (node.alive) c.crash(node.physical);
  return result;
}
