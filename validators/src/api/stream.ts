// One /stream subscriber: every finalized height from `from` in order, then the tip as it moves,
// plus a second frame for each height whose bundle completed (σ_h, progress certificate) after it
// was first sent.
//
// Memory per subscriber is bounded whatever the client does: bundles are read from the source
// when they are about to be sent (a lagging client costs reads, not buffers), at most `batch`
// heights at a time, and nothing is queued while the socket's send queue (ws.bufferedAmount) is
// over `highWaterBytes`. A client whose queue stays over it for `stallMs` is closed with 4008
// (API_SLOW_CONSUMER) instead of being waited on for ever; it resumes with from = its next height.
// One loop does all sending, so frames leave in order without locks.

import type { WebSocket } from "ws";
import { encodeFrame, FrameTag } from "./batch.js";
import { type ApiErrorCode, StreamCloseCode } from "./errors.js";
import type { ValidatorApiSource } from "./source.js";

export interface StreamLimits {
  /** Stop sending while this many bytes wait in the socket's send queue. */
  highWaterBytes: number;
  /** Close a client whose queue stays over `highWaterBytes` this long (ms). */
  stallMs: number;
  /** Heights whose bundles are read at once while catching up. */
  batch: number;
  /** Heights sent incomplete whose completion is still re-sent; older ones are only at /blocks/:h. */
  maxPendingCompletions: number;
}

export interface StreamEvents {
  log(event: string, fields: Record<string, unknown>): void;
  /** Called once, when the socket has closed. */
  closed(session: StreamSession): void;
  evicted(): void;
}

export class StreamSession {
  /** The next height to send for the first time. */
  private next: bigint;
  /** Heights below this have been (or are being) read for their first frame. */
  private readFrontier: bigint;
  /** Heights sent FINALIZED whose COMPLETED frame is still due, oldest first. */
  private readonly incomplete = new Set<bigint>();
  /** Completions to re-send, in arrival order; a Set so that a repeated event costs nothing. */
  private readonly completions = new Set<bigint>();
  private wake: (() => void) | undefined;
  private lastFlush: Promise<void> = Promise.resolve();
  private isClosed = false;
  private unsubscribe: () => void = () => {};
  private readonly onClosed: Promise<void>;
  frames = 0;
  bytes = 0;

  constructor(
    readonly ws: WebSocket,
    private readonly source: ValidatorApiSource,
    from: bigint,
    private readonly limits: StreamLimits,
    private readonly events: StreamEvents,
    readonly requestId: string,
  ) {
    // Heights start at 1 (the genesis record is not a block), so from=0 means "everything".
    this.next = from < 1n ? 1n : from;
    this.readFrontier = this.next;
    this.onClosed = new Promise((resolve) => {
      ws.once("close", (code: number, reason: Buffer) => {
        this.isClosed = true;
        this.poke();
        try {
          this.unsubscribe();
        } catch {
          // The source's bug; the session is gone either way.
        }
        this.events.log("stream_closed", { code, reason: reason.toString(), next: this.next, frames: this.frames, bytes: this.bytes });
        this.events.closed(this);
        resolve();
      });
    });
    ws.on("error", (e) => this.events.log("stream_error", { error: String(e) }));
    ws.on("message", () => this.close(StreamCloseCode.UNSUPPORTED_DATA, "API_UNEXPECTED_MESSAGE", "clients send nothing but pings"));
    // Subscribe before the first read so that no height or completion falls between the two.
    this.unsubscribe = source.onFinalized((h, isComplete) => this.notify(h, isComplete));
    void this.run();
  }

  /** Closes with a documented code; the reason is `CODE: message`, cut to the 123 bytes a close frame holds. */
  close(code: StreamCloseCode, errorCode: ApiErrorCode, message: string): void {
    if (this.isClosed || this.ws.readyState >= 2) return;
    this.isClosed = true;
    this.poke();
    try {
      this.ws.close(code, `${errorCode}: ${message}`.slice(0, 123));
    } catch {
      this.ws.terminate();
    }
  }

  private notify(height: bigint, isComplete: boolean): void {
    try {
      // A height already read (or being read) may have gone out incomplete: queue its second
      // frame; run() sends it only if that first frame was indeed FINALIZED.
      if (isComplete && height < this.readFrontier && (height >= this.next || this.incomplete.has(height))) {
        this.completions.add(height);
      }
      this.poke();
    } catch {
      // A listener must not throw into the source.
    }
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private async run(): Promise<void> {
    try {
      while (!this.isClosed) {
        const again = this.completions.values().next();
        if (!again.done) {
          this.completions.delete(again.value);
          await this.resendCompleted(again.value);
          continue;
        }
        const tip = this.source.tip();
        if (this.next > tip) {
          await new Promise<void>((resolve) => {
            this.wake = resolve;
          });
          continue;
        }
        await this.sendBatch(tip);
      }
    } catch (e) {
      this.events.log("stream_failed", { error: String(e), next: this.next });
      this.close(StreamCloseCode.INTERNAL_ERROR, "API_INTERNAL", "reading a bundle failed");
    }
  }

  private async sendBatch(tip: bigint): Promise<void> {
    const first = this.next;
    let last = first + BigInt(this.limits.batch) - 1n;
    if (last > tip) last = tip;
    this.readFrontier = last + 1n;
    const heights: bigint[] = [];
    for (let h = first; h <= last; h++) heights.push(h);
    const bundles = await Promise.all(heights.map((h) => this.source.bundle(h)));
    for (let i = 0; i < heights.length && !this.isClosed; i++) {
      const h = heights[i]!;
      const b = bundles[i];
      if (b === undefined) {
        this.close(StreamCloseCode.NOT_FOUND, "API_NOT_FOUND", `height ${h} is not available here`);
        return;
      }
      if (!(await this.send(b.isComplete ? FrameTag.COMPLETED : FrameTag.FINALIZED, h, b.bytes))) return;
      if (!b.isComplete) this.rememberIncomplete(h);
      this.next = h + 1n;
    }
  }

  private async resendCompleted(h: bigint): Promise<void> {
    if (!this.incomplete.delete(h)) return; // its first frame was already COMPLETED
    const b = await this.source.bundle(h);
    if (b?.isComplete) await this.send(FrameTag.COMPLETED, h, b.bytes);
  }

  private rememberIncomplete(h: bigint): void {
    this.incomplete.add(h);
    if (this.incomplete.size > this.limits.maxPendingCompletions) {
      const oldest = this.incomplete.values().next();
      if (!oldest.done) this.incomplete.delete(oldest.value);
    }
  }

  /** Sends one frame once the queue is under the high-water mark; false if the stream closed instead. */
  private async send(tag: FrameTag, height: bigint, bundle: Uint8Array): Promise<boolean> {
    if (this.ws.bufferedAmount > this.limits.highWaterBytes && !(await this.drained())) {
      if (this.isClosed) return false;
      const buffered = this.ws.bufferedAmount;
      this.events.log("stream_evicted", { next: this.next, bufferedBytes: buffered, stallMs: this.limits.stallMs });
      this.events.evicted();
      this.close(
        StreamCloseCode.SLOW_CONSUMER,
        "API_SLOW_CONSUMER",
        `send queue over ${this.limits.highWaterBytes} bytes for ${this.limits.stallMs} ms`,
      );
      return false;
    }
    if (this.isClosed) return false;
    const frame = encodeFrame(tag, height, bundle);
    this.lastFlush = new Promise((resolve) => this.ws.send(frame, { binary: true }, () => resolve()));
    this.frames++;
    this.bytes += frame.length;
    return true;
  }

  /**
   * Waits until every frame queued so far has been written to the kernel (the callback of the last
   * send), or the stream closed; false when `stallMs` passed first.
   */
  private async drained(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.limits.stallMs);
    });
    try {
      return await Promise.race([this.lastFlush.then(() => true), this.onClosed.then(() => true), stalled]);
    } finally {
      clearTimeout(timer);
    }
  }
}
