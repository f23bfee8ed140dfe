// TurnGate: callers let through in arrival order, at most a budget's worth an event-loop turn (an
// oversized one alone), with I/O between turns.
import { describe, expect, it } from "vitest";
import { TurnGate } from "../src/node/turn-gate.js";

/** Counts event-loop turns (an immediate chain) while `body` runs; resolves with its result. */
async function countingTurns<T>(body: (turn: () => number) => Promise<T>): Promise<T> {
  let turn = 0;
  let running = true;
  const tick = () => {
    turn++;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    return await body(() => turn);
  } finally {
    running = false;
  }
}

describe("TurnGate", () => {
  it("lets a budget's worth through a turn, in arrival order, an oversized entry alone", async () => {
    const gate = new TurnGate(3);
    const order: string[] = [];
    const turns = await countingTurns(async (turn) => {
      const at: Record<string, number> = {};
      const sizes: [string, number][] = [
        ["a", 1],
        ["b", 1],
        ["c", 1],
        ["d", 2],
        ["e", 1],
        ["f", 5],
        ["g", 1],
      ];
      await Promise.all(
        sizes.map(([name, size]) =>
          gate.enter(size).then(() => {
            order.push(name);
            at[name] = turn();
          }),
        ),
      );
      return at;
    });
    expect(order).toEqual(["a", "b", "c", "d", "e", "f", "g"]);
    const t = (n: string) => turns[n] as number;
    expect(t("a")).toBe(t("c")); // 1 + 1 + 1 = 3
    expect(t("d")).toBeGreaterThan(t("c"));
    expect(t("e")).toBe(t("d")); // 2 + 1 = 3
    expect(t("f")).toBeGreaterThan(t("e")); // 5 > 3: alone
    expect(t("g")).toBeGreaterThan(t("f"));
    expect(gate.waitingCount).toBe(0);
  });

  it("reads I/O between two turns however many wait", async () => {
    const gate = new TurnGate(1);
    const events: string[] = [];
    const busy = (ms: number) => {
      for (const end = performance.now() + ms; performance.now() < end; );
    };
    // Each 0.2 ms of work: 50 take 10 ms, and a timer due in 1 ms fires between two of them.
    const work = Array.from({ length: 50 }, (_, k) =>
      gate.enter().then(() => {
        busy(0.2);
        events.push(`w${k}`);
      }),
    );
    setTimeout(() => events.push("timer"), 0);
    await Promise.all(work);
    expect(events.indexOf("timer")).toBeGreaterThan(-1);
    expect(events.indexOf("timer")).toBeLessThan(25);
  });

  it("refuses a budget below 1", () => {
    expect(() => new TurnGate(0)).toThrow(RangeError);
  });
});
