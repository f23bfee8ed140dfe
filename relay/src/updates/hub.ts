// Live updates (docs/relay-api.md, "WebSocket /updates"): for every height the relay verified and
// stored, each subscriber gets one binary frame (encodeUpdateFrame, @nullspace/core) with the
// height's progress certificate and the events its filter selects, proved against the certified
// events root. A frame is built once per distinct filter, then shared by every socket with it.
//
// Memory per subscriber is bounded: a frame is queued only while the socket's send queue holds at
// most `maxQueuedBytes`; a subscriber past it is closed with 4008 (RELAY_SLOW_CONSUMER) and
// resumes by reconnecting and reading the heights it missed from /log.
import { type Codec, type EventView, encodeUpdateFrame } from "@nullspace/core";
import type { WebSocket } from "ws";
import type { AppliedHeight } from "../chain/chain.js";
import { UpdatesCloseCode } from "../errors.js";
import { filterKey, type UpdateFilter } from "./filter.js";

export interface Subscriber {
  ws: WebSocket;
  filter: UpdateFilter;
  key: string;
  frames: number;
}

export interface HubOptions {
  codec: Codec;
  /** Proves event leaves against the current events root (the height being published). */
  prove(indices: readonly bigint[]): Uint8Array;
  maxQueuedBytes: number;
  /** Frames sent by one publish (counted once per height: a metric update per frame cost more than the send's own bookkeeping). */
  onFrames(count: number): void;
  onEvicted(s: Subscriber): void;
}

/** One options object for every send (binary, never compressed: the frames are hashes and proofs). */
const SEND_OPTIONS = { binary: true, compress: false } as const;

export class UpdateHub {
  readonly subscribers = new Set<Subscriber>();

  constructor(private readonly o: HubOptions) {}

  add(ws: WebSocket, filter: UpdateFilter): Subscriber {
    const s: Subscriber = { ws, filter, key: filterKey(filter), frames: 0 };
    this.subscribers.add(s);
    ws.once("close", () => this.subscribers.delete(s));
    return s;
  }

  /** Sends height `a` to every subscriber. Must run before the next height is applied (proofs are against the current root). */
  publish(a: AppliedHeight): void {
    if (this.subscribers.size === 0) return;
    const decoded = a.events.map((e) => ({ ...e, view: this.o.codec.decodeEvent(e.bytes) }));
    const frames = new Map<string, Uint8Array>();
    const frameOf = (f: UpdateFilter, key: string): Uint8Array => {
      let frame = frames.get(key);
      if (!frame) {
        const chosen = decoded.filter((e) => matches(f, e.view));
        // Filters that select nothing this height share one frame: only the certificate.
        const shareKey = chosen.length === 0 ? "" : key;
        frame = frames.get(shareKey);
        if (!frame) {
          frame = encodeUpdateFrame({
            height: a.height,
            progressCertificate: a.progressCertificate,
            events: chosen.map((e) => ({ index: e.index, event: e.bytes })),
            proof: this.o.prove(chosen.map((e) => e.index)),
          });
          frames.set(shareKey, frame);
        }
        frames.set(key, frame);
      }
      return frame;
    };
    let sent = 0;
    for (const s of this.subscribers) {
      if (s.ws.readyState !== s.ws.OPEN) continue;
      if (s.ws.bufferedAmount > this.o.maxQueuedBytes) {
        this.subscribers.delete(s);
        this.o.onEvicted(s);
        s.ws.close(UpdatesCloseCode.RELAY_SLOW_CONSUMER, "RELAY_SLOW_CONSUMER: send queue full");
        continue;
      }
      s.ws.send(frameOf(s.filter, s.key), SEND_OPTIONS);
      s.frames++;
      sent++;
    }
    this.o.onFrames(sent);
  }

  closeAll(code: number, reason: string): void {
    for (const s of this.subscribers) s.ws.close(code, reason);
    this.subscribers.clear();
  }
}

/** Whether an event belongs to filter `f`: its account's, or a game event of the session (a Shield or
 * Double applied to it included) or of the game. */
export function matches(f: UpdateFilter, ev: EventView): boolean {
  switch (f.kind) {
    case "all":
      return true;
    case "account":
      return ev.account === f.account;
    case "session":
      return (
        (ev.kind === "gameStarted" || ev.kind === "gameRound" || ev.kind === "modifierApplied") &&
        ev.sessionId === f.id &&
        (f.account === undefined || ev.account === f.account)
      );
    case "game":
      return (ev.kind === "gameStarted" || ev.kind === "gameRound") && BigInt(ev.game) === f.id;
  }
}
