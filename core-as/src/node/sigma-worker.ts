// The σ-check thread (sigma-thread.ts starts it with tsWorker): answers
// {id, groupKey, message, sigma} with {id, result: boolean}, in arrival order.

import { parentPort } from "node:worker_threads";
import { verifySignature } from "../crypto/bls/index.js";
import { enableFastBls } from "./blst-engine.js";

// Messages that arrive meanwhile wait in the port until the listener below is attached.
await enableFastBls();
parentPort?.on("message", (r: { id: number; groupKey: Uint8Array; message: Uint8Array; sigma: Uint8Array }) => {
  parentPort?.postMessage({ id: r.id, result: verifySignature(r.groupKey, r.message, r.sigma) });
});
