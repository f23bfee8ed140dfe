// One thread of the SigningPool: builds transaction bodies with its own core.wasm and signs them
// with dev signers it derives once per seed. Replies go to its MessagePort, then its flag is set
// and notified (the pool's caller is blocked in Atomics.wait and reads the port synchronously).

import type { MessagePort } from "node:worker_threads";
import { parentPort, workerData } from "node:worker_threads";
import { signTxSync } from "../client/sign-tx.js";
import { Core } from "../core.js";
import { createEd25519, ed25519, type Signer } from "../crypto/ed25519.js";
import { toHex } from "../crypto/sha256.js";
import type { SignJob } from "./signing-pool.js";

const { wasm, chainId, flags, lane, replies } = workerData as {
  wasm: Uint8Array;
  chainId: bigint;
  flags: Int32Array;
  lane: number;
  replies: MessagePort;
};

const keys = ed25519.backend === "webcrypto" ? createEd25519("noble") : ed25519;
const signers = new Map<string, Signer>();

function reply(message: { txs?: Uint8Array[]; error?: string }): void {
  replies.postMessage(message);
  Atomics.store(flags, lane, 1);
  Atomics.notify(flags, lane);
}

// Anything thrown outside a job's handler still answers the blocked pool instead of leaving it waiting.
process.on("uncaughtException", (e) => reply({ error: `uncaught: ${String(e)}` }));

try {
  const core = await Core.load(wasm);
  parentPort!.on("message", (jobs: SignJob[]) => {
    try {
      const txs = jobs.map((j) => {
        const id = toHex(j.seed);
        let signer = signers.get(id);
        if (!signer) {
          signer = keys.signerFromSeedSync(j.seed);
          signers.set(id, signer);
        }
        return signTxSync({ codec: core.codec, signer, chainId, nonce: j.nonce, instruction: j.instruction });
      });
      reply({ txs });
    } catch (e) {
      reply({ error: String(e) });
    }
  });
  reply({ txs: [] }); // ready: for the pool's collect
  parentPort!.postMessage("ready"); // for the pool's create, which waits without blocking
} catch (e) {
  reply({ error: `loading core.wasm: ${String(e)}` });
  parentPort!.postMessage("failed");
}
