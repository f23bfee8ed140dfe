// Transactions: version ‖ nonce ‖ signer ‖ instruction ‖ signature.
// The signature covers the TX domain prefix (see docs/signatures.md) followed by every byte of
// the transaction before the signature; the host verifies it, the state machine never does.
import { Reader } from "./reader";
import { Writer } from "./writer";
import { isValidUtf8 } from "./utf8";
import { FORMAT_VERSION, KEY_LEN, SIG_LEN, MAX_NAME_BYTES, MAX_ADMIN_KEYS, MAX_TX_BYTES } from "./limits";
import { E_UNKNOWN_TAG, E_UNKNOWN_VERSION, E_INVALID_UTF8, E_TOO_MANY_ITEMS, E_FIELD_TOO_LONG, E_INVALID_VALUE } from "../errors";
import { Json } from "./json";
import { BetList, decodeBets, encodeBets, betsToJson } from "./bets";

export namespace Op {
  export const REGISTER: u8 = 0x01;
  export const FAUCET: u8 = 0x02;
  export const ADMIN_ROTATE_KEYS: u8 = 0x03;
  export const ADMIN_SET_POLICY: u8 = 0x04;
  export const GAME_START: u8 = 0x05;
  export const GAME_MOVE: u8 = 0x06;
  export const TOURNAMENT_JOIN: u8 = 0x07;
  export const TOURNAMENT_START: u8 = 0x08;
  export const TOURNAMENT_END: u8 = 0x09;
  export const ADMIN_SET_FREEROLL_LIMIT: u8 = 0x0a;
}

/** GameStart mode: cash chips or the tournament stack. */
export namespace PlayMode {
  export const CASH: u8 = 0;
  export const TOURNAMENT: u8 = 1;
}

/** Round modifiers, tournament play only (games.md): bit 0 Shield, bit 1 Double. */
export namespace Modifier {
  export const SHIELD: u8 = 1;
  export const DOUBLE: u8 = 2;
  export const ALL: u8 = 3;
}

export class Tx {
  nonce: u64 = 0;
  signer: Uint8Array = new Uint8Array(KEY_LEN);
  op: u8 = 0;
  /** Register: the player's name (1–32 bytes of UTF-8). */
  name: Uint8Array = new Uint8Array(0);
  /** AdminRotateKeys: the new admin set (1–8 distinct keys). */
  keys: Uint8Array[] = [];
  /** AdminSetPolicy. */
  policyField: u8 = 0;
  policyValue: u64 = 0;
  /** GameStart: which game, in which mode, with which session options and stake. */
  game: u8 = 0;
  mode: u8 = 0;
  options: u32 = 0;
  stake: u64 = 0;
  /** GameStart and GameMove: the client's session id and the round modifiers. */
  sessionId: u64 = 0;
  modifiers: u8 = 0;
  /** GameMove: the game-specific action. */
  action: u8 = 0;
  /** GameStart (side bets) and GameMove (a batch). */
  bets: BetList = new BetList();
  /** TournamentJoin, TournamentStart, TournamentEnd: which tournament (docs/tournaments.md). */
  tournamentId: u64 = 0;
  /** AdminSetFreerollLimit: the player and their daily entry limit. */
  player: Uint8Array = new Uint8Array(KEY_LEN);
  freerollLimit: u8 = 0;
  signature: Uint8Array = new Uint8Array(SIG_LEN);
  /** Length of the signed part (everything before the signature). */
  bodyLen: u32 = 0;
}

/** Decodes one whole transaction; on failure returns null with r.err set. */
export function decodeTx(r: Reader): Tx | null {
  return decodeTxInto(r, new Tx());
}

/** Decodes into `tx` (reused by the executor: fixed-size fields are copied, not allocated). */
export function decodeTxInto(r: Reader, tx: Tx): Tx | null {
  if (r.remaining > <usize>MAX_TX_BYTES) {
    r.fail(E_FIELD_TOO_LONG);
    return null;
  }
  const version = r.u8();
  if (r.ok && version != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  tx.nonce = r.varint();
  r.bytesInto(tx.signer, KEY_LEN);
  tx.op = r.u8();
  if (tx.keys.length != 0) tx.keys = [];
  if (!r.ok) return null;
  if (tx.op == Op.REGISTER) {
    const n = r.varintMax(MAX_NAME_BYTES);
    const p = r.skip(n);
    if (r.ok) {
      if (n == 0) r.fail(E_INVALID_VALUE);
      else if (!isValidUtf8(p, n)) r.fail(E_INVALID_UTF8);
      else tx.name = Uint8Array.wrap(changetype<ArrayBuffer>(copyBuffer(p, n)));
    }
  } else if (tx.op == Op.FAUCET) {
    // no payload
  } else if (tx.op == Op.ADMIN_ROTATE_KEYS) {
    const n = r.varintMax(MAX_ADMIN_KEYS, E_TOO_MANY_ITEMS);
    if (r.ok && n == 0) r.fail(E_INVALID_VALUE);
    for (let i: u32 = 0; i < n && r.ok; i++) tx.keys.push(r.bytes(KEY_LEN));
  } else if (tx.op == Op.ADMIN_SET_POLICY) {
    tx.policyField = r.u8();
    tx.policyValue = r.varint();
  } else if (tx.op == Op.GAME_START) {
    tx.game = r.u8();
    tx.sessionId = r.varint();
    tx.mode = r.u8();
    tx.modifiers = r.u8();
    tx.options = r.varintMax(0xffff_ffff, E_INVALID_VALUE);
    tx.stake = r.varint();
    if (r.ok && (tx.mode > PlayMode.TOURNAMENT || (tx.modifiers & ~Modifier.ALL) != 0)) r.fail(E_INVALID_VALUE);
    decodeBets(r, tx.bets);
  } else if (tx.op == Op.GAME_MOVE) {
    tx.sessionId = r.varint();
    tx.action = r.u8();
    tx.modifiers = r.u8();
    if (r.ok && (tx.modifiers & ~Modifier.ALL) != 0) r.fail(E_INVALID_VALUE);
    decodeBets(r, tx.bets);
  } else if (isTournamentOp(tx.op)) {
    tx.tournamentId = r.varint();
  } else if (tx.op == Op.ADMIN_SET_FREEROLL_LIMIT) {
    r.bytesInto(tx.player, KEY_LEN);
    tx.freerollLimit = r.u8();
  } else {
    r.fail(E_UNKNOWN_TAG);
  }
  tx.bodyLen = r.offset;
  r.bytesInto(tx.signature, SIG_LEN);
  if (!r.finish()) return null;
  return tx;
}

/** Encodes everything but the signature (what the signer signs, after the domain prefix). */
export function encodeTxBody(tx: Tx, w: Writer): void {
  w.u8(FORMAT_VERSION).varint(tx.nonce).bytes(tx.signer).u8(tx.op);
  if (tx.op == Op.REGISTER) w.varBytes(tx.name);
  else if (tx.op == Op.ADMIN_ROTATE_KEYS) {
    w.varint(<u64>tx.keys.length);
    for (let i = 0; i < tx.keys.length; i++) w.bytes(tx.keys[i]);
  } else if (tx.op == Op.ADMIN_SET_POLICY) w.u8(tx.policyField).varint(tx.policyValue);
  else if (tx.op == Op.GAME_START) {
    w.u8(tx.game).varint(tx.sessionId).u8(tx.mode).u8(tx.modifiers).varint(<u64>tx.options).varint(tx.stake);
    encodeBets(tx.bets, w);
  } else if (tx.op == Op.GAME_MOVE) {
    w.varint(tx.sessionId).u8(tx.action).u8(tx.modifiers);
    encodeBets(tx.bets, w);
  } else if (isTournamentOp(tx.op)) w.varint(tx.tournamentId);
  else if (tx.op == Op.ADMIN_SET_FREEROLL_LIMIT) w.bytes(tx.player).u8(tx.freerollLimit);
}

function isTournamentOp(op: u8): bool {
  return op == Op.TOURNAMENT_JOIN || op == Op.TOURNAMENT_START || op == Op.TOURNAMENT_END;
}

export function opName(op: u8): string {
  if (op == Op.REGISTER) return "register";
  if (op == Op.FAUCET) return "faucet";
  if (op == Op.ADMIN_ROTATE_KEYS) return "adminRotateKeys";
  if (op == Op.ADMIN_SET_POLICY) return "adminSetPolicy";
  if (op == Op.GAME_START) return "gameStart";
  if (op == Op.GAME_MOVE) return "gameMove";
  if (op == Op.TOURNAMENT_JOIN) return "tournamentJoin";
  if (op == Op.TOURNAMENT_START) return "tournamentStart";
  if (op == Op.TOURNAMENT_END) return "tournamentEnd";
  if (op == Op.ADMIN_SET_FREEROLL_LIMIT) return "adminSetFreerollLimit";
  return "unknown";
}

export function txToJson(tx: Tx, j: Json): void {
  j.big("nonce", tx.nonce).hexBytes("signer", tx.signer).str("op", opName(tx.op));
  if (tx.op == Op.REGISTER) j.str("name", String.UTF8.decode(tx.name.buffer));
  else if (tx.op == Op.ADMIN_ROTATE_KEYS) {
    j.arr("keys");
    for (let i = 0; i < tx.keys.length; i++) j.itemHex(tx.keys[i]);
    j.endArray();
  } else if (tx.op == Op.ADMIN_SET_POLICY) j.num("field", tx.policyField).big("value", tx.policyValue);
  else if (tx.op == Op.GAME_START) {
    j.num("game", tx.game).big("sessionId", tx.sessionId).num("mode", tx.mode).num("modifiers", tx.modifiers);
    j.num("options", tx.options).big("stake", tx.stake);
    betsToJson(tx.bets, j);
  } else if (tx.op == Op.GAME_MOVE) {
    j.big("sessionId", tx.sessionId).num("action", tx.action).num("modifiers", tx.modifiers);
    betsToJson(tx.bets, j);
  } else if (isTournamentOp(tx.op)) j.big("tournamentId", tx.tournamentId);
  else if (tx.op == Op.ADMIN_SET_FREEROLL_LIMIT) j.hexBytes("player", tx.player).num("limit", tx.freerollLimit);
  j.hexBytes("signature", tx.signature);
}

function copyBuffer(p: usize, n: usize): ArrayBuffer {
  const buf = new ArrayBuffer(<i32>n);
  memory.copy(changetype<usize>(buf), p, n);
  return buf;
}
