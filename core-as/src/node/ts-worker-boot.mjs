// Entry of every worker thread that runs a TypeScript module (ts-worker.ts). Node 20 does not apply
// the parent's `--import tsx` to worker threads, so the worker registers tsx itself, then loads
// the module named in its workerData.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.module);
