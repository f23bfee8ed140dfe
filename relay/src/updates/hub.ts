// Live updates (docs/relay-api.md, "WebSocket /updates"): for every height the relay verified and
// stored, each subscriber gets one binary frame (encodeUpdateFrame, @nullspace/core) with the
// height's progress certificate and the events its filter selects, proved against the certified
// events root. A frame is built once per distinct filter, then shared by every socket with it.
//
// Publishing and sending are apart (docs/decisions/016-update-fan-out.md). `publish` builds the
// height's frames at once (their proofs are against the root of that height, so before the next
// is applied) and queues them; a send pass then walks the subscribers a chunk per event-loop turn,
// giving each everything queued since its last turn. The pipeline therefore never waits for a
// whole fan-out, and a relay whose fan-out is slower than the chain sends several heights per
// socket per pass, framed here and written together (one write), instead of falling further
// behind: a pass costs not much more than one height's broadcast, whatever it carries. A
// subscriber's first frame does not wait for the pass to reach it: each turn first serves the
// newcomers owed a height.
//
// Memory per subscriber is bounded: a subscriber whose socket's send queue is past
// `maxQueuedBytes` is closed with 4008 (RELAY_SLOW_CONSUMER) and resumes by reconnecting and
// reading the heights it missed from /log. Queued heights are shared and bounded by the pipeline,
// which waits (`caughtUp`) while more than a few are unsent.
//
// The heartbeat's pings ride on the send passes (`ping`): a socket owed a ping gets it at the end
// of its next write, so a ping costs no write of its own (decision 023).
import { type Codec, type EventView, encodeUpdateFrame } from "@nullspace/core";
import type { WebSocket } from "ws";
import { closeThenCut } from "../api/close-then-cut.js";
import type { AppliedHeight } from "../chain/chain.js";
import { UpdatesCloseCode } from "../errors.js";
import { filterKey, keysSelecting, type UpdateFilter } from "./filter.js";
import { joinBinaryFrames, withPing } from "./ws-frame.js";

export interface Subscriber {
  ws: WebSocket;
  filter: UpdateFilter;
  key: string;
  frames: number;
  /** The sequence number of the first published height this subscriber has not been sent. */
  next: number;
  /** The socket under `ws`, which the hub writes its own frames to (absent: frames go through `ws.send`). */
  socket: RawSocket | undefined;
}

export interface HubOptions {
  codec: Codec;
  /** Proves event leaves against the current events root (the height being published). */
  prove(indices: readonly bigint[]): Uint8Array;
  maxQueuedBytes: number;
  /** Frames sent, counted per chunk of subscribers (a metric update per frame cost more than the send's own bookkeeping). */
  onFrames(count: number): void;
  onEvicted(s: Subscriber): void;
  /** A send pass ended: the heights it carried, how long it took and how many heights were then queued. */
  onPass?(heights: number, ms: number, backlog: number): void;
  /** At most this many subscribers served per event-loop turn (default 4,096). */
  chunk?: number;
  /**
   * A turn of sending also ends after about this long (default 4 ms; the clock is read every 32
   * sockets), so the pipeline, new connections and /submit get the event loop between turns
   * however slow each write is.
   */
  sliceMs?: number;
  /**
   * While connections are arriving, a turn serves at most this many sockets (default 8, about a
   * tenth of a millisecond of writes): the event loop accepts one connection a turn (libuv/libuv#3696),
   * so turns of `sliceMs` would let a burst of reconnecting subscribers in at ~150–250 a second.
   */
  arrivalChunk?: number;
  /**
   * An evicted subscriber's connection is cut this long after its 4008 close frame was queued
   * unless it closed by then (default CLOSE_GRACE_MS, close-then-cut.ts). Either way it reconnects
   * and reads what it missed with /log.
   */
  evictedGraceMs?: number;
}

/** How long after an accepted connection turns stay short (`arrivalChunk`): a burst accepts one a turn. */
const ARRIVALS_MS = 20;

/** One published height: the frame of each filter whose events it holds, and the one for every other filter. */
interface Published {
  seq: number;
  byKey: Map<string, Uint8Array>;
  certificateOnly: Uint8Array;
}

/** The socket under a `ws` WebSocket: frames framed here are written to it directly. */
interface RawSocket {
  write(bytes: Uint8Array): boolean;
  /** Bytes written and not yet handed to the kernel: this socket's send queue. */
  readonly writableLength: number;
}

/** The key of a pass's joined run that carries certificates only (no filter key is empty). */
const CERTIFICATES_ONLY = "";

/** One options object for every send (binary, never compressed: the frames are hashes and proofs). */
const SEND_OPTIONS = { binary: true, compress: false } as const;

export class UpdateHub {
  readonly subscribers = new Set<Subscriber>();
  /** Subscribers per filter key: the filters a height's frames are built for. */
  private readonly filters = new Map<string, { filter: UpdateFilter; count: number }>();
  /** Published heights not yet sent to every subscriber, oldest first. */
  private readonly queue: Published[] = [];
  /** Sequence number of the last published height (0: none yet). */
  private seq = 0;
  /** The highest height published (sent, or nobody was subscribed). */
  private highest = 0n;
  private pass: { subscribers: Iterator<Subscriber>; from: number; upTo: number; startMs: number } | undefined;
  private isScheduled = false;
  private waiters: (() => void)[] = [];
  /**
   * This pass's joined runs, by the run's first sequence number, then filter key (or
   * CERTIFICATES_ONLY), for runs that end at `last`: looked up by a number and the subscriber's
   * stored key, because a string built and hashed per socket showed in the send path's profile.
   */
  private joined = new Map<number, { last: number; byKey: Map<string, Uint8Array> }>();
  private readonly chunk: number;
  private readonly sliceMs: number;
  private readonly arrivalChunk: number;
  /** Until then connections were arriving lately: turns are short so the next is accepted soon. */
  private arrivalsUntilMs = 0;
  /** Pipeline steps running under shortTurnsWhile: while any is, turns are short too. */
  private waitingSteps = 0;
  /** Each socket's subscriber, for the heartbeat's pings. */
  private readonly bySocket = new WeakMap<WebSocket, Subscriber>();
  /** Subscribers owed a ping that a send pass will carry (sent on their own if the passes stop first). */
  private readonly owingPing = new Set<Subscriber>();
  /** A joined run followed by a ping, per joined run (which this pass's `joined` holds). */
  private readonly pinged = new WeakMap<Uint8Array, Uint8Array>();
  /**
   * Subscribers not yet sent a frame, in the order they joined, from `newcomerAt` on. A send turn
   * serves those owed a height before going on with its pass: one that joined mid-pass would
   * otherwise wait for the rest of it (0.3–0.5 s at 15,000 subscribers) for its first frame.
   */
  private newcomers: Subscriber[] = [];
  private newcomerAt = 0;

  constructor(private readonly o: HubOptions) {
    this.chunk = o.chunk ?? 4096;
    this.sliceMs = o.sliceMs ?? 4;
    this.arrivalChunk = o.arrivalChunk ?? 8;
  }

  /**
   * A connection was accepted (any endpoint). More may wait in the listen queue, and the event
   * loop accepts one a turn: for a while, send turns are short so the queue drains at hundreds
   * to thousands a second instead of one per long turn (a reconnecting crowd after a restart).
   */
  noteArrival(): void {
    this.arrivalsUntilMs = performance.now() + ARRIVALS_MS;
  }

  /**
   * Runs a step of the pipeline that waits for I/O (σ on its thread, the store) with short send
   * turns, as while connections arrive: each await of the step resumes after the turn under way,
   * so with turns of `sliceMs` a height's ~10 round trips to PostgreSQL took ~10 turns, and two
   * relays at 15,000 subscribers each published 7.8–8.8 heights/s behind a chain at 9.3
   * (benchmarks.md, 2026-11-24). Short turns cost the writes too: the relay asks for them only
   * while it is behind the chain (RelayCore.step, decision 016).
   */
  async shortTurnsWhile<T>(step: () => Promise<T>): Promise<T> {
    this.waitingSteps++;
    try {
      return await step();
    } finally {
      this.waitingSteps--;
    }
  }

  add(ws: WebSocket, filter: UpdateFilter): Subscriber {
    const key = filterKey(filter);
    const socket = (ws as unknown as { _socket?: RawSocket })._socket;
    const s: Subscriber = { ws, filter, key, frames: 0, next: this.seq + 1, socket };
    this.subscribers.add(s);
    this.newcomers.push(s);
    if (this.newcomers.length - this.newcomerAt > 2 * this.subscribers.size + 64) this.compactNewcomers();
    this.bySocket.set(ws, s);
    const f = this.filters.get(key);
    if (f) f.count++;
    else this.filters.set(key, { filter, count: 1 });
    ws.once("close", () => this.remove(s));
    return s;
  }

  /**
   * Pings `ws` (the heartbeat's ping for /updates). While heights are queued, a send pass will
   * write to it anyway: the ping goes at the end of that write instead of in a write of its own,
   * which cost the fan-out ~2–3% of the main thread at 15,000 sockets (a ping each 2 ms, each a
   * system call). With nothing queued, or no raw socket, it is pinged at once.
   */
  ping(ws: WebSocket): void {
    const s = this.bySocket.get(ws);
    if (!s?.socket || this.queue.length === 0 || !this.subscribers.has(s)) {
      ws.ping();
      return;
    }
    this.owingPing.add(s);
  }

  /** Heights published and not yet sent to every subscriber. */
  get backlog(): number {
    return this.queue.length;
  }

  /**
   * Queues height `a` for every subscriber and starts a send pass if none runs. Must run before the
   * next height is applied (proofs are against the current root); sends nothing itself. A height
   * at or below one published before is not sent again: the pipeline takes such heights again after
   * a rebuild that could not replay the store as far as the relay had served (relay.ts,
   * `rebuild_incomplete`), and subscribers had them.
   */
  publish(a: AppliedHeight): void {
    if (a.height <= this.highest) return;
    this.highest = a.height;
    if (this.subscribers.size === 0) return;
    this.queue.push(this.framesOf(a, ++this.seq));
    this.schedule();
  }

  /** Resolves once every height published so far was sent to every subscriber (or it was closed). */
  caughtUp(): Promise<void> {
    if (this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  closeAll(code: number, reason: string): void {
    for (const s of this.subscribers) s.ws.close(code, reason);
    this.subscribers.clear();
    this.filters.clear();
    this.queue.length = 0;
    this.pass = undefined;
    this.joined.clear();
    this.owingPing.clear();
    this.newcomers = [];
    this.newcomerAt = 0;
    this.wake();
  }

  private remove(s: Subscriber): void {
    if (!this.subscribers.delete(s)) return;
    this.owingPing.delete(s);
    const f = this.filters.get(s.key);
    if (f && --f.count === 0) this.filters.delete(s.key);
  }

  /** Frames for every filter some subscriber has: events indexed once by the keys that select them. */
  private framesOf(a: AppliedHeight, seq: number): Published {
    const selected = new Map<string, { index: bigint; event: Uint8Array }[]>();
    for (const e of a.events) {
      const view: EventView = this.o.codec.decodeEventFrame(e.bytes);
      for (const key of keysSelecting(view)) {
        if (!this.filters.has(key)) continue;
        const list = selected.get(key);
        if (list) list.push({ index: e.index, event: e.bytes });
        else selected.set(key, [{ index: e.index, event: e.bytes }]);
      }
    }
    const frame = (events: { index: bigint; event: Uint8Array }[]): Uint8Array =>
      encodeUpdateFrame({
        height: a.height,
        progressCertificate: a.progressCertificate,
        events,
        proof: this.o.prove(events.map((e) => e.index)),
      });
    const byKey = new Map<string, Uint8Array>();
    for (const [key, events] of selected) byKey.set(key, frame(events));
    // Filters that select nothing this height share one frame: only the certificate.
    return { seq, byKey, certificateOnly: frame([]) };
  }

  private schedule(): void {
    if (this.isScheduled) return;
    this.isScheduled = true;
    setImmediate(() => this.step());
  }

  /** One chunk of the current send pass (starting one if none runs). */
  private step(): void {
    this.isScheduled = false;
    if (this.queue.length === 0) return;
    this.pass ??= {
      subscribers: this.subscribers.values(),
      from: (this.queue[0] as Published).seq,
      upTo: this.seq,
      startMs: performance.now(),
    };
    let sent = 0;
    const nowMs = performance.now();
    const endMs = nowMs + this.sliceMs;
    const chunk = nowMs < this.arrivalsUntilMs || this.waitingSteps > 0 ? this.arrivalChunk : this.chunk;
    for (let served = 0; served < chunk; served++) {
      if ((served & 31) === 31 && performance.now() >= endMs) break;
      const newcomer = this.nextNewcomer();
      if (newcomer) {
        sent += this.sendTo(newcomer);
        continue;
      }
      const r = this.pass.subscribers.next();
      if (r.done) {
        const { from, upTo, startMs } = this.pass;
        this.endPass(upTo);
        this.o.onPass?.(upTo - from + 1, performance.now() - startMs, this.queue.length);
        break;
      }
      sent += this.sendTo(r.value);
    }
    if (sent > 0) this.o.onFrames(sent);
    if (this.pass || this.queue.length > 0) this.schedule();
  }

  /**
   * The next newcomer owed a height, or undefined. Newcomers joined in order, so their first owed
   * heights do too: the first one still waiting for a height published after it joined ends the
   * search. One the pass has served already, closing or gone, leaves the list.
   */
  private nextNewcomer(): Subscriber | undefined {
    if (this.newcomers.length === 0) return undefined; // the common case, once per socket of a pass
    while (this.newcomerAt < this.newcomers.length) {
      const s = this.newcomers[this.newcomerAt] as Subscriber;
      // A closing socket is owed nothing (sendTo skips it): it must not hold up those behind it.
      const isWaiting = s.frames === 0 && this.subscribers.has(s) && s.ws.readyState === s.ws.OPEN;
      if (isWaiting && s.next > this.seq) return undefined;
      this.newcomerAt++;
      if (this.newcomerAt >= 1024 && this.newcomerAt * 2 >= this.newcomers.length) this.compactNewcomers();
      if (isWaiting) return s;
    }
    this.newcomers = [];
    this.newcomerAt = 0;
    return undefined;
  }

  /** Drops newcomers already served or gone (a crowd served at once; connections churning while no height comes). */
  private compactNewcomers(): void {
    this.newcomers = this.newcomers.slice(this.newcomerAt).filter((s) => s.frames === 0 && this.subscribers.has(s));
    this.newcomerAt = 0;
  }

  /**
   * Every subscriber was served once since the pass began, so each has every height up to `upTo`
   * (one that joined later never needed them): those leave the queue.
   */
  private endPass(upTo: number): void {
    this.pass = undefined;
    this.joined.clear();
    let done = 0;
    while (done < this.queue.length && (this.queue[done] as Published).seq <= upTo) done++;
    this.queue.splice(0, done);
    if (this.queue.length === 0) {
      // No pass will carry the pings still owed (sockets served before they were owed one).
      for (const s of this.owingPing) if (s.ws.readyState === s.ws.OPEN) s.ws.ping();
      this.owingPing.clear();
      this.wake();
    }
  }

  /** Sends `s` every queued height it has not had; returns the frames sent. */
  private sendTo(s: Subscriber): number {
    if (s.next > this.seq) return 0;
    if (s.ws.readyState !== s.ws.OPEN) {
      s.next = this.seq + 1; // closing: it gets nothing more, and must not hold the queue
      return 0;
    }
    // The raw socket's queue is `ws.bufferedAmount` less `ws`'s own queue, which is empty here (no
    // compression). Read straight from the socket: `ws`'s getter was a tenth of the relay's main
    // thread's user time during a 15,000-socket fan-out (perf, 2026-11-23).
    const socket = s.socket;
    if ((socket ? socket.writableLength : s.ws.bufferedAmount) > this.o.maxQueuedBytes) {
      this.remove(s);
      this.o.onEvicted(s);
      closeThenCut(s.ws, UpdatesCloseCode.RELAY_SLOW_CONSUMER, "RELAY_SLOW_CONSUMER: send queue full", this.o.evictedGraceMs);
      return 0;
    }
    const first = s.next - (this.queue[0] as Published).seq;
    const count = this.queue.length - first;
    // Everything a socket is owed leaves in one write of frames framed here, one buffer shared by
    // every socket owed the same run: eight 650-byte frames cost ~1.7× one `ws.send` this way,
    // against ~6× sent apart (bench:cork-writes; the write, not the framing, is the cost). `ws`
    // writes nothing of its own between them: no compression, and its pings are whole frames.
    if (socket) {
      const run = this.joinedFor(s.key, first);
      socket.write(this.owingPing.delete(s) ? this.withPingAfter(run) : run);
    } else for (let i = first; i < this.queue.length; i++) s.ws.send(this.frameOf(this.queue[i] as Published, s.key), SEND_OPTIONS);
    s.next = this.seq + 1;
    s.frames += count;
    return count;
  }

  /** `run` then an empty ping, built once per run and pass (a few hundred sockets a second are owed one). */
  private withPingAfter(run: Uint8Array): Uint8Array {
    let bytes = this.pinged.get(run);
    if (!bytes) {
      bytes = withPing(run);
      this.pinged.set(run, bytes);
    }
    return bytes;
  }

  private frameOf(p: Published, key: string): Uint8Array {
    return p.byKey.get(key) ?? p.certificateOnly;
  }

  /**
   * The frames for `key` of the queued heights from index `first` on, joined: built once per pass
   * and run, and shared by every filter that selects nothing in the run (certificates only).
   */
  private joinedFor(key: string, first: number): Uint8Array {
    const firstSeq = (this.queue[first] as Published).seq;
    let runs = this.joined.get(firstSeq);
    if (runs?.last !== this.seq) {
      // A height was published since: runs from firstSeq now end at it, and sockets owed the
      // shorter run are all served.
      runs = { last: this.seq, byKey: new Map() };
      this.joined.set(firstSeq, runs);
    }
    let bytes = runs.byKey.get(key);
    if (bytes) return bytes;
    const run = this.queue.slice(first);
    const isShared = !run.some((p) => p.byKey.has(key));
    bytes = isShared ? runs.byKey.get(CERTIFICATES_ONLY) : undefined;
    if (!bytes) {
      bytes = joinBinaryFrames(run.map((p) => this.frameOf(p, key)));
      if (isShared) runs.byKey.set(CERTIFICATES_ONLY, bytes);
    }
    runs.byKey.set(key, bytes);
    return bytes;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
