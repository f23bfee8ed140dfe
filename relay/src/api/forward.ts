// Forwarding accepted transactions to the validators (docs/relay-api.md, "POST /submit"). Every
// transaction that passed the relay's checks in one event-loop turn goes out together, as one
// batched /submit to one validator (the next in turn with a free slot): a validator's per-address
// request limit (50/s by default) then bounds batches, not transactions, and a busy relay costs
// validators one request per turn instead of one per player. At most `maxInflight` batches are
// out per validator; past that, transactions wait for the next free slot and go in one larger
// batch (group commit): under load, batches grow instead of requests multiplying. Transactions a validator refuses for a reason of
// its own (BUSY, a full pool), or all of them when it does not answer, go on to the next; any
// other verdict, acceptance or refusal, is the answer.
//
// A validator that gave no verdicts (down, hung, refusing requests, answering garbage) is passed
// over as a batch's first, and tried only after the others, for a pause that doubles from 1 s to
// 30 s while it keeps failing; it is back in turn once it answers. A hung validator (frozen, or cut
// off behind a link that drops packets) otherwise cost every batch that began with it the whole
// request timeout, 5 s: one player's submission in four, for as long as it hung.
import { encodeTxBatch, TX_BATCH_MEDIA_TYPE } from "@nullspace/core";
import { HttpPoster } from "@nullspace/core/node";
import { RelayError } from "../errors.js";

export interface MempoolVerdict {
  ok: boolean;
  hash?: string;
  code?: string;
  hint?: string;
  retryable?: boolean;
}

export interface ForwarderOptions {
  validators: readonly string[];
  /** Per request to a validator (ms). */
  timeoutMs: number;
  /** Transactions per batch (the validators accept up to 1,024). */
  maxBatch?: number;
  /** Bytes of transactions per batch (default 512 KiB; a validator's body limit is 1 MiB). */
  maxBatchBytes?: number;
  /** Batches out at once per validator (default 2); the rest wait and are sent together. */
  maxInflight?: number;
  /** Called once per batch sent: the validator and how many transactions it carried. */
  onBatch?: (validator: string, txs: number) => void;
  /** The first pause of a validator that gave no verdicts (default 1,000 ms; doubled to maxPassOverMs while it fails). */
  passOverMs?: number;
  maxPassOverMs?: number;
  now?: () => number;
}

/** Refusals that say something about the validator, not the transaction: another may accept. */
const TRY_ANOTHER = new Set(["BUSY", "POOL_FULL"]);

const MEMPOOL_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const TX_HASH = /^[0-9a-f]{64}$/;

/**
 * A verdict as the validators' /submit gives one, or undefined for anything else: a faulty or
 * Byzantine validator's answer must neither throw in the relay nor reach a client unchecked (a
 * refusal names a mempool code, a hash is one, a hint is short text).
 */
export function verdictOf(v: unknown): MempoolVerdict | undefined {
  if (typeof v !== "object" || v === null) return undefined;
  const { ok, hash, code, hint, retryable } = v as Record<string, unknown>;
  if (typeof ok !== "boolean") return undefined;
  if (hash !== undefined && !(typeof hash === "string" && TX_HASH.test(hash))) return undefined;
  if (ok ? code !== undefined : !(typeof code === "string" && MEMPOOL_CODE.test(code))) return undefined;
  if (hint !== undefined && !(typeof hint === "string" && hint.length <= 400)) return undefined;
  if (retryable !== undefined && typeof retryable !== "boolean") return undefined;
  const verdict: MempoolVerdict = { ok };
  if (hash !== undefined) verdict.hash = hash;
  if (code !== undefined) verdict.code = code as string;
  if (hint !== undefined) verdict.hint = hint;
  if (retryable !== undefined) verdict.retryable = retryable;
  return verdict;
}

interface Waiting {
  tx: Uint8Array;
  resolve: (v: MempoolVerdict) => void;
  reject: (e: Error) => void;
  /** The first validator's own refusal, answered if no other accepts. */
  refusal?: MempoolVerdict;
}

export class Forwarder {
  private queue: Waiting[] = [];
  private queuedBytes = 0;
  private scheduled = false;
  private turn = 0;
  private readonly maxBatch: number;
  private readonly maxBatchBytes: number;
  private readonly maxInflight: number;
  /** Batches out per validator, by index: a batch holds its first validator's slot until answered. */
  private readonly inflight: number[];
  /** Per validator: until when it is passed over (Date.now() ms), and the pause its next failure earns. */
  private readonly passedOverUntil: number[];
  private readonly nextPassOverMs: number[];
  private readonly poster: HttpPoster;

  constructor(private readonly o: ForwarderOptions) {
    this.maxBatch = o.maxBatch ?? 256;
    this.maxBatchBytes = o.maxBatchBytes ?? 512 * 1024;
    this.maxInflight = o.maxInflight ?? 2;
    this.inflight = o.validators.map(() => 0);
    this.passedOverUntil = o.validators.map(() => 0);
    this.nextPassOverMs = o.validators.map(() => o.passOverMs ?? 1000);
    // Room beyond the batch slots for batches passed on from another validator (they hold their
    // first validator's slot, not this one's): they should not queue behind this one's own.
    this.poster = new HttpPoster({ maxSockets: 2 * this.maxInflight });
  }

  /** Closes the connections to the validators. */
  close(): void {
    this.poster.close();
  }

  /** The verdict of the validator that took or refused `tx`; RELAY_UPSTREAM_UNAVAILABLE if none answered. */
  forward(tx: Uint8Array): Promise<MempoolVerdict> {
    return new Promise((resolve, reject) => {
      this.queue.push({ tx, resolve, reject });
      this.queuedBytes += tx.length;
      if (this.queue.length >= this.maxBatch || this.queuedBytes >= this.maxBatchBytes) this.flush(false);
      if (this.queue.length > 0 && !this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush(true));
      }
    });
  }

  /** Sends the queue as batches; `all` false (a bound was reached mid-turn): only the full ones. */
  private flush(all: boolean): void {
    if (all) this.scheduled = false;
    while (this.queue.length > 0) {
      // As many as fit both bounds, and at least one.
      let n = 0;
      let bytes = 0;
      while (n < this.queue.length && n < this.maxBatch && (n === 0 || bytes + (this.queue[n] as Waiting).tx.length <= this.maxBatchBytes))
        bytes += (this.queue[n++] as Waiting).tx.length;
      if (!all && n === this.queue.length && n < this.maxBatch && this.queuedBytes < this.maxBatchBytes) break;
      const first = this.freeValidator();
      if (first === undefined) return; // every slot is out: the next answer flushes what waits
      this.queuedBytes -= bytes;
      this.inflight[first] = (this.inflight[first] as number) + 1;
      void this.send(this.queue.splice(0, n), first).finally(() => {
        this.inflight[first] = (this.inflight[first] as number) - 1;
        if (this.queue.length > 0) this.flush(true);
      });
    }
  }

  /** The next validator in turn with a free slot, one not passed over if there is one; undefined when all are full. */
  private freeValidator(): number | undefined {
    const n = this.o.validators.length;
    const now = this.now();
    let passedOver: number | undefined;
    for (let k = 0; k < n; k++) {
      const i = this.turn++ % n;
      if ((this.inflight[i] as number) >= this.maxInflight) continue;
      if (now >= (this.passedOverUntil[i] as number)) return i;
      passedOver ??= i;
    }
    return passedOver;
  }

  /** The validators a batch tries, `first` first: then the others in turn, those passed over last. */
  private order(first: number): number[] {
    const n = this.o.validators.length;
    const now = this.now();
    const rest = Array.from({ length: n - 1 }, (_, k) => (first + 1 + k) % n);
    const isPassedOver = (i: number) => now < (this.passedOverUntil[i] as number);
    return [first, ...rest.filter((i) => !isPassedOver(i)), ...rest.filter(isPassedOver)];
  }

  private noteAnswered(i: number, answered: boolean): void {
    if (answered) {
      this.passedOverUntil[i] = 0;
      this.nextPassOverMs[i] = this.o.passOverMs ?? 1000;
      return;
    }
    const pause = this.nextPassOverMs[i] as number;
    this.passedOverUntil[i] = this.now() + pause;
    this.nextPassOverMs[i] = Math.min(pause * 2, this.o.maxPassOverMs ?? 30_000);
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private async send(batch: Waiting[], first: number): Promise<void> {
    let left = batch;
    for (const i of this.order(first)) {
      if (left.length === 0) break;
      const verdicts = await this.post(this.o.validators[i] as string, left);
      this.noteAnswered(i, verdicts !== undefined);
      if (!verdicts) continue; // down, slow or refusing requests: all of them go to the next
      const again: Waiting[] = [];
      for (const [i, w] of left.entries()) {
        const v = verdicts[i] as MempoolVerdict;
        if (v.ok || !TRY_ANOTHER.has(v.code ?? "")) w.resolve(v);
        else {
          w.refusal ??= v;
          again.push(w);
        }
      }
      left = again;
    }
    for (const w of left) {
      if (w.refusal) w.resolve(w.refusal);
      else w.reject(new RelayError("RELAY_UPSTREAM_UNAVAILABLE", "no validator answered"));
    }
  }

  /** One batched /submit; the verdicts in order, or undefined when the validator gave none (or any malformed). */
  private async post(base: string, batch: Waiting[]): Promise<MempoolVerdict[] | undefined> {
    try {
      this.o.onBatch?.(base, batch.length);
      const r = await this.poster.post(`${base}/submit`, TX_BATCH_MEDIA_TYPE, encodeTxBatch(batch.map((w) => w.tx)), this.o.timeoutMs);
      if (r.status !== 200) return undefined;
      const results = (r.body as { results?: unknown } | undefined)?.results;
      if (!Array.isArray(results) || results.length !== batch.length) return undefined;
      const verdicts = results.map(verdictOf);
      return verdicts.every((v) => v !== undefined) ? (verdicts as MempoolVerdict[]) : undefined;
    } catch {
      return undefined;
    }
  }
}
