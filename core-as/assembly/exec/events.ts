// Collects a block's events: each is encoded once, hashed into the event log MMR and kept for
// the host in the order emitted.
import { Writer } from "../codec/writer";
import { writeEventHeader } from "../codec/event";
import { MmrPeaks } from "../commit/mmr";
import { MessageList } from "../crypto/batch";

/** Which transaction is running: the header of every event it emits. */
export class TxContext {
  height: u64 = 0;
  timestampMs: u64 = 0;
  txIndex: u32 = 0;
  signer: Uint8Array = new Uint8Array(32);
  nonce: u64 = 0;
  /** σ of the block (48 bytes, or empty when the block runs without a beacon value). */
  sigma: Uint8Array = new Uint8Array(0);
}

export class EventSink {
  private scratch: Writer = new Writer(256);
  /** varint length ‖ event, for every event of the block. */
  out: Writer = new Writer(4096);
  count: u32 = 0;
  /** Where each event starts in `out` and how long it is, for hashing at the end of the block. */
  private offsets: Writer = new Writer(4096);
  private messages: MessageList = new MessageList();
  private digests: usize = heap.alloc(256 << 5);
  private digestCap: u32 = 256;

  constructor(public log: MmrPeaks) {}

  reset(): void {
    this.out.reset();
    this.offsets.reset();
    this.count = 0;
  }

  /** Returns the sink's raw memory (see Store.free). */
  free(): void {
    heap.free(this.digests);
    this.messages.free();
  }

  /** Hashes every event of the block (batched) into the event log. */
  finishBlock(): void {
    const n = this.count;
    if (n == 0) return;
    if (n > this.digestCap) {
      this.digestCap = n;
      this.digests = heap.realloc(this.digests, <usize>n << 5);
    }
    const m = this.messages;
    m.reset();
    const base = this.out.ptr;
    for (let i: u32 = 0; i < n; i++) {
      const at = this.offsets.ptr + (<usize>i << 3);
      m.push(base + <usize>load<u32>(at), load<u32>(at, 4));
    }
    m.hashInto(this.digests);
    this.log.appendMany(this.digests, n);
  }

  begin(ctx: TxContext, kind: u8): Writer {
    const w = this.scratch.reset();
    writeEventHeader(w, ctx.height, ctx.txIndex, ctx.signer, ctx.nonce, kind);
    return w;
  }

  end(): void {
    const w = this.scratch;
    this.out.varint(<u64>w.len);
    this.offsets.u32le(<u32>this.out.len).u32le(<u32>w.len);
    this.out.raw(w.ptr, <usize>w.len);
    this.count++;
  }
}
