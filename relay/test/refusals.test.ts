// What a relay refused since its height last moved: the /readyz reason, and warnings logged once
// per kind and source per window with the count not logged in between (virtual clock).
import { describe, expect, it } from "vitest";
import { Refusals } from "../src/chain/refusals.js";

function refusals() {
  const lines: { event: string; fields: Record<string, unknown> }[] = [];
  let now = 0;
  const r = new Refusals({ log: (_level, event, fields = {}) => lines.push({ event, fields }), logEveryMs: 60_000, now: () => now });
  return { r, lines, at: (ms: number) => (now = ms) };
}

describe("refusals", () => {
  it("log a kind from a source once a window, then with the count held back", () => {
    const { r, lines, at } = refusals();
    r.note("tip_refused", "v0", "a tip claim of height 9: bad-signature", { height: "9" });
    at(1000);
    r.note("tip_refused", "v0", "a tip claim of height 10: bad-signature", { height: "10" });
    r.note("bundle_refused", "v0", "height 1: bad-finalization", { height: "1" }); // another kind
    r.note("tip_refused", "v1", "a tip claim of height 10: bad-signature", { height: "10" }); // another source
    at(59_999);
    r.note("tip_refused", "v0", "a tip claim of height 68: bad-signature", { height: "68" });
    expect(lines.map((l) => `${l.event} ${l.fields.height}`)).toEqual(["tip_refused 9", "bundle_refused 1", "tip_refused 10"]);
    at(60_000);
    r.note("tip_refused", "v0", "a tip claim of height 69: bad-signature", { height: "69" });
    expect(lines.at(-1)).toEqual({ event: "tip_refused", fields: { height: "69", repeated: 2 } });
    at(120_000);
    r.note("tip_refused", "v0", "a tip claim of height 129: bad-signature", { height: "129" });
    expect(lines.at(-1)).toEqual({ event: "tip_refused", fields: { height: "129" } }); // nothing held back
  });

  it("give the latest refusal and their count since the height moved, and nothing after it moves", () => {
    const { r } = refusals();
    expect(r.reason).toBeUndefined();
    r.note("bundle_refused", "http://v0", "height 1: bad-finalization", {});
    expect(r.reason).toBe("refused what it was sent once since its height last moved, latest from http://v0: height 1: bad-finalization");
    r.note("tip_refused", "http://v1", "a tip claim of height 7: bad-signature", {});
    expect(r.reason).toBe(
      "refused what it was sent 2 times since its height last moved, latest from http://v1: a tip claim of height 7: bad-signature",
    );
    r.advanced();
    expect(r.reason).toBeUndefined();
  });
});
