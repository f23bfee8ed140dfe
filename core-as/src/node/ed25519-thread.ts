// Ed25519 checks on worker threads, in batches. node:crypto's callback form hands each check to the
// libuv pool, and every hand-off wakes a pool thread: on a busy 2-core machine the woken thread took
// the caller's core, and a third of a relay's main-thread samples during /submit sat in that call
// (docs/benchmarks.md, "`/submit`: signature checks in batches on a thread"). Here the checks
// queued in one event-loop turn go to a thread in a few messages, one wake-up each, and the key
// imports (a new account's first check imports its key) move there too. A check a thread cannot
// answer (it died, was closed, or died lately and is not started again yet: INLINE_FALLBACK_BACKOFF)
// is answered here instead, so a verdict never depends on the thread.

import { availableParallelism } from "node:os";
import { PUBLIC_KEY_LENGTH, SIGNATURE_LENGTH, type VerifyItem } from "../crypto/ed25519.js";
import { checkVerifyFrame, VerifyFrameWriter } from "./ed25519-frame.js";
import { tsWorker } from "./ts-worker.js";
import { INLINE_FALLBACK_BACKOFF, WorkerRpc } from "./worker-rpc.js";

export interface Ed25519ThreadOptions {
  /** Worker threads (default: one core fewer than the machine has, 1 to 4). */
  threads?: number;
  /**
   * Checks a message at most (default 16; a larger turn goes in several). 16 rather than 64: with
   * 64 the thread verified a whole turn (~9 ms) while the event loop waited for all of it; 16 at a
   * time, the loop answers one batch while the thread checks the next (5,830/s against 5,250 at 64
   * requests in flight).
   */
  maxBatch?: number;
}

interface Lane {
  rpc: WorkerRpc;
  /** Checks sent and not yet answered. */
  checks: number;
}

export class Ed25519Thread {
  private readonly lanes: Lane[];
  private readonly maxBatch: number;
  private readonly writer = new VerifyFrameWriter();
  private resolvers: ((ok: boolean) => void)[] = [];
  private scheduled = false;
  private closed = false;
  /** Checks answered by a thread and on the calling thread. */
  readonly answered = { thread: 0, inline: 0 };

  constructor(o: Ed25519ThreadOptions = {}) {
    const threads = o.threads ?? Math.min(4, Math.max(1, availableParallelism() - 1));
    if (!(Number.isInteger(threads) && threads >= 1)) throw new RangeError("threads must be a whole number from 1");
    this.maxBatch = o.maxBatch ?? 16;
    if (!(Number.isInteger(this.maxBatch) && this.maxBatch >= 1)) throw new RangeError("maxBatch must be a whole number from 1");
    this.lanes = Array.from({ length: threads }, () => ({
      rpc: new WorkerRpc(
        () => tsWorker(new URL("./ed25519-worker.ts", import.meta.url)),
        (code) => new Error(`ed25519 thread: ${code}`),
        INLINE_FALLBACK_BACKOFF,
      ),
      checks: 0,
    }));
  }

  /** Starts the threads now rather than on the first check (a thread takes ~0.3 s to load). */
  async warm(): Promise<void> {
    if (this.closed) return;
    await Promise.all(this.lanes.map((lane) => lane.rpc.call({ frame: new VerifyFrameWriter(4).take() }).catch(() => {})));
  }

  /** The strict verdict of `verify` (crypto/ed25519.ts) on this check, computed on a thread. */
  verify(item: VerifyItem): Promise<boolean> {
    const { publicKey, message, signature } = item;
    if (
      !(publicKey instanceof Uint8Array && message instanceof Uint8Array && signature instanceof Uint8Array) ||
      publicKey.length !== PUBLIC_KEY_LENGTH ||
      signature.length !== SIGNATURE_LENGTH
    )
      return Promise.resolve(false);
    return new Promise((resolve) => {
      this.writer.push(publicKey, message, signature);
      this.resolvers.push(resolve);
      if (this.resolvers.length >= this.maxBatch) this.send();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          if (this.resolvers.length > 0) this.send();
        });
      }
    });
  }

  /** Stops the threads; later checks run on the calling thread. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.lanes.map((lane) => lane.rpc.close()));
  }

  private send(): void {
    const frame = this.writer.take();
    const resolvers = this.resolvers;
    this.resolvers = [];
    if (this.closed) {
      this.answerHere(frame, resolvers);
      return;
    }
    // The thread with the fewest checks outstanding; ties go to the first (one thread stays warm).
    let lane = this.lanes[0] as Lane;
    for (const l of this.lanes) if (l.checks < lane.checks) lane = l;
    lane.checks += resolvers.length;
    lane.rpc.call({ frame }).then(
      (result) => {
        lane.checks -= resolvers.length;
        const verdicts = result as Uint8Array;
        if (!(verdicts instanceof Uint8Array) || verdicts.length !== resolvers.length) {
          this.answerHere(frame, resolvers);
          return;
        }
        this.answered.thread += resolvers.length;
        settle(resolvers, verdicts);
      },
      () => {
        lane.checks -= resolvers.length;
        this.answerHere(frame, resolvers);
      },
    );
  }

  private answerHere(frame: Uint8Array, resolvers: ((ok: boolean) => void)[]): void {
    let verdicts: Uint8Array = new Uint8Array(0);
    try {
      verdicts = checkVerifyFrame(frame);
    } catch {
      // Our own frame, never malformed (ed25519-thread.test.ts); were it, every check fails closed.
    }
    this.answered.inline += resolvers.length;
    settle(resolvers, verdicts);
  }
}

/** Answers each check with its verdict byte (1 valid; missing: invalid). */
function settle(resolvers: ((ok: boolean) => void)[], verdicts: Uint8Array): void {
  for (let i = 0; i < resolvers.length; i++) (resolvers[i] as (ok: boolean) => void)(verdicts[i] === 1);
}
