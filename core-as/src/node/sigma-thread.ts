// σ checks on a worker thread. A σ check is a BLS pairing check, ~30 ms on noble, ~5 ms on the
// mcl engine and ~1 ms on blst (the worker enables blst, else mcl) on this machine; a relay checks
// the σ of every height that needs one, and on its event loop each check held back its live
// updates and HTTP answers (docs/benchmarks.md, "Relay"). The worker answers in order; if it
// cannot answer (it died, was closed, or died lately and waits out INLINE_FALLBACK_BACKOFF), the
// check runs here instead, so a verdict never depends on the thread.

import { type PublicKeyInput, verifySignature } from "../crypto/bls/index.js";
import { tsWorker } from "./ts-worker.js";
import { INLINE_FALLBACK_BACKOFF, WorkerRpc } from "./worker-rpc.js";

export class SigmaThread {
  private readonly rpc = new WorkerRpc(
    () => tsWorker(new URL("./sigma-worker.ts", import.meta.url)),
    (code) => new Error(`sigma thread: ${code}`),
    INLINE_FALLBACK_BACKOFF,
  );

  private closed = false;
  /** Checks answered by the thread and on the calling thread. */
  readonly answered = { thread: 0, inline: 0 };

  /** verifySignature(groupKey, message, sigma), computed on the worker thread. */
  async verify(groupKey: PublicKeyInput, message: Uint8Array, sigma: Uint8Array): Promise<boolean> {
    // Keys as bytes only: a decoded point does not survive the copy to the thread.
    if (!this.closed && groupKey instanceof Uint8Array) {
      try {
        const ok = (await this.rpc.call({ groupKey, message, sigma })) === true;
        this.answered.thread++;
        return ok;
      } catch {
        // Dead or closed meanwhile: answered here.
      }
    }
    this.answered.inline++;
    return verifySignature(groupKey, message, sigma);
  }

  /** Stops the thread; later checks run on the calling thread. */
  close(): Promise<void> {
    this.closed = true;
    return this.rpc.close();
  }
}
