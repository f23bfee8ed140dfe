// State keys: one prefix byte per record type. Part of consensus (they feed the state root) and
// of the client API (GET /state/:key asks for these bytes).

export namespace Prefix {
  export const META: u8 = 0x00;
  export const ACCOUNT: u8 = 0x01;
  export const SUPPLY: u8 = 0x02;
  export const POLICY: u8 = 0x03;
  export const ADMINS: u8 = 0x04;
  export const PLAYER: u8 = 0x06;
  export const SESSION: u8 = 0x07;
  export const GAMES: u8 = 0x08;
  export const TOURNAMENT: u8 = 0x09;
  export const TOURNAMENT_ENTRY: u8 = 0x0a;
  export const TOURNAMENT_ENTRANT: u8 = 0x0b;
  export const FREEROLL: u8 = 0x0c;
  export const FREEROLL_TOTALS: u8 = 0x0d;
}

export function singletonKey(prefix: u8): Uint8Array {
  const k = new Uint8Array(1);
  k[0] = prefix;
  return k;
}

export function accountKey(pubkey: Uint8Array): Uint8Array {
  const k = new Uint8Array(33);
  k[0] = Prefix.ACCOUNT;
  memory.copy(k.dataStart + 1, pubkey.dataStart, 32);
  return k;
}

/** prefix ‖ u64be v: the keys numbered by a u64. */
function numberedKey(prefix: u8, v: u64): Uint8Array {
  const k = new Uint8Array(9);
  k[0] = prefix;
  store<u64>(k.dataStart + 1, bswap<u64>(v));
  return k;
}

export function playerKey(index: u64): Uint8Array {
  return numberedKey(Prefix.PLAYER, index);
}

/** A game session: 07 ‖ player key ‖ u64be session id (the client's id, unique per player). */
export function sessionKeyInto(out: Uint8Array, pubkey: Uint8Array, sessionId: u64): void {
  out[0] = Prefix.SESSION;
  memory.copy(out.dataStart + 1, pubkey.dataStart, 32);
  store<u64>(out.dataStart + 33, bswap<u64>(sessionId));
}

export function sessionKey(pubkey: Uint8Array, sessionId: u64): Uint8Array {
  const k = new Uint8Array(41);
  sessionKeyInto(k, pubkey, sessionId);
  return k;
}

/** A tournament: 09 ‖ u64be id. */
export function tournamentKey(id: u64): Uint8Array {
  return numberedKey(Prefix.TOURNAMENT, id);
}

/** A player's entry in a tournament: 0a ‖ u64be id ‖ player key. */
export function tournamentEntryKey(id: u64, pubkey: Uint8Array): Uint8Array {
  const k = new Uint8Array(41);
  k[0] = Prefix.TOURNAMENT_ENTRY;
  store<u64>(k.dataStart + 1, bswap<u64>(id));
  memory.copy(k.dataStart + 9, pubkey.dataStart, 32);
  return k;
}

/** The n-th entrant of a tournament (its player key): 0b ‖ u64be id ‖ u32be n. */
export function tournamentEntrantKey(id: u64, n: u32): Uint8Array {
  const k = new Uint8Array(13);
  k[0] = Prefix.TOURNAMENT_ENTRANT;
  store<u64>(k.dataStart + 1, bswap<u64>(id));
  store<u32>(k.dataStart + 9, bswap<u32>(n));
  return k;
}

/** A player's freeroll record (entry limit, joins today, play history, credits): 0c ‖ player key. */
export function freerollKey(pubkey: Uint8Array): Uint8Array {
  const k = new Uint8Array(33);
  k[0] = Prefix.FREEROLL;
  memory.copy(k.dataStart + 1, pubkey.dataStart, 32);
  return k;
}
