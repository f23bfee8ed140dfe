// Load shedding at the validator's edge. Transactions from relays are admitted only while the
// node has room: a bounded number of transactions inside mempool admission (decoding, nonce checks,
// signature verification) and, when the host gives a probe, an event loop that is not falling
// behind. Past either bound, new submissions are refused with the retryable BUSY verdict instead
// of being queued: queued work delays the consensus messages that share the thread, and an
// overloaded validator that keeps accepting ends up timing out every view (measured: offered
// 2,500 tx/s on 2 cores, finality stopped). Gossip from peers is counted but never refused: each
// peer already bounded what it accepted, and a transaction dropped here would have to be verified
// inside a proposal's verification instead, on the consensus path.

export interface AdmissionOptions {
  /** Transactions inside admission at once, from relays and peers together (default 4,096). */
  maxInflight?: number;
  /** Whether the host is overloaded right now (e.g. event-loop lag); default never. */
  overloaded?: () => boolean;
}

export class Admission {
  readonly maxInflight: number;
  private readonly overloaded: () => boolean;
  private inflightTxs = 0;
  private shedTxs = 0;

  constructor(o: AdmissionOptions = {}) {
    this.maxInflight = o.maxInflight ?? 4096;
    if (!Number.isSafeInteger(this.maxInflight) || this.maxInflight < 1) throw new RangeError("maxInflight must be a positive integer");
    this.overloaded = o.overloaded ?? (() => false);
  }

  /** Transactions inside admission now. */
  get inflight(): number {
    return this.inflightTxs;
  }

  /** Transactions refused as BUSY so far. */
  get shed(): number {
    return this.shedTxs;
  }

  /** Runs `admit` on a relay's `count` transactions if there is room, else returns undefined (shed). */
  async fromClient<T>(count: number, admit: () => Promise<T>): Promise<T | undefined> {
    if (this.inflightTxs + count > this.maxInflight || this.overloaded()) {
      this.shedTxs += count;
      return undefined;
    }
    return this.run(count, admit);
  }

  /** Runs `admit` on a peer's `count` transactions; always admitted, but counted. */
  fromPeer<T>(count: number, admit: () => Promise<T>): Promise<T> {
    return this.run(count, admit);
  }

  private async run<T>(count: number, admit: () => Promise<T>): Promise<T> {
    this.inflightTxs += count;
    try {
      return await admit();
    } finally {
      this.inflightTxs -= count;
    }
  }
}
