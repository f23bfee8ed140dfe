// Entry of the σ-check thread. Node 20 does not apply the parent's `--import tsx` to worker
// threads, so the worker registers tsx itself before loading the TypeScript module.
import { register } from "tsx/esm/api";

register();
await import("./sigma-worker.ts");
