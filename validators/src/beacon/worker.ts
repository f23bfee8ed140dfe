// The beacon worker thread (worker-crypto.ts starts it with tsWorker): answers
// {id, op, ...} requests with {id, result} or {id, error}, one at a time, in arrival order.

import { parentPort } from "node:worker_threads";
import { enableFastBls, tsWorkerData } from "@nullspace/core/node";
import { beaconOps } from "./crypto.js";
import { decodeCommitments, decodeShare } from "./keys.js";

interface Init {
  share: Uint8Array;
  commitments: Uint8Array;
  groupKey: Uint8Array;
}

export type BeaconRequest =
  | { id: number; op: "partialSign"; message: Uint8Array }
  | { id: number; op: "recover"; message: Uint8Array; partials: { index: number; signature: Uint8Array }[] }
  | { id: number; op: "recoverMany"; items: { message: Uint8Array; partials: { index: number; signature: Uint8Array }[] }[] }
  | { id: number; op: "verify"; message: Uint8Array; sigma: Uint8Array };

export type BeaconResponse =
  | { id: number; result: Uint8Array | boolean | undefined | (Uint8Array | undefined)[] }
  | { id: number; error: string };

const init = tsWorkerData<Init>();
// Requests that arrive meanwhile wait in the port until the listener below is attached.
await enableFastBls();
const ops = beaconOps({ share: decodeShare(init.share), commitments: decodeCommitments(init.commitments), groupKey: init.groupKey });

parentPort?.on("message", (r: BeaconRequest) => {
  let response: BeaconResponse;
  try {
    const result =
      r.op === "partialSign"
        ? ops.partialSign(r.message)
        : r.op === "recover"
          ? ops.recover(r.message, r.partials)
          : r.op === "recoverMany"
            ? ops.recoverMany(r.items)
            : ops.verify(r.message, r.sigma);
    response = { id: r.id, result };
  } catch (e) {
    response = { id: r.id, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort?.postMessage(response);
});
