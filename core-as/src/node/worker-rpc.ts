// Requests to a worker thread, answered by id: the worker posts {id, result} or {id, error}. The
// worker starts on the first request and again on the first one after it died; a death fails
// every pending request (the caller decides whether to retry: a journal write whose outcome is
// unknown must count as failed). Used by the validators' io and BLS threads and the relay's PGlite,
// σ and Ed25519 threads.

import type { Worker } from "node:worker_threads";

export type WorkerReply = { id: number; result?: unknown } | { id: number; error: string };

/**
 * For callers that can do the work without the thread (the σ and Ed25519 checks answer on the
 * calling thread): after a death, requests are refused with `COOLING` for `firstMs`, doubling with
 * each death up to `maxMs`, before a new worker is tried. A worker that dies on every message would
 * otherwise be started again for each (~0.3 s of CPU and 35 MB for a tsx worker). A death after a
 * worker lived `maxMs` or longer counts as a first one.
 */
export interface RestartBackoff {
  firstMs: number;
  maxMs: number;
  /** The clock, in ms (default `performance.now`). */
  now?: () => number;
}

/** The backoff of the threads whose work can be done on the calling thread instead. */
export const INLINE_FALLBACK_BACKOFF: RestartBackoff = { firstMs: 1_000, maxMs: 30_000 };

export class WorkerRpc {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(e: Error): void }>();
  private nextId = 1;
  private startedAt = 0;
  /** Deaths in a row (each within `maxMs` of its worker's start) and when the next start may be. */
  private deaths = 0;
  private coolUntil = -Infinity;
  /** Workers started, workers that died (not stopped by `close`), and requests refused while cooling. */
  readonly counts = { starts: 0, deaths: 0, refusedCooling: 0 };

  /** `toError` turns a worker's error string (or `EXIT_<code>`, `CLOSED`, `COOLING`) into the caller's error type. */
  constructor(
    private readonly start: () => Worker,
    private readonly toError: (error: string) => Error,
    private readonly backoff?: RestartBackoff,
  ) {
    if (backoff && !(backoff.firstMs > 0 && backoff.maxMs >= backoff.firstMs)) throw new RangeError("backoff needs 0 < firstMs <= maxMs");
  }

  call(request: object): Promise<unknown> {
    if (!this.worker && this.backoff && this.now() < this.coolUntil) {
      this.counts.refusedCooling++;
      return Promise.reject(this.toError("COOLING"));
    }
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

  private now(): number {
    return this.backoff?.now ? this.backoff.now() : performance.now();
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const w = this.start();
    w.unref();
    this.counts.starts++;
    this.startedAt = this.now();
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
      this.died();
      this.failAll(e);
    };
    w.on("error", gone);
    w.on("exit", (code) => gone(this.toError(`EXIT_${code}`)));
    this.worker = w;
    return w;
  }

  private died(): void {
    this.counts.deaths++;
    if (!this.backoff) return;
    const { firstMs, maxMs } = this.backoff;
    const now = this.now();
    this.deaths = now - this.startedAt >= maxMs ? 1 : this.deaths + 1;
    this.coolUntil = now + Math.min(maxMs, firstMs * 2 ** (this.deaths - 1));
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
