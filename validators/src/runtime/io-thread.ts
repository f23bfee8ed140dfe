// A thread of its own for the writes and syncs of files (the consensus journal, the archive).
// On the libuv pool they queue behind signature verification (validators verify every
// transaction there), and done inline they stall the event loop for as long as the disk takes; on
// this thread they wait for neither. Requests run one at a time in arrival order, which is the
// order the journal issues them in anyway. The worker is a few lines of plain JavaScript (no
// TypeScript loader needed in the thread); file descriptors are per process, so it uses ours.

import { Worker } from "node:worker_threads";
import { WorkerRpc } from "@nullspace/core/node";

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const fs = require("node:fs");
parentPort.on("message", (r) => {
  try {
    if (r.op === "write") {
      let done = 0;
      while (done < r.data.length) done += fs.writeSync(r.fd, r.data, done, r.data.length - done);
    } else {
      fs.fdatasyncSync(r.fd);
    }
    parentPort.postMessage({ id: r.id });
  } catch (e) {
    parentPort.postMessage({ id: r.id, error: (e && e.code) || "unknown" });
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
  private readonly rpc = new WorkerRpc(
    () => new Worker(WORKER_SOURCE, { eval: true }),
    (code) => new IoThreadError(code),
  );

  /** Appends all of `data` at the end of `fd` (opened O_APPEND). */
  async write(fd: number, data: Uint8Array): Promise<void> {
    await this.rpc.call({ op: "write", fd, data });
  }

  /** fdatasync(fd). */
  async datasync(fd: number): Promise<void> {
    await this.rpc.call({ op: "sync", fd });
  }

  /** Fails what is pending (its outcome is unknown: treat it as failed) and stops the thread. */
  close(): Promise<void> {
    return this.rpc.close();
  }
}
