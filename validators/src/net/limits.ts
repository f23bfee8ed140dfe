// Flow limits of one peer: the inbound rate limiter and the outbound queue. Both refuse instead of
// growing, so a fast sender or a slow receiver costs us a counter, never memory.

/** Token buckets on messages and bytes per second, refilled continuously up to their bursts. */
export interface RateLimit {
  messagesPerSecond: number;
  messageBurst: number;
  bytesPerSecond: number;
  byteBurst: number;
}

export class RateLimiter {
  private messageTokens: number;
  private byteTokens: number;
  private last: number;

  constructor(
    private readonly limit: RateLimit,
    now: number,
  ) {
    this.messageTokens = limit.messageBurst;
    this.byteTokens = limit.byteBurst;
    this.last = now;
  }

  /** Takes one message of `bytes` if both buckets hold enough; takes nothing otherwise. */
  tryTake(bytes: number, now: number): boolean {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = Math.max(this.last, now);
    const { messagesPerSecond, messageBurst, bytesPerSecond, byteBurst } = this.limit;
    this.messageTokens = Math.min(messageBurst, this.messageTokens + elapsed * messagesPerSecond);
    this.byteTokens = Math.min(byteBurst, this.byteTokens + elapsed * bytesPerSecond);
    if (this.messageTokens < 1 || this.byteTokens < bytes) return false;
    this.messageTokens -= 1;
    this.byteTokens -= bytes;
    return true;
  }
}

/** A FIFO bounded in items and in bytes. push() refuses what would cross either bound. */
export class BoundedQueue {
  private items: Uint8Array[] = [];
  private head = 0;
  private totalBytes = 0;

  constructor(
    readonly maxMessages: number,
    readonly maxBytes: number,
  ) {}

  get length(): number {
    return this.items.length - this.head;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  push(item: Uint8Array): boolean {
    if (this.length >= this.maxMessages || this.totalBytes + item.length > this.maxBytes) return false;
    this.items.push(item);
    this.totalBytes += item.length;
    return true;
  }

  shift(): Uint8Array | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head++] = EMPTY; // release the bytes now, not at the next compaction
    this.totalBytes -= item.length;
    // Compact once the dead prefix dominates: amortised O(1) per item.
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

const EMPTY = new Uint8Array(0);
