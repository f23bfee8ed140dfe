// The progress record a validator signs after executing a height (consensus.md, "Progress
// certificates and proofs"): what the block did to state and to the two logs.
import { Reader } from "./reader";
import { Writer } from "./writer";
import { Json } from "./json";
import { FORMAT_VERSION, DIGEST_LEN } from "./limits";
import { E_UNKNOWN_VERSION, E_INVALID_VALUE } from "../errors";

export class Progress {
  chainId: u64 = 0;
  height: u64 = 0;
  blockDigest: Uint8Array = new Uint8Array(DIGEST_LEN);
  /** sha256(σ_h), or zeros for a height executed without a beacon value. */
  beaconHash: Uint8Array = new Uint8Array(DIGEST_LEN);
  stateRoot: Uint8Array = new Uint8Array(DIGEST_LEN);
  eventsRoot: Uint8Array = new Uint8Array(DIGEST_LEN);
  txLogRoot: Uint8Array = new Uint8Array(DIGEST_LEN);
  /** Leaf ranges [start, end) of this block in the transaction and event logs. */
  txStart: u64 = 0;
  txEnd: u64 = 0;
  eventStart: u64 = 0;
  eventEnd: u64 = 0;
}

export function encodeProgress(p: Progress, w: Writer): void {
  w.u8(FORMAT_VERSION).varint(p.chainId).varint(p.height).bytes(p.blockDigest).bytes(p.beaconHash);
  w.bytes(p.stateRoot).bytes(p.eventsRoot).bytes(p.txLogRoot);
  w.varint(p.txStart).varint(p.txEnd).varint(p.eventStart).varint(p.eventEnd);
}

export function decodeProgress(r: Reader): Progress | null {
  const p = new Progress();
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  p.chainId = r.varint();
  p.height = r.varint();
  p.blockDigest = r.bytes(DIGEST_LEN);
  p.beaconHash = r.bytes(DIGEST_LEN);
  p.stateRoot = r.bytes(DIGEST_LEN);
  p.eventsRoot = r.bytes(DIGEST_LEN);
  p.txLogRoot = r.bytes(DIGEST_LEN);
  p.txStart = r.varint();
  p.txEnd = r.varint();
  p.eventStart = r.varint();
  p.eventEnd = r.varint();
  if (r.ok && (p.txEnd < p.txStart || p.eventEnd < p.eventStart)) r.fail(E_INVALID_VALUE);
  return r.finish() ? p : null;
}

export function progressToJson(p: Progress, j: Json): void {
  j.big("chainId", p.chainId).big("height", p.height).hexBytes("blockDigest", p.blockDigest);
  j.hexBytes("beaconHash", p.beaconHash).hexBytes("stateRoot", p.stateRoot).hexBytes("eventsRoot", p.eventsRoot);
  j.hexBytes("txLogRoot", p.txLogRoot).big("txStart", p.txStart).big("txEnd", p.txEnd);
  j.big("eventStart", p.eventStart).big("eventEnd", p.eventEnd);
}
