// The explorer's and /log's store reads take turns (src/api/read-gate.ts): a height the relay
// stores waits behind maxInFlight reads at most, however many clients ask at once.
import { describe, expect, it } from "vitest";
import { ReadGate } from "../src/api/read-gate.js";
import { RelayError } from "../src/errors.js";

/** A read that ends when the test says so. */
function held<T>(value: T) {
  let finish!: () => void;
  let fail!: (e: Error) => void;
  const done = new Promise<T>((resolve, reject) => {
    finish = () => resolve(value);
    fail = reject;
  });
  return { read: () => done, finish, fail };
}

const turn = () => new Promise((r) => setImmediate(r));

describe("ReadGate", () => {
  it("lets maxInFlight reads into the store at once; the others start in arrival order as turns free", async () => {
    const gate = new ReadGate({ maxInFlight: 2, maxWaiting: 8 });
    const reads = [0, 1, 2, 3, 4].map((i) => held(i));
    const started: number[] = [];
    const answers = reads.map((r, i) =>
      gate.run(() => {
        started.push(i);
        return r.read();
      }),
    );
    const firstFailure = answers[0]?.catch((e: Error) => e.message);
    await turn();
    expect(started).toEqual([0, 1]);
    expect(gate.queued).toBe(3);
    reads[1]?.finish();
    await turn();
    expect(started).toEqual([0, 1, 2]);
    reads[0]?.fail(new Error("the store said no"));
    await turn();
    expect(started).toEqual([0, 1, 2, 3]); // a failed read gives its turn on too
    for (const r of reads.slice(2)) r.finish();
    expect(await firstFailure).toBe("the store said no");
    expect(await Promise.all(answers.slice(1))).toEqual([1, 2, 3, 4]);
    expect(gate.queued).toBe(0);
    // Every turn came back: two new reads start at once.
    const next = [held("a"), held("b")];
    const nextStarted: string[] = [];
    const more = next.map((r, i) =>
      gate.run(() => {
        nextStarted.push(String(i));
        return r.read();
      }),
    );
    await turn();
    expect(nextStarted).toEqual(["0", "1"]);
    for (const r of next) r.finish();
    expect(await Promise.all(more)).toEqual(["a", "b"]);
  });

  it("refuses a read at once with RELAY_READS_BUSY (Retry-After 1 s) while maxWaiting wait, and changes nothing", async () => {
    const gate = new ReadGate({ maxInFlight: 1, maxWaiting: 2 });
    const reads = [held(0), held(1), held(2)];
    const answers = reads.map((r) => gate.run(r.read));
    await turn();
    let ran = false;
    const refused = await gate
      .run(async () => {
        ran = true;
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RelayError);
    expect((refused as RelayError).code).toBe("RELAY_READS_BUSY");
    expect((refused as RelayError).status).toBe(503);
    expect((refused as RelayError).extra).toEqual({ retryAfter: 1 });
    expect([ran, gate.queued]).toEqual([false, 2]);
    for (const r of reads) r.finish();
    expect(await Promise.all(answers)).toEqual([0, 1, 2]);
  });

  it("refuses options that would let no read in", () => {
    expect(() => new ReadGate({ maxInFlight: 0 })).toThrow(RangeError);
    expect(() => new ReadGate({ maxInFlight: 1.5 })).toThrow(RangeError);
    expect(() => new ReadGate({ maxWaiting: -1 })).toThrow(RangeError);
  });
});
