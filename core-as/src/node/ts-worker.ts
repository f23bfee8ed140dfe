// Worker threads that run a TypeScript module (the relay's σ checks, the validators' beacon work):
// they start at ts-worker-boot.mjs, which registers tsx and imports the module.

import { Worker, workerData } from "node:worker_threads";

/** A worker thread running `module` (a .ts file URL), with `data` for it to read via tsWorkerData. */
export function tsWorker(module: URL, data?: unknown): Worker {
  return new Worker(new URL("./ts-worker-boot.mjs", import.meta.url), { workerData: { module: module.href, data } });
}

/** Inside such a worker: the `data` it was started with. */
export function tsWorkerData<T>(): T {
  return (workerData as { data: T }).data;
}
