// Collects a block's events: each is encoded once, hashed into the event log MMR and kept for
// the host in the order emitted.
import { Writer } from "../codec/writer";
import { writeEventHeader } from "../codec/event";
import { sha256Raw } from "../crypto/sha256";
import { MmrPeaks } from "../commit/mmr";

/** Which transaction is running: the header of every event it emits. */
export class TxContext {
  height: u64 = 0;
  timestampMs: u64 = 0;
  txIndex: u32 = 0;
  signer: Uint8Array = new Uint8Array(32);
  nonce: u64 = 0;
}

export class EventSink {
  private scratch: Writer = new Writer(256);
  private digest: Uint8Array = new Uint8Array(32);
  /** varint length ‖ event, for every event of the block. */
  out: Writer = new Writer(4096);
  count: u32 = 0;

  constructor(public log: MmrPeaks) {}

  reset(): void {
    this.out.reset();
    this.count = 0;
  }

  begin(ctx: TxContext, kind: u8): Writer {
    const w = this.scratch.reset();
    writeEventHeader(w, ctx.height, ctx.txIndex, ctx.signer, ctx.nonce, kind);
    return w;
  }

  end(): void {
    const w = this.scratch;
    sha256Raw(w.ptr, <usize>w.len, this.digest.dataStart);
    this.log.append(this.digest.dataStart);
    this.out.varint(<u64>w.len).raw(w.ptr, <usize>w.len);
    this.count++;
  }
}
