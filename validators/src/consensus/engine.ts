// The consensus engine of one validator: the voter (voter.ts) on a Clock, a Network and a
// journal over Storage. Its one extra duty is the crash-safety rule of consensus.md: everything
// the voter journals in a turn is synced before anything it sent in that turn leaves the node.
// The same code runs in the simulator (SimClock, SimNetwork, SimStorage) and in the process.

import type { Codec, Signer } from "@nullspace/core";
import { Journal } from "../journal/journal.js";
import type { Clock } from "../runtime/clock.js";
import type { Network } from "../runtime/network.js";
import type { Storage } from "../runtime/storage.js";
import type { Application, BlockRef, ConsensusConfig } from "./types.js";
import { Voter, type VoterHooks } from "./voter.js";
import { decodeMessage, Tag } from "./wire.js";

export interface EngineOptions {
  config: ConsensusConfig;
  codec: Codec;
  clock: Clock;
  network: Network;
  storage: Storage;
  app: Application;
  /** This validator's ed25519 key (must sign synchronously: node:crypto or noble). */
  signer: Signer;
  verify(publicKey: Uint8Array, payload: Uint8Array, signature: Uint8Array): boolean;
  /** The last finalized block the application holds (from its archive); genesis when absent. */
  lastFinalized?: BlockRef;
  hooks?: VoterHooks & { journalSynced?(ms: number): void };
  /** Segment size of the consensus journal (pruned by whole segments below finality). */
  journalSegmentBytes?: number;
}

const JOURNAL = "consensus";
// Not under the journal's "consensus." prefix: losing the journal must not lose the marker.
const MARKER = "voter-started";

export class Engine {
  readonly voter: Voter;
  private records: { bytes: Uint8Array; view: bigint }[] = [];
  private outbox: { to: number; bytes: Uint8Array }[] = [];
  private scheduled = false;
  private flushing = false;
  private closed = false;
  private readonly segmentViews = new Map<number, bigint>();
  private unsubscribe: (() => void) | undefined;
  private idle: Promise<void> = Promise.resolve();
  private resolveIdle: (() => void) | undefined;
  /** Set when the journal failed: the node stops sending (it can no longer prove what it said). */
  failure: Error | undefined;

  private constructor(
    private readonly o: EngineOptions,
    private readonly journal: Journal,
  ) {
    const sign = o.signer.signSync;
    if (!sign) throw new Error("the consensus signer must sign synchronously");
    this.voter = new Voter(
      o.config,
      {
        codec: o.codec,
        clock: o.clock,
        app: o.app,
        sign,
        verify: o.verify,
        persist: (bytes, view) => {
          this.records.push({ bytes, view });
          this.schedule();
        },
        send: (to, bytes) => {
          this.outbox.push({ to, bytes });
          this.schedule();
        },
        broadcast: (bytes) => {
          this.outbox.push({ to: -1, bytes });
          this.schedule();
        },
        hooks: o.hooks,
      },
      o.lastFinalized,
    );
  }

  /** Opens (and repairs) the journal, replays it into a new voter. Call start() next. */
  static async open(o: EngineOptions): Promise<Engine> {
    const journal = await Journal.open(o.storage, { name: JOURNAL, maxSegmentBytes: o.journalSegmentBytes ?? 8 * 1024 * 1024 });
    const engine = new Engine(o, journal);
    let replayed = 0;
    for await (const r of journal.records()) {
      engine.noteSegment(r.segment, recordView(o.codec, r.payload));
      engine.voter.replay(r.payload);
      replayed++;
    }
    // The marker says "this node has journaled something, so it may have sent votes". It is
    // written after the first journal sync, before anything that sync covers is sent: a node that
    // crashed before ever syncing has sent nothing and must not be muted (the campaign found the
    // stall: seed 8352, one node with a lost journal and one that had crashed 50 ms after its
    // first start were both muted, and two voters of four never finalize again).
    engine.hasMarker = (await o.storage.list(MARKER)).length > 0;
    if (engine.hasMarker && replayed === 0) {
      // We journaled before but remember nothing: we may have voted in any recent view.
      engine.voter.muteAfterJournalLoss(2 * o.config.viewTimeoutMs);
    }
    return engine;
  }

  /** Whether the marker exists (see open). */
  private hasMarker = false;

  private async writeMarker(): Promise<void> {
    const marker = await this.o.storage.open(MARKER);
    try {
      await marker.sync();
    } finally {
      await marker.close();
    }
    this.hasMarker = true;
  }

  start(): void {
    this.unsubscribe = this.o.network.onMessage((from, bytes) => {
      if (!this.closed) this.voter.onMessage(from, bytes);
    });
    this.voter.start();
  }

  /** Stops timers and message handling, then waits for the last flush and closes the journal. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.voter.stop();
    await this.settled();
    await this.journal.close();
  }

  /** Resolves once nothing is waiting to be journaled or sent. */
  settled(): Promise<void> {
    return this.flushing || this.scheduled ? this.idle : Promise.resolve();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    if (!this.flushing) this.idle = new Promise((resolve) => (this.resolveIdle = resolve));
    queueMicrotask(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.records.length > 0 || this.outbox.length > 0) {
        const records = this.records;
        const outbox = this.outbox;
        this.records = [];
        this.outbox = [];
        if (records.length > 0 && !this.failure) {
          try {
            for (const r of records) this.noteSegment((await this.journal.append(r.bytes)).segment, r.view);
            const t0 = this.o.clock.now();
            await this.journal.sync();
            this.o.hooks?.journalSynced?.(this.o.clock.now() - t0);
            if (!this.hasMarker) await this.writeMarker();
          } catch (e) {
            this.failure = e instanceof Error ? e : new Error(String(e));
          }
        }
        // Nothing leaves a node whose journal failed: it could not prove what it said.
        if (this.failure || this.closed) continue;
        for (const m of outbox) {
          if (m.to < 0) this.o.network.broadcast(m.bytes);
          else this.o.network.send(m.to, m.bytes);
        }
      }
      await this.prune();
    } finally {
      this.flushing = false;
      if (!this.scheduled) this.resolveIdle?.();
    }
  }

  private noteSegment(segment: number, view: bigint): void {
    const v = this.segmentViews.get(segment);
    if (v === undefined || view > v) this.segmentViews.set(segment, view);
  }

  /** Drops whole journal segments whose every record is far below the finalized view. */
  private async prune(): Promise<void> {
    if (this.failure || this.closed) return;
    const floor = this.voter.last.view - BigInt(this.o.config.keepViews);
    let below = -1;
    for (const [segment, view] of [...this.segmentViews].sort((a, b) => a[0] - b[0])) {
      if (segment >= this.journal.lastSegment || view >= floor) break;
      below = segment;
    }
    if (below < 0) return;
    await this.journal.prune(below + 1);
    for (const s of [...this.segmentViews.keys()]) if (s <= below) this.segmentViews.delete(s);
  }
}

/** The view a journal record is about (for pruning); 0 for anything unreadable. */
function recordView(codec: Codec, record: Uint8Array): bigint {
  try {
    const m = decodeMessage(record);
    if (m.tag === Tag.VOTE) return codec.voteParts(m.vote).view;
    if (m.tag === Tag.PROPOSAL) return codec.voteParts(m.vote).view;
    if (m.tag === Tag.CERTIFICATE) return codec.certificateParts(m.certificate).view;
  } catch {
    // A record we wrote ourselves always decodes; an unreadable one has no view worth keeping.
  }
  return 0n;
}
