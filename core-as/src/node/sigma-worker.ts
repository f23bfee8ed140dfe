// The σ-check thread (sigma-thread.ts starts it with tsWorker): answers
// {id, groupKey, message, sigma} with {id, result: boolean}, in arrival order.

import { parentPort } from "node:worker_threads";
import { enableMclEngine, verifySignature } from "../crypto/bls/index.js";

// Messages that arrive meanwhile wait in the port until the listener below is attached.
// mcl, not blst: see relay/src/start.ts (decisions/021).
await enableMclEngine();
parentPort?.on("message", (r: { id: number; groupKey: Uint8Array; message: Uint8Array; sigma: Uint8Array }) => {
  parentPort?.postMessage({ id: r.id, result: verifySignature(r.groupKey, r.message, r.sigma) });
});
