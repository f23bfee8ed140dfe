// BeaconCrypto on a worker thread: BLS partial signing, recovery and σ verification run beside
// consensus instead of blocking it. Requests are answered in order; a worker that dies fails its
// pending requests and is restarted on the next request, so the executor's retry path (it asks
// again for a missing σ) recovers from it.

import { Worker } from "node:worker_threads";
import type { BeaconCrypto, BeaconKeys } from "./crypto.js";
import { encodeCommitments, encodeShare } from "./keys.js";
import type { PartialSignature } from "./recover.js";
import type { BeaconRequest, BeaconResponse } from "./worker.js";

type Pending = { resolve(value: Uint8Array | boolean | undefined): void; reject(e: Error): void };
type Request = BeaconRequest extends infer R ? (R extends BeaconRequest ? Omit<R, "id"> : never) : never;

export class WorkerBeaconCrypto implements BeaconCrypto {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private readonly init: { share: Uint8Array; commitments: Uint8Array; groupKey: Uint8Array };

  constructor(keys: BeaconKeys) {
    this.init = { share: encodeShare(keys.share), commitments: encodeCommitments(keys.commitments), groupKey: keys.groupKey };
  }

  async partialSign(message: Uint8Array): Promise<Uint8Array> {
    return (await this.call({ op: "partialSign", message })) as Uint8Array;
  }

  async recover(message: Uint8Array, partials: readonly PartialSignature[]): Promise<Uint8Array | undefined> {
    const list = partials.map((p) => ({ index: p.index, signature: p.signature }));
    return (await this.call({ op: "recover", message, partials: list })) as Uint8Array | undefined;
  }

  async verify(message: Uint8Array, sigma: Uint8Array): Promise<boolean> {
    return (await this.call({ op: "verify", message, sigma })) === true;
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = undefined;
    this.failAll(new Error("beacon worker closed"));
    await w?.terminate();
  }

  private call(request: Request): Promise<Uint8Array | boolean | undefined> {
    if (this.closed) return Promise.reject(new Error("beacon worker closed"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.spawn().postMessage({ id, ...request });
    });
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(new URL("./worker-boot.mjs", import.meta.url), { workerData: this.init });
    w.unref();
    w.on("message", (r: BeaconResponse) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if ("error" in r) p.reject(new Error(r.error));
      else p.resolve(r.result === undefined ? undefined : typeof r.result === "boolean" ? r.result : new Uint8Array(r.result));
    });
    const gone = (e: Error) => {
      if (this.worker !== w) return;
      this.worker = undefined;
      this.failAll(e);
    };
    w.on("error", gone);
    w.on("exit", (code) => gone(new Error(`beacon worker exited (${code})`)));
    this.worker = w;
    return w;
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}
