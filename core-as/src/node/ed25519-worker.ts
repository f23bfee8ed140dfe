// The Ed25519 check thread (ed25519-thread.ts starts it with tsWorker): answers {id, frame} (a
// packed batch, ed25519-frame.ts) with {id, result} (one byte a check, 1 valid), in arrival order.
// Keys are imported and cached here, on this thread (an import costs about what a check does).

import { parentPort } from "node:worker_threads";
import { checkVerifyFrame } from "./ed25519-frame.js";

parentPort?.on("message", (r: { id: number; frame: Uint8Array }) => {
  try {
    const result = checkVerifyFrame(r.frame);
    parentPort?.postMessage({ id: r.id, result }, [result.buffer]);
  } catch (e) {
    parentPort?.postMessage({ id: r.id, error: (e as { code?: string }).code ?? "WORKER_FAILED" });
  }
});
