// What signature checks alone allow /submit on this machine. Every accepted transaction is
// checked once by the relay that takes it (precheck) and once by each validator (on entering its
// mempool, by gossip or from a relay; a proposal's transactions already seen are not checked
// again, validators/src/node/chain-app.ts). The bench's transactions come from fresh accounts, so
// each check also imports a public key the checker has not seen. This measures that cost on one
// thread, with the same node:crypto Ed25519 the relay and validators use, and turns it into the
// rate at which those checks alone would fill every core. The rate is measured with every core
// checking (node:crypto's libuv pool), not scaled from one thread: two vCPUs that share a physical
// core do not check twice as fast as one.
import { createEd25519, type VerifyItem } from "@nullspace/core";
import { median } from "../../validators/bench/stats.js";

export interface SignatureCost {
  /** CPU µs of one check of a fresh account's signature (key import + verify), median of runs. */
  freshKeyUs: number;
  /** The same with the key already imported (a returning player). */
  knownKeyUs: number;
  /** Fresh-key checks a second with every core checking (the libuv pool), median of runs. */
  machinePerSec: number;
}

/** Thread CPU µs per item of `verify(items)`; call it with nothing else running in the process. */
function cpuUsPerItem(verify: (items: readonly VerifyItem[]) => boolean[], items: readonly VerifyItem[]): number {
  const t0 = process.cpuUsage();
  const ok = verify(items);
  const t = process.cpuUsage(t0);
  if (!ok.every(Boolean)) throw new Error("a signature the bench made did not verify");
  return (t.user + t.system) / items.length;
}

export async function measureSignatureCost(o: { items?: number; runs?: number } = {}): Promise<SignatureCost> {
  const n = o.items ?? 1000;
  const message = new Uint8Array(160).fill(7); // about a transaction body with its domain prefix
  const fresh: number[] = [];
  const known: number[] = [];
  const rates: number[] = [];
  const signing = createEd25519("node");
  for (let run = 0; run < (o.runs ?? 5); run++) {
    const items: VerifyItem[] = [];
    for (let i = 0; i < n; i++) {
      const seed = new Uint8Array(32);
      new DataView(seed.buffer).setUint32(0, run * n + i + 1);
      const signer = signing.signerFromSeedSync(seed);
      if (!signer.signSync) throw new Error("node:crypto signers sign synchronously");
      items.push({ publicKey: signer.publicKey, message, signature: signer.signSync(message) });
    }
    const ed = createEd25519("node"); // its key cache starts empty: every key is new to it
    fresh.push(cpuUsPerItem((x) => ed.verifyBatchSync(x), items));
    known.push(cpuUsPerItem((x) => ed.verifyBatchSync(x), items));
    const pooled = createEd25519("node");
    const t0 = performance.now();
    if (!(await pooled.verifyBatch(items, { offMainThread: true })).every(Boolean)) throw new Error("a pooled check failed");
    rates.push((n * 1000) / (performance.now() - t0));
  }
  return { freshKeyUs: median(fresh), knownKeyUs: median(known), machinePerSec: median(rates) };
}
