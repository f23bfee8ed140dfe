// The relay's live update (docs/relay-api.md, "WebSocket /updates"): one binary frame per finalized
// height with the progress certificate of that height and the events a subscriber asked for, each
// at its leaf index in the event log, with one MMR multi-proof against the certified events root.
//
//   frame = u8 version (1) ‖ varint height ‖ bytes progressCertificate
//           ‖ varint count ‖ count × (varint leafIndex ‖ bytes event) ‖ bytes proof
//
// Canonical: minimal varints, leaf indices strictly increasing, an empty proof exactly when count
// is 0, nothing after the proof. The parts inside (certificate, events, proof) are the wasm's own
// formats; this is only their envelope.
import type { Codec } from "../codec.js";
import { fromHex, sha256 } from "../crypto/sha256.js";
import { verifyMmrMulti } from "../proof/mmr.js";
import type { EventView, ProgressView } from "../views.js";
import { readVarint, VarintError, writeVarint } from "./varint.js";
import { verifyProgressCertificate } from "./verify-certificate.js";

export const UPDATE_FRAME_VERSION = 1;
/** More events than one block can hold (20,000 transactions, a few events each) is not a frame. */
export const MAX_UPDATE_EVENTS = 100_000;

export interface UpdateFrame {
  height: bigint;
  progressCertificate: Uint8Array;
  events: { index: bigint; event: Uint8Array }[];
  proof: Uint8Array;
}

export class UpdateFrameError extends Error {
  override readonly name = "UpdateFrameError";
}

export function encodeUpdateFrame(f: UpdateFrame): Uint8Array {
  const head: number[] = [UPDATE_FRAME_VERSION];
  writeVarint(head, f.height);
  writeVarint(head, f.progressCertificate.length);
  const parts: (number[] | Uint8Array)[] = [head, f.progressCertificate];
  const count: number[] = [];
  writeVarint(count, f.events.length);
  parts.push(count);
  for (const e of f.events) {
    const h: number[] = [];
    writeVarint(h, e.index);
    writeVarint(h, e.event.length);
    parts.push(h, e.event);
  }
  const tail: number[] = [];
  writeVarint(tail, f.proof.length);
  parts.push(tail, f.proof);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Splits a frame into its parts (views into `b`); throws UpdateFrameError if it is not canonical. */
export function decodeUpdateFrame(b: Uint8Array): UpdateFrame {
  try {
    return decode(b);
  } catch (e) {
    if (e instanceof VarintError) throw new UpdateFrameError(e.message);
    throw e;
  }
}

function decode(b: Uint8Array): UpdateFrame {
  if (b[0] !== UPDATE_FRAME_VERSION) throw new UpdateFrameError(`unknown update frame version ${b[0]}`);
  let pos = 1;
  const take = (): Uint8Array => {
    const [len, at] = readVarint(b, pos);
    if (len > BigInt(b.length - at)) throw new UpdateFrameError(`part of ${len} bytes past the end at offset ${pos}`);
    pos = at + Number(len);
    return b.subarray(at, pos);
  };
  const [height, afterHeight] = readVarint(b, pos);
  pos = afterHeight;
  const progressCertificate = take();
  const [count, afterCount] = readVarint(b, pos);
  pos = afterCount;
  if (count > BigInt(MAX_UPDATE_EVENTS)) throw new UpdateFrameError(`${count} events in one frame`);
  const events: UpdateFrame["events"] = [];
  for (let i = 0; i < Number(count); i++) {
    const [index, at] = readVarint(b, pos);
    pos = at;
    const prev = events[events.length - 1];
    if (prev && index <= prev.index) throw new UpdateFrameError("leaf indices must increase");
    events.push({ index, event: take() });
  }
  const proof = take();
  if ((count === 0n) !== (proof.length === 0)) throw new UpdateFrameError("a proof exactly when there are events");
  if (pos !== b.length) throw new UpdateFrameError(`${b.length - pos} bytes after the proof`);
  return { height, progressCertificate, events, proof };
}

export type UpdateFailure = "malformed" | "bad-progress" | "wrong-height" | "bad-proof" | "bad-event";

export type UpdateVerdict =
  | { ok: true; height: bigint; progress: ProgressView; events: (EventView & { index: bigint })[] }
  | { ok: false; reason: UpdateFailure; detail: string };

export interface VerifyUpdateOptions {
  codec: Codec;
  chainId: bigint;
  validators: readonly Uint8Array[];
  frame: Uint8Array;
}

/**
 * What a subscriber runs on each frame: the progress certificate is a quorum for this height, and
 * every event sits at its index in the certified event log and within this height's range. Never throws.
 */
export async function verifyUpdate(o: VerifyUpdateOptions): Promise<UpdateVerdict> {
  let f: UpdateFrame;
  try {
    f = decodeUpdateFrame(o.frame);
  } catch (e) {
    return { ok: false, reason: "malformed", detail: String(e) };
  }
  const pc = await verifyProgressCertificate({
    codec: o.codec,
    chainId: o.chainId,
    validators: o.validators,
    certificate: f.progressCertificate,
  });
  if (!pc.ok) return { ok: false, reason: "bad-progress", detail: pc.reason };
  const p = pc.progress;
  if (p.height !== f.height || p.chainId !== o.chainId)
    return { ok: false, reason: "wrong-height", detail: `record of height ${p.height}` };
  const events: (EventView & { index: bigint })[] = [];
  for (const e of f.events) {
    if (e.index < p.eventStart || e.index >= p.eventEnd)
      return { ok: false, reason: "bad-proof", detail: `leaf ${e.index} outside this height` };
    let ev: EventView;
    try {
      ev = o.codec.decodeEvent(e.event);
    } catch (err) {
      return { ok: false, reason: "bad-event", detail: String(err) };
    }
    if (ev.height !== f.height) return { ok: false, reason: "bad-event", detail: `an event of height ${ev.height}` };
    events.push({ ...ev, index: e.index });
  }
  if (f.events.length > 0) {
    const root = fromHex(p.eventsRoot);
    const ok = verifyMmrMulti(
      root,
      p.eventEnd,
      f.events.map((e) => e.index),
      f.events.map((e) => sha256(e.event)),
      f.proof,
    );
    if (!ok) return { ok: false, reason: "bad-proof", detail: "the events are not in the certified events root" };
  }
  return { ok: true, height: f.height, progress: p, events };
}
