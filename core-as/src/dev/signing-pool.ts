// Builds and signs a block's transactions on worker threads, for hosts that sign far more than
// they execute (the simulation command: ed25519 signing was about half its time). Each worker has
// its own core.wasm (transaction bodies) and keeps the signers it has derived. `signAll` is
// synchronous — the caller blocks on Atomics.wait while the workers sign contiguous slices of the
// jobs — so a LocalChain can use it inside `seal` without becoming asynchronous. Signatures are
// deterministic (RFC 8032), so the bytes are the same as signing on the calling thread.
// Node only; not part of the package's browser surface.
import { availableParallelism } from "node:os";
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import type { Instruction } from "../codec.js";

/** One transaction to build: the signer's 32-byte seed, its nonce and the instruction. */
export interface SignJob {
  seed: Uint8Array;
  nonce: bigint;
  instruction: Instruction;
}

/** What LocalChain needs of a pool. */
export interface BulkSigner {
  signAll(jobs: readonly SignJob[]): Uint8Array[];
}

interface Lane {
  worker: Worker;
  replies: MessagePort;
}

/** The worker module; run from TypeScript sources, a bootstrap that first registers tsx in the
 * worker (Node 20 workers do not inherit the loader given with --import). */
function workerEntry(): URL {
  const worker = new URL(`./signing-worker.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`, import.meta.url);
  if (!import.meta.url.endsWith(".ts")) return worker;
  const boot = `const { register } = await import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}); register(); await import(${JSON.stringify(worker.href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}

/** A batch that takes longer than this means a lost worker, not a slow one. */
const TIMEOUT_MS = 600_000;
/** A lane's flag: WAITING while its worker signs, 1 once it has replied (set by the worker). */
const WAITING = 0;

export class SigningPool implements BulkSigner {
  private constructor(
    private readonly lanes: Lane[],
    private readonly flags: Int32Array,
  ) {}

  /** Starts `workers` threads (default: one per core), each loading `wasm`, and waits until they are
   * ready. Asynchronous: a worker loads its modules through the loader of this thread (tsx in
   * development), which must not be blocked meanwhile. */
  static async create(o: { wasm: Uint8Array; chainId: bigint; workers?: number }): Promise<SigningPool> {
    const n = Math.max(1, o.workers ?? availableParallelism());
    const flags = new Int32Array(new SharedArrayBuffer(4 * n));
    const lanes: Lane[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(workerEntry(), {
        workerData: { wasm: o.wasm, chainId: o.chainId, flags, lane: i, replies: port2 },
        transferList: [port2],
      });
      worker.unref(); // never the reason the process stays alive
      lanes.push({ worker, replies: port1 });
      ready.push(
        new Promise((resolve, reject) => {
          worker.once("error", reject);
          worker.once("message", () => resolve()); // sent once, when its wasm is loaded
        }),
      );
    }
    await Promise.all(ready);
    const pool = new SigningPool(lanes, flags);
    pool.collect(); // each worker reports once its wasm is loaded
    return pool;
  }

  get size(): number {
    return this.lanes.length;
  }

  /** The signed transactions of `jobs`, in order. */
  signAll(jobs: readonly SignJob[]): Uint8Array[] {
    if (jobs.length === 0) return [];
    const per = Math.ceil(jobs.length / this.lanes.length);
    const used = this.lanes.filter((_, i) => i * per < jobs.length);
    used.forEach((lane, i) => {
      Atomics.store(this.flags, i, WAITING);
      lane.worker.postMessage(jobs.slice(i * per, (i + 1) * per));
    });
    return this.collect(used.length).flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.worker.terminate()));
  }

  /** Blocks until the first `count` lanes are done and returns their replies. */
  private collect(count = this.lanes.length): Uint8Array[][] {
    const out: Uint8Array[][] = [];
    for (let i = 0; i < count; i++) {
      if (Atomics.wait(this.flags, i, WAITING, TIMEOUT_MS) === "timed-out")
        throw new Error(`signing worker ${i}: no reply within ${TIMEOUT_MS / 1000} s (the thread died or hung)`);
      const reply = receiveMessageOnPort(this.lanes[i]!.replies)?.message as { txs?: Uint8Array[]; error?: string } | undefined;
      if (!reply || reply.error !== undefined) throw new Error(`signing worker ${i}: ${reply?.error ?? "flagged done without a reply"}`);
      out.push(reply.txs ?? []);
    }
    return out;
  }
}
