// The baseline: a bare `ws` server (no verification, no store, no per-filter frames) that
// broadcasts frames of given sizes at a given rate to everyone connected, in its own process like
// the relay. Frames start like update frames (`u8 1 ‖ varint seq`) so the load generators read
// them the same way; each broadcast's start is reported like the relay's `bench_published`.
// IPC in: {op: "broadcast", sizes, intervalMs}; out: {op: "listening"}, {op: "published", height,
// atMs, dueMs, sendMs, runMs, waitMs}, {op: "done"}: runMs and waitMs split the broadcast's sendMs
// into the main thread on a core and runnable but off the cores (the kernel's schedstat), as the
// relay's passes are split (relay-process.ts).
import { randomBytes } from "node:crypto";
import { WebSocketServer } from "ws";
import { threadSchedMs } from "../../validators/bench/proc-cpu.js";
import { nowMs } from "./histogram.js";

const port = Number(process.argv[2]);
const wss = new WebSocketServer({ host: "127.0.0.1", port });
wss.on("listening", () => process.send?.({ op: "listening" }));

function frameOf(seq: number, size: number): Uint8Array {
  const head: number[] = [1];
  for (let v = seq; ; v = Math.floor(v / 128)) {
    if (v < 128) {
      head.push(v);
      break;
    }
    head.push((v % 128) | 0x80);
  }
  const f = new Uint8Array(Math.max(size, head.length));
  f.set(randomBytes(f.length));
  f.set(head);
  return f;
}

// Forked by the bench: gone with it, however it ended.
process.once("disconnect", () => process.exit(0));
process.on("message", async (m: { op: string; sizes: number[]; intervalMs: number }) => {
  if (m.op !== "broadcast") return;
  const start = performance.now();
  for (let i = 0; i < m.sizes.length; i++) {
    const wait = start + i * m.intervalMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const frame = frameOf(i + 1, m.sizes[i] as number);
    const atMs = nowMs();
    const before = threadSchedMs();
    for (const ws of wss.clients) if (ws.readyState === ws.OPEN) ws.send(frame, { binary: true });
    const after = threadSchedMs();
    // dueMs: when this frame was due at the asked rate (a broadcast that cannot keep up starts late).
    const dueMs = performance.timeOrigin + start + i * m.intervalMs;
    process.send?.({
      op: "published",
      height: i + 1,
      atMs,
      dueMs,
      sendMs: nowMs() - atMs,
      runMs: after.runMs - before.runMs,
      waitMs: after.waitMs - before.waitMs,
    });
  }
  process.send?.({ op: "done" });
});
