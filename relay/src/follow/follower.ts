// Follows validators' /stream (docs/validator-api.md) and hands over complete bundles (those with
// a progress certificate, tag COMPLETED) by height. One validator at a time: on a close, an
// error or a refused bundle the follower moves to the next validator after a backoff (doubling
// while connections bring no progress) and resumes at the height the relay needs next, so one
// faulty or slow validator costs a reconnect, not a stall.
//
// The follower trusts nothing it reads; the relay verifies every bundle (chain/chain.ts). It only
// keeps frames in memory until they are consumed, and never more than `maxBuffered` of them.
import WebSocket from "ws";
import { decodeStreamFrame, StreamTag } from "./stream-frame.js";

export interface FollowerOptions {
  /** Validator API base URLs (http://host:port). */
  validators: readonly string[];
  /** The next height the relay needs (read on every (re)connection). */
  nextHeight(): bigint;
  /** A complete bundle; may be called out of order and more than once per height. */
  onBundle(height: bigint, bundle: Uint8Array, from: string): void;
  /** A height the validator at `from` says is final (any frame), with the frame's bundle (unverified). */
  onTip?(height: bigint, bundle: Uint8Array, from: string): void;
  log(event: string, fields: Record<string, unknown>): void;
  /** Called each time the follower reconnects after a close. */
  onReconnect?(): void;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * A dial the validator has not answered in this long is given up (default 2,000 ms): one to a
   * frozen validator (SIGSTOP: the kernel takes the connection, nobody answers) hung until the
   * stall check, 5–10 s later.
   */
  handshakeTimeoutMs?: number;
}

export class Follower {
  private ws: WebSocket | undefined;
  /** The connection a switch has terminated (its close is on the way). */
  private leaving: WebSocket | undefined;
  private current = 0;
  private backoffMs: number;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  connected = false;
  reconnects = 0;

  constructor(private readonly o: FollowerOptions) {
    if (o.validators.length === 0) throw new Error("a relay follows at least one validator");
    this.backoffMs = o.minBackoffMs ?? 100;
  }

  get source(): string {
    return this.o.validators[this.current] as string;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Drops the current validator and moves to the next one (after a refused bundle, or a stall). */
  switchValidator(why: string): void {
    // Between connections, or once this one is being left, there is nothing to leave (the next
    // dial goes to the next validator): a validator whose every bundle and tip claim is refused
    // logged a switch for each, and one a second between connections, that switched nothing.
    const ws = this.ws;
    if (ws === undefined || this.leaving === ws) return;
    this.leaving = ws;
    this.o.log("follow_switch", { from: this.source, why });
    ws.terminate();
  }

  /** Reconnects to the same validator list from the relay's next height (after a rebuild). */
  restart(): void {
    this.ws?.terminate();
  }

  private connect(): void {
    if (this.stopped) return;
    const base = this.source;
    const from = this.o.nextHeight();
    const url = `${base.replace(/^http/, "ws")}/stream?from=${from}`;
    const ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024, handshakeTimeout: this.o.handshakeTimeoutMs ?? 2000 });
    this.ws = ws;
    ws.binaryType = "nodebuffer";
    ws.on("open", () => {
      this.connected = true;
      this.o.log("follow_connected", { validator: base, from: from.toString() });
    });
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return;
      let frame: ReturnType<typeof decodeStreamFrame>;
      try {
        frame = decodeStreamFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      } catch (e) {
        this.switchValidator(`bad frame: ${(e as Error).message}`);
        return;
      }
      this.o.onTip?.(frame.height, frame.bundle, base);
      if (frame.tag === StreamTag.COMPLETED) this.o.onBundle(frame.height, frame.bundle.slice(), base);
    });
    ws.on("error", (e) => this.o.log("follow_error", { validator: base, message: e.message }));
    ws.on("close", (code) => {
      this.connected = false;
      if (this.ws !== ws) return;
      this.ws = undefined;
      if (this.stopped) return;
      // The backoff starts over only after a connection that moved the relay on: one that opens and
      // gives nothing the relay takes (every bundle refused: a validator of another chain, or one
      // far behind) would otherwise be dialed again ten times a second for ever.
      if (this.o.nextHeight() > from) this.backoffMs = this.o.minBackoffMs ?? 100;
      this.o.log("follow_closed", { validator: base, code, retryInMs: this.backoffMs });
      this.current = (this.current + 1) % this.o.validators.length;
      this.reconnects++;
      this.o.onReconnect?.();
      this.timer = setTimeout(() => this.connect(), this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, this.o.maxBackoffMs ?? 5000);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = undefined;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      const closed = new Promise((r) => ws.once("close", r));
      ws.terminate();
      await closed;
    }
    this.connected = false;
  }
}
