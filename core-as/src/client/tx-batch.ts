// The body of a batched POST /submit (docs/validator-api.md): varint count ‖ count × (varint
// length ‖ transaction), with the codec's minimal LEB128 varints. Relays and SDKs send it; the
// validators' API decodes it (with its own bounds and error codes).
import { readVarint, VarintError, writeVarint } from "./varint.js";

/** A body that is not a batch; the message names the offset of the first problem. */
export class TxBatchError extends Error {
  override readonly name = "TxBatchError";
}

/** The Content-Type of a batch body. */
export const TX_BATCH_MEDIA_TYPE = "application/vnd.nullspace.tx-batch";

/** The batch encoding of `txs`. */
export function encodeTxBatch(txs: readonly Uint8Array[]): Uint8Array {
  const head: number[] = [];
  writeVarint(head, txs.length);
  const lengths = txs.map((t) => {
    const l: number[] = [];
    writeVarint(l, t.length);
    return l;
  });
  const size = head.length + txs.reduce((n, t, i) => n + (lengths[i] as number[]).length + t.length, 0);
  const out = new Uint8Array(size);
  out.set(head, 0);
  let pos = head.length;
  for (const [i, t] of txs.entries()) {
    const l = lengths[i] as number[];
    out.set(l, pos);
    pos += l.length;
    out.set(t, pos);
    pos += t.length;
  }
  return out;
}

/** A varint that must fit in a JS number: values past 2^53 become Infinity (every bound rejects them). */
function readLength(b: Uint8Array, pos: number): [number, number] {
  try {
    const [v, next] = readVarint(b, pos);
    return [v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.POSITIVE_INFINITY : Number(v), next];
  } catch (e) {
    if (e instanceof VarintError) throw new TxBatchError(e.message);
    throw e;
  }
}

/**
 * Splits a batch body into its transactions (views into `body`, not copies). Throws TxBatchError
 * naming the offset of the first problem; never reads past `body`, never allocates more than the
 * body can hold.
 */
export function decodeTxBatch(body: Uint8Array, maxTxs: number): Uint8Array[] {
  if (body.length === 0) throw new TxBatchError("empty body");
  const [count, start] = readLength(body, 0);
  if (count === 0) throw new TxBatchError("a batch holds at least one transaction");
  if (count > maxTxs) throw new TxBatchError(`${count} transactions, at most ${maxTxs} per batch`);
  // Each entry takes at least its one-byte length, so a count past the remaining bytes is a lie.
  if (count > body.length - start) throw new TxBatchError(`count ${count} does not fit in ${body.length} bytes`);
  const txs: Uint8Array[] = [];
  let pos = start;
  for (let i = 0; i < count; i++) {
    if (pos >= body.length) throw new TxBatchError(`batch ends before transaction ${i} (offset ${pos})`);
    const [len, at] = readLength(body, pos);
    if (len > body.length - at) throw new TxBatchError(`transaction ${i} of ${len} bytes runs past the body (offset ${pos})`);
    txs.push(body.subarray(at, at + len));
    pos = at + len;
  }
  if (pos !== body.length) throw new TxBatchError(`${body.length - pos} bytes after the last transaction (offset ${pos})`);
  return txs;
}
