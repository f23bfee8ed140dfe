// Chain-wide records: where the chain is (meta), where every chip is (supply), who is admin.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Json } from "../codec/json";
import { FORMAT_VERSION, KEY_LEN, MAX_ADMIN_KEYS, DIGEST_LEN } from "../codec/limits";
import { E_UNKNOWN_VERSION, E_INVALID_VALUE, E_TOO_MANY_ITEMS } from "../errors";

export class Meta {
  chainId: u64 = 0;
  height: u64 = 0;
  lastDigest: Uint8Array = new Uint8Array(DIGEST_LEN);
  lastTimestampMs: u64 = 0;
  genesisTimeMs: u64 = 0;
  playerCount: u64 = 0;
}

export function encodeMeta(m: Meta, w: Writer): void {
  w.u8(FORMAT_VERSION).varint(m.chainId).varint(m.height).bytes(m.lastDigest);
  w.varint(m.lastTimestampMs).varint(m.genesisTimeMs).varint(m.playerCount);
}

export function decodeMeta(r: Reader): Meta | null {
  const m = new Meta();
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  m.chainId = r.varint();
  m.height = r.varint();
  m.lastDigest = r.bytes(DIGEST_LEN);
  m.lastTimestampMs = r.varint();
  m.genesisTimeMs = r.varint();
  m.playerCount = r.varint();
  return r.finish() ? m : null;
}

export function metaToJson(m: Meta, j: Json): void {
  j.big("chainId", m.chainId).big("height", m.height).hexBytes("lastDigest", m.lastDigest);
  j.big("lastTimestampMs", m.lastTimestampMs).big("genesisTimeMs", m.genesisTimeMs).big("playerCount", m.playerCount);
}

/**
 * Where minted chips are: balances + house + pools + treasury = minted − burned. Balances are
 * summed from accounts by the conservation test; the buckets here are the non-account holders.
 */
export class Supply {
  minted: u64 = 0;
  burned: u64 = 0;
  house: u64 = 0;
  pools: u64 = 0;
  treasury: u64 = 0;
}

export function encodeSupply(s: Supply, w: Writer): void {
  w.u8(FORMAT_VERSION).varint(s.minted).varint(s.burned).varint(s.house).varint(s.pools).varint(s.treasury);
}

export function decodeSupply(r: Reader): Supply | null {
  const s = new Supply();
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  s.minted = r.varint();
  s.burned = r.varint();
  s.house = r.varint();
  s.pools = r.varint();
  s.treasury = r.varint();
  if (r.ok && s.burned > s.minted) r.fail(E_INVALID_VALUE);
  return r.finish() ? s : null;
}

export function supplyToJson(s: Supply, j: Json): void {
  j.big("minted", s.minted).big("burned", s.burned).big("house", s.house).big("pools", s.pools).big("treasury", s.treasury);
}

export class Admins {
  keys: Uint8Array[] = [];

  has(key: Uint8Array): bool {
    for (let i = 0; i < this.keys.length; i++) {
      if (memory.compare(this.keys[i].dataStart, key.dataStart, KEY_LEN) == 0) return true;
    }
    return false;
  }
}

/** 1–8 keys, no duplicates. */
export function isValidAdminSet(keys: Uint8Array[]): bool {
  if (keys.length == 0 || keys.length > <i32>MAX_ADMIN_KEYS) return false;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i].length != KEY_LEN) return false;
    for (let j = 0; j < i; j++) {
      if (memory.compare(keys[i].dataStart, keys[j].dataStart, KEY_LEN) == 0) return false;
    }
  }
  return true;
}

export function encodeAdmins(a: Admins, w: Writer): void {
  w.u8(FORMAT_VERSION).varint(<u64>a.keys.length);
  for (let i = 0; i < a.keys.length; i++) w.bytes(a.keys[i]);
}

export function decodeAdmins(r: Reader): Admins | null {
  const a = new Admins();
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  const n = r.varintMax(MAX_ADMIN_KEYS, E_TOO_MANY_ITEMS);
  for (let i: u32 = 0; i < n && r.ok; i++) a.keys.push(r.bytes(KEY_LEN));
  if (r.ok && !isValidAdminSet(a.keys)) r.fail(E_INVALID_VALUE);
  return r.finish() ? a : null;
}

export function adminsToJson(a: Admins, j: Json): void {
  j.arr("keys");
  for (let i = 0; i < a.keys.length; i++) j.itemHex(a.keys[i]);
  j.endArray();
}
