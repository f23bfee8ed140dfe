// ServedHeight (src/chain/served-height.ts): waiters resolve once the height passes theirs.
import { describe, expect, it } from "vitest";
import { ServedHeight } from "../src/chain/served-height.js";

describe("ServedHeight", () => {
  it("resolves each waiter once the height reaches its own, and at once for one already passed", async () => {
    const served = new ServedHeight();
    const done: bigint[] = [];
    for (const h of [3n, 1n, 5n]) void served.waitFor(h).then(() => done.push(h));
    served.set(2n);
    await Promise.resolve();
    expect(done).toEqual([1n]);
    served.set(4n);
    await Promise.resolve();
    expect(done).toEqual([1n, 3n]);
    await served.waitFor(4n);
    expect(served.height).toBe(4n);
    served.releaseAll();
    await Promise.resolve();
    expect(done).toEqual([1n, 3n, 5n]);
  });
});
