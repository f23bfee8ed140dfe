// BeaconCrypto on a worker thread (worker.ts, started with tsWorker): BLS partial signing,
// recovery and σ verification run beside consensus instead of blocking it. Requests are answered
// in order; a worker that dies fails its pending requests and is restarted on the next request, so
// the executor's retry path (it asks again for a missing σ) recovers from it.

import { tsWorker, WorkerRpc } from "@nullspace/core/node";
import type { BeaconCrypto, BeaconKeys } from "./crypto.js";
import { encodeCommitments, encodeShare } from "./keys.js";
import type { PartialSignature, RecoverManyItem } from "./recover.js";
import type { BeaconRequest } from "./worker.js";

type Request = BeaconRequest extends infer R ? (R extends BeaconRequest ? Omit<R, "id"> : never) : never;

export class WorkerBeaconCrypto implements BeaconCrypto {
  private readonly rpc: WorkerRpc;
  private closed = false;

  constructor(keys: BeaconKeys) {
    const workerData = { share: encodeShare(keys.share), commitments: encodeCommitments(keys.commitments), groupKey: keys.groupKey };
    this.rpc = new WorkerRpc(
      () => tsWorker(new URL("./worker.ts", import.meta.url), workerData),
      (error) =>
        new Error(
          error === "CLOSED" ? "beacon worker closed" : error.startsWith("EXIT_") ? `beacon worker exited (${error.slice(5)})` : error,
        ),
    );
  }

  async partialSign(message: Uint8Array): Promise<Uint8Array> {
    return new Uint8Array((await this.call({ op: "partialSign", message })) as Uint8Array);
  }

  async recover(message: Uint8Array, partials: readonly PartialSignature[]): Promise<Uint8Array | undefined> {
    const list = partials.map((p) => ({ index: p.index, signature: p.signature }));
    const sigma = (await this.call({ op: "recover", message, partials: list })) as Uint8Array | undefined;
    return sigma === undefined ? undefined : new Uint8Array(sigma);
  }

  async recoverMany(items: readonly RecoverManyItem[]): Promise<(Uint8Array | undefined)[]> {
    const list = items.map((it) => ({
      message: it.message,
      partials: it.partials.map((p) => ({ index: p.index, signature: p.signature })),
    }));
    const sigmas = (await this.call({ op: "recoverMany", items: list })) as (Uint8Array | undefined)[];
    return sigmas.map((s) => (s === undefined ? undefined : new Uint8Array(s)));
  }

  async verify(message: Uint8Array, sigma: Uint8Array): Promise<boolean> {
    return (await this.call({ op: "verify", message, sigma })) === true;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.rpc.close();
  }

  private call(request: Request): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error("beacon worker closed"));
    return this.rpc.call(request);
  }
}
