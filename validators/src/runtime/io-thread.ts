// A thread of its own for the writes and syncs of files (the consensus journal, the archive).
// On the libuv pool they queue behind signature verification (validators verify every
// transaction there), and done inline they stall the event loop for as long as the disk takes; on
// this thread they wait for neither. Requests run one at a time in arrival order, which is the
// order the journal issues them in anyway. The worker is a few lines of plain JavaScript (no
// TypeScript loader needed in the thread); file descriptors are per process, so it uses ours.

import { Worker } from "node:worker_threads";

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
parentPort.on("message", (r) => {
  try {
    if (r.op === "write") {
      let done = 0;
      while (done < r.data.length) done += fs.writeSync(r.fd, r.data, done, r.data.length - done);
      parentPort.postMessage({ id: r.id });
    } else {
      fs.fdatasyncSync(r.fd);
      parentPort.postMessage({ id: r.id });
    }
  } catch (e) {
    parentPort.postMessage({ id: r.id, code: (e && e.code) || "unknown" });
  }
});
`;

export class IoThreadError extends Error {
  override readonly name = "IoThreadError";
  constructor(readonly code: string) {
    super(`io thread: ${code}`);
  }
}

export class IoThread {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(): void; reject(e: Error): void }>();
  private nextId = 1;

  /** Appends all of `data` at the end of `fd` (opened O_APPEND). */
  write(fd: number, data: Uint8Array): Promise<void> {
    return this.call({ op: "write", fd, data });
  }

  /** fdatasync(fd). */
  datasync(fd: number): Promise<void> {
    return this.call({ op: "sync", fd });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    await w?.terminate();
  }

  private call(request: { op: "write" | "sync"; fd: number; data?: Uint8Array }): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.spawn().postMessage({ id, ...request });
    });
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.unref();
    w.on("message", (m: { id: number; code?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.code === undefined) p.resolve();
      else p.reject(new IoThreadError(m.code));
    });
    const gone = (e: Error) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      // A write or sync whose outcome is unknown must be treated as failed (fs-storage.ts).
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    w.on("error", gone);
    w.on("exit", (code) => gone(new IoThreadError(`EXIT_${code}`)));
    this.worker = w;
    return w;
  }
}
