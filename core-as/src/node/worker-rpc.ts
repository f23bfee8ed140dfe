// Requests to a worker thread, answered by id: the worker posts {id, result} or {id, error}. The
// worker starts on the first request and again on the first one after it died; a death fails
// every pending request (the caller decides whether to retry: a journal write whose outcome is
// unknown must count as failed). Used by the validators' io and BLS threads and the relay's PGlite thread.

import type { Worker } from "node:worker_threads";

export type WorkerReply = { id: number; result?: unknown } | { id: number; error: string };

export class WorkerRpc {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(e: Error): void }>();
  private nextId = 1;

  /** `toError` turns a worker's error string (or `EXIT_<code>`, `CLOSED`) into the caller's error type. */
  constructor(
    private readonly start: () => Worker,
    private readonly toError: (error: string) => Error,
  ) {}

  call(request: object): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.spawn().postMessage({ id, ...request });
    });
  }

  /** Fails what is pending and stops the worker; a later call starts a new one. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.failAll(this.toError("CLOSED"));
    await w?.terminate();
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const w = this.start();
    w.unref();
    w.on("message", (r: WorkerReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if ("error" in r) p.reject(this.toError(r.error));
      else p.resolve(r.result);
    });
    const gone = (e: Error) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.failAll(e);
    };
    w.on("error", gone);
    w.on("exit", (code) => gone(this.toError(`EXIT_${code}`)));
    this.worker = w;
    return w;
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
