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

export function playerKey(index: u64): Uint8Array {
  const k = new Uint8Array(9);
  k[0] = Prefix.PLAYER;
  store<u64>(k.dataStart + 1, bswap<u64>(index));
  return k;
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
