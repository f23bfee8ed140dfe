// ProgressLog (src/chain/progress-log.ts): the catching-up lines, and none at the chain's pace.
import { describe, expect, it } from "vitest";
import { ProgressLog } from "../src/chain/progress-log.js";

function logged(every = 100n) {
  const lines: string[] = [];
  const log = new ProgressLog((event, f) => lines.push(`${event} ${f.height}/${f.of}`), every);
  return { log, lines };
}

describe("ProgressLog", () => {
  it("while catching up says every `every` heights, then once on reaching the tip", () => {
    const { log, lines } = logged();
    for (let h = 1n; h <= 350n; h++) log.note(h, 350n, "sync_progress");
    expect(lines).toEqual(["sync_progress 100/350", "sync_progress 200/350", "sync_progress 300/350", "sync_progress 350/350"]);
  });

  it("says nothing at the chain's pace (the tip one or two heights ahead)", () => {
    const { log, lines } = logged();
    log.note(1n, 1n, "sync_progress"); // reached the tip once
    for (let h = 2n; h <= 500n; h++) log.note(h, h + (h % 2n), "sync_progress");
    expect(lines).toEqual(["sync_progress 1/1"]);
  });

  it("falling behind again, says the new climb and the tip once more", () => {
    const { log, lines } = logged(10n);
    log.note(5n, 5n, "sync_progress");
    for (let h = 6n; h <= 30n; h++) log.note(h, 30n, "sync_progress"); // 25 behind at 5
    expect(lines).toEqual(["sync_progress 5/5", "sync_progress 15/30", "sync_progress 30/30"]);
  });

  it("restarts its count for a replay that starts over from height 1", () => {
    const { log, lines } = logged(10n);
    for (let h = 1n; h <= 25n; h++) log.note(h, 100n, "replay_progress");
    log.restart();
    for (let h = 1n; h <= 12n; h++) log.note(h, 100n, "replay_progress");
    expect(lines).toEqual(["replay_progress 10/100", "replay_progress 20/100", "replay_progress 10/100"]);
  });
});
