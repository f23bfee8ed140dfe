// GameStart and GameMove: the common session model of games.md. Sessions are keyed by the
// player's key and a client-chosen id, so a move can only ever reach its own player's session.
import { Tx, PlayMode } from "../codec/tx";
import { Ev } from "../codec/event";
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { encodeGameStarted } from "../codec/game-event";
import { Account } from "../state/account";
import { Prefix, sessionKeyInto, singletonKey } from "../state/keys";
import { Session, GamesRecord, encodeSession, decodeSessionInto, encodeGames, decodeGames } from "../games/session";
import { TableAction, GameId } from "../games/catalogue";
import { moveCraps } from "../games/craps";
import { tableGameFor, handGameFor } from "../games/registry";
import { playTableRound, closeTable } from "../games/table";
import { checkHandStart, checkHandOpen, openHand, playHand, startStake } from "../games/hand";
import { State } from "./state";
import { Store } from "../state/store";
import { sha256Raw } from "../crypto/sha256";
import { EventSink, TxContext } from "./events";
import { enterPlay, leavePlay, afterHandMove, afterTableRound, currentTournament } from "./tournament-play";
import {
  E_UNKNOWN_ACCOUNT, E_UNKNOWN_GAME, E_INVALID_OPTIONS, E_STAKE_NOT_ALLOWED, E_SESSION_ID_USED, E_SESSION_NOT_FOUND,
  E_SESSION_FINISHED, E_MODIFIER_NOT_ALLOWED, E_UNKNOWN_ACTION, E_INVALID_VALUE, E_NOT_IN_TOURNAMENTS,
} from "../errors";

const GAMES_KEY = singletonKey(Prefix.GAMES);
/** sha256 of the games record's key, hashed once: the record is read and written by every GameStart. */
const GAMES_HASH: usize = memory.data(32);
sha256Raw(GAMES_KEY.dataStart, 1, GAMES_HASH);
/** The session key of the running transaction and its sha256 (hashed once per transaction). */
const key = new Uint8Array(41);
const KEY_HASH: usize = memory.data(32);
const w = new Writer(128);
const reader = new Reader(0, 0);
const gamesReader = new Reader(0, 0);
/** The session a transaction works on, decoded into the same object every time. */
const current = new Session();

function loadGames(s: State): GamesRecord {
  const e = s.store.findHash(GAMES_HASH);
  if (!Store.isLive(e)) return new GamesRecord();
  const g = decodeGames(gamesReader.reset(Store.valuePtr(e), Store.valueLen(e)));
  return g == null ? new GamesRecord() : g; // written only by encodeGames: always decodes
}

function saveGames(s: State, g: GamesRecord): void {
  encodeGames(g, w.reset());
  s.store.putHashed(GAMES_HASH, GAMES_KEY.dataStart, 1, w.ptr, <u32>w.len);
}

/** Points `key` and KEY_HASH at this player's session and returns its store entry (or 0). */
function findSession(s: State, signer: Uint8Array, sessionId: u64): usize {
  sessionKeyInto(key, signer, sessionId);
  sha256Raw(key.dataStart, 41, KEY_HASH);
  return s.store.findHash(KEY_HASH);
}

/** Writes the session under `key` (whose hash findSession left in KEY_HASH). Store entries never
 * move while a block runs, so an entry found earlier in the transaction stays valid. */
function saveSession(s: State, sess: Session): void {
  encodeSession(sess, w.reset());
  s.store.putHashed(KEY_HASH, key.dataStart, 41, w.ptr, <u32>w.len);
}

export function startGame(s: State, ctx: TxContext, tx: Tx, a: Account, ev: EventSink): u16 {
  if (!a.registered) return E_UNKNOWN_ACCOUNT;
  if (tx.mode != PlayMode.TOURNAMENT) return tx.modifiers != 0 ? E_MODIFIER_NOT_ALLOWED : openSession(s, ctx, tx, a, ev, 0);
  // Tournament play: the game's own code runs against the tournament stack (exec/tournaments.ts).
  const hand = handGameFor(tx.game);
  // A table game's modifiers go with each round (GameMove); a hand's with its start.
  if (tx.modifiers != 0 && hand == null) return E_MODIFIER_NOT_ALLOWED;
  if (hand != null && hand.progressiveKind() >= 0) {
    for (let i = 0; i < tx.bets.count; i++) if (<i32>tx.bets.kind(i) == hand.progressiveKind()) return E_NOT_IN_TOURNAMENTS;
  }
  const id = currentTournament(ctx);
  let code = enterPlay(s, ctx, id, a, tx.modifiers);
  if (code != 0) return code;
  code = openSession(s, ctx, tx, a, ev, id);
  leavePlay(s, ctx, a, code == 0, tx.modifiers);
  return code;
}

/** Opens a session (cash, or tournament `tournamentId`'s when the stack is swapped in): 0 or a code. */
function openSession(s: State, ctx: TxContext, tx: Tx, a: Account, ev: EventSink, tournamentId: u64): u16 {
  const table = tableGameFor(tx.game);
  const hand = handGameFor(tx.game);
  if (table == null && hand == null) return E_UNKNOWN_GAME;
  if (table != null) {
    if (!table.isValidOptions(tx.options)) return E_INVALID_OPTIONS;
    // Table games take their stakes round by round (GameMove), not at the start.
    if (tx.stake != 0 || tx.bets.count != 0) return E_STAKE_NOT_ALLOWED;
  } else {
    if (!hand!.isValidOptions(tx.options)) return E_INVALID_OPTIONS;
    const code = checkHandStart(hand!, tx.game, tx.stake, tx.bets);
    if (code != 0) return code;
  }
  if (Store.isLive(findSession(s, tx.signer, tx.sessionId))) return E_SESSION_ID_USED;

  const g = loadGames(s);
  const sess = new Session();
  sess.game = tx.game;
  sess.mode = tx.mode;
  sess.options = tx.options;
  sess.serial = g.nextSerial;
  sess.stake = hand != null ? tx.stake : 0;
  sess.tournamentId = tournamentId;
  sess.modifiers = tx.modifiers;
  if (hand != null) {
    const code = checkHandOpen(s, ctx, a, sess, hand, tx.bets, g);
    if (code != 0) return code;
  }
  // The started event comes first (balance after the stakes); a hand's opening deal follows as
  // the round of move 0.
  const staked = hand != null ? startStake(hand, tx.stake, tx.bets) : 0;
  const e = ev.begin(ctx, Ev.GAME_STARTED);
  encodeGameStarted(e, tx.sessionId, sess.game, sess.mode, sess.options, sess.serial, sess.stake, tx.bets, a.chips - staked);
  ev.end();
  if (hand != null) {
    openHand(s, ctx, ev, a, sess, hand, tx.bets, tx.sessionId, g);
    // A tournament hand keeps its stakes and returns; its modifiers settle when it ends.
    if (sess.mode == PlayMode.TOURNAMENT) afterHandMove(ctx, ev, a, sess, tx.sessionId);
  }
  g.nextSerial++;
  saveGames(s, g);
  saveSession(s, sess);
  return 0;
}

export function moveGame(s: State, ctx: TxContext, tx: Tx, a: Account, ev: EventSink): u16 {
  if (!a.registered) return E_UNKNOWN_ACCOUNT;
  const entry = findSession(s, tx.signer, tx.sessionId);
  if (!Store.isLive(entry)) return E_SESSION_NOT_FOUND;
  // Decoded straight from the store value (no copy of the record).
  const sess = decodeSessionInto(reader.reset(Store.valuePtr(entry), Store.valueLen(entry)), current);
  if (sess == null) return E_INVALID_VALUE;
  if (sess.finished) return E_SESSION_FINISHED;
  if (sess.mode != PlayMode.TOURNAMENT) return tx.modifiers != 0 ? E_MODIFIER_NOT_ALLOWED : playMove(s, ctx, tx, a, ev, sess);
  // Tournament play: a hand's modifiers were declared at its start; a table round's go with it.
  const isHand = handGameFor(sess.game) != null;
  if (tx.modifiers != 0 && (isHand || tx.action != TableAction.PLAY)) return E_MODIFIER_NOT_ALLOWED;
  let code = enterPlay(s, ctx, sess.tournamentId, a, tx.modifiers);
  if (code != 0) return code;
  code = playMove(s, ctx, tx, a, ev, sess);
  // A hand's accumulation ran inside playMove, before its session was saved.
  if (code == 0 && !isHand) afterTableRound(ctx, ev, a, tx.sessionId, tx.modifiers);
  leavePlay(s, ctx, a, code == 0, tx.modifiers);
  return code;
}

/** One move of an open session (cash chips, or the stack in tournament play): 0 or a code. */
function playMove(s: State, ctx: TxContext, tx: Tx, a: Account, ev: EventSink, sess: Session): u16 {
  const hand = handGameFor(sess.game);
  if (hand != null) {
    // A game with a meter may pay and re-seed it at a move (UTH's Progressive settles on the flop).
    const g = hand.meterOf() >= 0 ? loadGames(s) : null;
    const code = playHand(s, ctx, ev, a, sess, hand, tx.action, tx.bets, tx.sessionId, g);
    if (code != 0) return code;
    if (sess.mode == PlayMode.TOURNAMENT) afterHandMove(ctx, ev, a, sess, tx.sessionId);
    if (hand.topHit) saveGames(s, g!);
    saveSession(s, sess);
    return 0;
  }
  const game = tableGameFor(sess.game);
  if (game == null) return E_UNKNOWN_GAME;
  let code: u16 = 0;
  if (sess.game == GameId.CRAPS) {
    // Craps keeps its table (point, held bets, bonus progress) between rolls: its own runner.
    code = moveCraps(s, ctx, ev, a, sess, tx.action, tx.bets, tx.sessionId);
    if (code == 0) saveSession(s, sess);
    return code;
  }
  if (tx.action == TableAction.PLAY) code = playTableRound(s, ctx, ev, a, sess, game, tx.bets, tx.sessionId);
  else if (tx.action == TableAction.CLOSE) {
    code = tx.bets.count != 0 ? E_STAKE_NOT_ALLOWED : closeTable(ctx, ev, a, sess, tx.sessionId);
  } else code = E_UNKNOWN_ACTION;
  if (code == 0) saveSession(s, sess);
  return code;
}
