// Explorer and /log reads of the store pass through here: at most `maxInFlight` of them are in the
// store at once and at most `maxWaiting` wait for a turn; past that a read is refused at once with
// RELAY_READS_BUSY (503, Retry-After). The relay's own writes never pass here. PGlite runs one
// query at a time, so every read in its queue is time the next height waits to be stored: 16
// clients asking for /stats held the relay 71 heights behind the validators (docs/relay-api.md,
// "Explorer"). With the gate a height waits behind `maxInFlight` reads at most, however many
// clients ask.
import { RelayError } from "../errors.js";

export interface ReadGateOptions {
  /** Reads in the store at once (default 4). */
  maxInFlight?: number;
  /** Reads waiting for a turn (default 512); past it a read is refused. */
  maxWaiting?: number;
}

export class ReadGate {
  readonly maxInFlight: number;
  readonly maxWaiting: number;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(o: ReadGateOptions = {}) {
    this.maxInFlight = o.maxInFlight ?? 4;
    this.maxWaiting = o.maxWaiting ?? 512;
    if (!(Number.isInteger(this.maxInFlight) && this.maxInFlight >= 1)) throw new RangeError("maxInFlight is an integer ≥ 1");
    if (!(Number.isInteger(this.maxWaiting) && this.maxWaiting >= 0)) throw new RangeError("maxWaiting is an integer ≥ 0");
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `read` when a turn is free; RELAY_READS_BUSY when none is and maxWaiting already wait. */
  async run<T>(read: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.maxInFlight) {
      if (this.waiting.length >= this.maxWaiting)
        throw new RelayError("RELAY_READS_BUSY", `${this.maxWaiting} reads wait for the store`, { retryAfter: 1 });
      await new Promise<void>((turn) => this.waiting.push(turn));
    } else this.inFlight++;
    try {
      return await read();
    } finally {
      // The turn passes straight to the next waiting read (inFlight stays), or is given back.
      const next = this.waiting.shift();
      if (next) next();
      else this.inFlight--;
    }
  }
}
