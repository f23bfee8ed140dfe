// WorkerRpc (src/node/worker-rpc.ts): answers by id, a death fails what is pending and the next
// call starts a new worker; with a backoff, a worker that keeps dying is not started again until
// its cooling time has passed (doubling, up to maxMs), and one that lived maxMs starts over at firstMs.
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { WorkerRpc } from "../src/node/index.js";

// Doubles `x`; `fail` answers an error; `die` exits with code 3 before answering.
const ECHO = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", (r) => {
  if (r.die) process.exit(3);
  if (r.fail) parentPort.postMessage({ id: r.id, error: "BAD_THING" });
  else parentPort.postMessage({ id: r.id, result: r.x * 2 });
});`;
const echo = () => new Worker(ECHO, { eval: true });
const toError = (code: string) => new Error(`test thread: ${code}`);

const open: WorkerRpc[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((rpc) => rpc.close()));
});
function rpcOf(...args: ConstructorParameters<typeof WorkerRpc>): WorkerRpc {
  const rpc = new WorkerRpc(...args);
  open.push(rpc);
  return rpc;
}
const settle = (p: Promise<unknown>) =>
  p.then(
    (v) => ({ value: v }),
    (e: Error) => ({ error: e.message }),
  );

describe("WorkerRpc", () => {
  it("answers each request by its id, and maps a worker's error through toError", async () => {
    const rpc = rpcOf(echo, toError);
    const answers = await Promise.all([1, 2, 3].map((x) => rpc.call({ x })));
    expect(answers).toEqual([2, 4, 6]);
    expect(await settle(rpc.call({ fail: true }))).toEqual({ error: "test thread: BAD_THING" });
    expect(rpc.counts).toEqual({ starts: 1, deaths: 0, refusedCooling: 0 });
  });

  it("fails what is pending when the worker dies, and starts a new one on the next call", async () => {
    const rpc = rpcOf(echo, toError);
    const pending = settle(rpc.call({ x: 5, die: true }));
    expect(await pending).toEqual({ error: "test thread: EXIT_3" });
    expect(await rpc.call({ x: 5 })).toBe(10);
    expect(rpc.counts).toEqual({ starts: 2, deaths: 1, refusedCooling: 0 });
  });

  it("does not count a worker it stopped itself as a death", async () => {
    const rpc = rpcOf(echo, toError, { firstMs: 1000, maxMs: 8000 });
    expect(await rpc.call({ x: 1 })).toBe(2);
    await rpc.close();
    expect(await rpc.call({ x: 2 })).toBe(4);
    expect(rpc.counts).toEqual({ starts: 2, deaths: 0, refusedCooling: 0 });
  });

  it("with a backoff, refuses with COOLING after a death, for firstMs doubling up to maxMs", async () => {
    let t = 0;
    const rpc = rpcOf(echo, toError, { firstMs: 1000, maxMs: 4000, now: () => t });
    const die = () => settle(rpc.call({ x: 0, die: true }));
    expect(await die()).toEqual({ error: "test thread: EXIT_3" }); // dies at 0: cooling until 1000
    t = 999;
    expect(await settle(rpc.call({ x: 1 }))).toEqual({ error: "test thread: COOLING" });
    t = 1000;
    expect(await die()).toEqual({ error: "test thread: EXIT_3" }); // second death: until 3000
    t = 2999;
    expect(await settle(rpc.call({ x: 1 }))).toEqual({ error: "test thread: COOLING" });
    t = 3000;
    expect(await die()).toEqual({ error: "test thread: EXIT_3" }); // third: 1000 × 4, the cap, until 7000
    t = 6999;
    expect(await settle(rpc.call({ x: 1 }))).toEqual({ error: "test thread: COOLING" });
    t = 7000;
    expect(await die()).toEqual({ error: "test thread: EXIT_3" }); // fourth: 8000 capped to maxMs, until 11,000
    t = 10_999;
    expect(await settle(rpc.call({ x: 1 }))).toEqual({ error: "test thread: COOLING" });
    t = 11_000;
    expect(await rpc.call({ x: 21 })).toBe(42);
    expect(rpc.counts).toEqual({ starts: 5, deaths: 4, refusedCooling: 4 });
  });

  it("counts a death after the worker lived maxMs as a first one", async () => {
    let t = 0;
    const rpc = rpcOf(echo, toError, { firstMs: 1000, maxMs: 4000, now: () => t });
    for (const at of [0, 1000, 3000]) {
      t = at;
      await settle(rpc.call({ x: 0, die: true })); // cooling 1000, 2000, then 4000 from 3000
    }
    t = 7000;
    expect(await rpc.call({ x: 1 })).toBe(2); // started at 7000, lives on
    t = 11_000; // lived maxMs
    expect(await settle(rpc.call({ x: 0, die: true }))).toEqual({ error: "test thread: EXIT_3" });
    t = 11_999;
    expect(await settle(rpc.call({ x: 1 }))).toEqual({ error: "test thread: COOLING" });
    t = 12_000; // firstMs after the death, not 4000
    expect(await rpc.call({ x: 1 })).toBe(2);
  });

  it("refuses a backoff that is not 0 < firstMs <= maxMs", () => {
    expect(() => new WorkerRpc(echo, toError, { firstMs: 0, maxMs: 10 })).toThrow(RangeError);
    expect(() => new WorkerRpc(echo, toError, { firstMs: 20, maxMs: 10 })).toThrow(RangeError);
  });
});
