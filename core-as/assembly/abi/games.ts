// ABI: game transactions, session views and the settle function of each table game.
import { inputPtr } from "../io";
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Json } from "../codec/json";
import { Tx, Op, encodeTxBody, PlayMode, Modifier } from "../codec/tx";
import { BetList } from "../codec/bets";
import { KEY_LEN, MAX_BETS } from "../codec/limits";
import { sessionKey, singletonKey, Prefix } from "../state/keys";
import { decodeSession, sessionToJson, GamesRecord, decodeGames } from "../games/session";
import { TableGame } from "../games/table-game";
import { categoryOf } from "../games/poker-hand";
import { videoPokerPays } from "../games/videopoker";
import { threeCardScore, categoryOfScore, dealerQualifies } from "../games/three-card-hand";
import { anteReturn, playReturn, pairplusReturn, sixCardReturn, progressiveReturn } from "../games/threecard";
import { tableGameFor } from "../games/registry";
import { RoundReport } from "../games/round";
import { RandomStream } from "../random/stream";
import { fail, E_BAD_ARGUMENTS, E_TOO_MANY_ITEMS, E_NOT_FOUND, E_UNKNOWN_GAME, E_INVALID_VALUE } from "../errors";
import { stateForAbi } from "./core";

const out = new Writer(1024);
/** Bet entries of the builders' input: u8 kind ‖ u32le target ‖ u64le amount. */
const BET_ENTRY: u32 = 13;

/** Reads `(len − at) / 13` bet entries from the input into `list`; false if malformed or > 20. */
function readBetEntries(at: u32, len: u32, list: BetList): i32 {
  list.clear();
  if (len < at || (len - at) % BET_ENTRY != 0) return -<i32>E_BAD_ARGUMENTS;
  const k = (len - at) / BET_ENTRY;
  if (k > <u32>MAX_BETS) return -<i32>E_TOO_MANY_ITEMS;
  for (let i: u32 = 0; i < k; i++) {
    const p = inputPtr() + at + i * BET_ENTRY;
    list.push(load<u8>(p), load<u32>(p + 1), load<u64>(p + 5));
  }
  return 0;
}

function signedBody(tx: Tx, len: u32): i32 {
  if (len < <u32>KEY_LEN) return fail(E_BAD_ARGUMENTS);
  memory.copy(tx.signer.dataStart, inputPtr(), KEY_LEN);
  const w = out.reset();
  encodeTxBody(tx, w);
  return w.toOutput();
}

/** Input: signer ‖ k × bet entry (side bets). Output: the unsigned body of a GameStart. */
export function tx_game_start(len: u32, nonce: u64, game: u32, sessionId: u64, mode: u32, modifiers: u32, options: u32, stake: u64): i32 {
  if (game > 255 || mode > PlayMode.TOURNAMENT || modifiers > Modifier.ALL) return fail(E_BAD_ARGUMENTS);
  const tx = new Tx();
  const code = readBetEntries(KEY_LEN, len, tx.bets);
  if (code != 0) return code;
  tx.nonce = nonce;
  tx.op = Op.GAME_START;
  tx.game = <u8>game;
  tx.sessionId = sessionId;
  tx.mode = <u8>mode;
  tx.modifiers = <u8>modifiers;
  tx.options = options;
  tx.stake = stake;
  return signedBody(tx, len);
}

/** Input: signer ‖ k × bet entry (the batch). Output: the unsigned body of a GameMove. */
export function tx_game_move(len: u32, nonce: u64, sessionId: u64, action: u32, modifiers: u32): i32 {
  if (action > 255 || modifiers > Modifier.ALL) return fail(E_BAD_ARGUMENTS);
  const tx = new Tx();
  const code = readBetEntries(KEY_LEN, len, tx.bets);
  if (code != 0) return code;
  tx.nonce = nonce;
  tx.op = Op.GAME_MOVE;
  tx.sessionId = sessionId;
  tx.action = <u8>action;
  tx.modifiers = <u8>modifiers;
  return signedBody(tx, len);
}

/** Input: player key ‖ u64le session id. Output: the session's JSON view, or NOT_FOUND. */
export function core_session(len: u32): i32 {
  const s = stateForAbi();
  if (s == null || len != 40) return fail(E_BAD_ARGUMENTS);
  const pub = new Uint8Array(KEY_LEN);
  memory.copy(pub.dataStart, inputPtr(), KEY_LEN);
  const v = s.store.get(sessionKey(pub, load<u64>(inputPtr() + KEY_LEN)));
  if (v == null) return fail(E_NOT_FOUND);
  const sess = decodeSession(Reader.of(v));
  if (sess == null) return fail(E_INVALID_VALUE);
  const j = new Json().begin();
  sessionToJson(sess, j);
  const buf = String.UTF8.encode(j.end().toString());
  return out.reset().raw(changetype<usize>(buf), <usize>buf.byteLength).toOutput();
}

const scratch = new RoundReport();

/** u8 m ‖ m × u64le: the game's summary numbers of the current outcome (gameRound.info). */
function writeInfo(g: TableGame, w: Writer): void {
  g.describe(scratch.reset(0));
  w.u8(<u8>scratch.infoCount);
  for (let i = 0; i < scratch.infoCount; i++) w.u64le(scratch.info[i]);
}

/**
 * Input: σ. Output: u8 n ‖ the n values a table game's round draws at `move` of the session with
 * this serial ‖ its info (as games_resolve). The same draw as the executor's, so anyone holding σ
 * can recompute a round, and tests can search σ for an outcome.
 */
export function games_deal(len: u32, game: u32, options: u32, serial: u64, move: u32): i32 {
  const g = tableGameFor(<u8>game);
  if (game > 255 || g == null) return fail(E_UNKNOWN_GAME);
  if (!g.isValidOptions(options)) return fail(E_INVALID_VALUE);
  const sigma = new Uint8Array(<i32>len);
  memory.copy(sigma.dataStart, inputPtr(), len);
  const report = new RoundReport().reset(move);
  g.deal(new RandomStream(sigma, serial, move), report, options);
  const w = out.reset().u8(<u8>report.drawCount);
  for (let i = 0; i < report.drawCount; i++) w.u8(report.drawValues[i]);
  writeInfo(g, w);
  return w.toOutput();
}

/**
 * The settle function of a table game on a given outcome, without state or randomness: for
 * known-answer tests and exact expected returns by enumeration (docs/games.md). Input: u8 n ‖ n
 * outcome values (a pocket; three dice; baccarat cards in dealing order) ‖ k × (bet entry ‖ u8
 * held). Output: k × (u64le return ‖ u8 status) ‖ u8 m ‖ m × u64le info. The executor settles rounds
 * with these same functions after drawing the outcome.
 */
export function games_resolve(len: u32, game: u32, options: u32): i32 {
  const g = tableGameFor(<u8>game);
  if (game > 255 || g == null) return fail(E_UNKNOWN_GAME);
  if (len < 1) return fail(E_BAD_ARGUMENTS);
  const n = <u32>load<u8>(inputPtr());
  if (len < 1 + n || (len - 1 - n) % (BET_ENTRY + 1) != 0) return fail(E_BAD_ARGUMENTS);
  if (!g.isValidOptions(options) || !g.setOutcome(inputPtr() + 1, <i32>n, options)) return fail(E_INVALID_VALUE);
  const k = (len - 1 - n) / (BET_ENTRY + 1);
  const w = out.reset();
  for (let i: u32 = 0; i < k; i++) {
    const p = inputPtr() + 1 + n + i * (BET_ENTRY + 1);
    const kind = load<u8>(p);
    const target = load<u32>(p + 1);
    const code = g.checkBet(kind, target, options);
    if (code != 0) return fail(code);
    w.u64le(g.settle(kind, target, load<u64>(p + 5), options, load<u8>(p + 13) != 0)).u8(g.status);
  }
  writeInfo(g, w);
  return w.toOutput();
}

const hand = new StaticArray<u32>(5);

/**
 * Input: five cards (0–51). Output: u8 category (games/poker-hand.ts) ‖ u64le Video Poker return per
 * unit under `options` (9/6, or 8/5 with bit 0): the evaluation the executor settles with.
 */
export function games_poker_hand(len: u32, options: u32): i32 {
  if (len != 5 || options > 1) return fail(E_BAD_ARGUMENTS);
  for (let i: u32 = 0; i < 5; i++) {
    const c = <u32>load<u8>(inputPtr() + i);
    if (c > 51) return fail(E_INVALID_VALUE);
    for (let j: u32 = 0; j < i; j++) if (hand[j] == c) return fail(E_INVALID_VALUE); // one deck
    hand[i] = c;
  }
  const category = categoryOf(hand);
  return out.reset().u8(category).u64le(videoPokerPays(category, options)).toOutput();
}

const six = new StaticArray<u32>(6);

/**
 * Three Card Poker's settlement on given cards. Input: player's three cards ‖ dealer's three cards ‖
 * u64le ante ‖ u64le pairplus ‖ u64le 6-card stake ‖ u64le meter. Output: u64le returns of ante,
 * play, pairplus, 6-Card Bonus and progressive (for one chip) ‖ u8 player category ‖ u8 dealer
 * category ‖ u8 dealer qualifies. `action` 0 plays, 1 folds. The executor settles with these.
 */
export function games_three_card(len: u32, action: u32): i32 {
  if (len != 38 || action > 1) return fail(E_BAD_ARGUMENTS);
  const p = inputPtr();
  for (let i: u32 = 0; i < 6; i++) {
    const c = <u32>load<u8>(p + i);
    if (c > 51) return fail(E_INVALID_VALUE);
    for (let j: u32 = 0; j < i; j++) if (six[j] == c) return fail(E_INVALID_VALUE);
    six[i] = c;
  }
  const ante = load<u64>(p + 6);
  const pairplus = load<u64>(p + 14);
  const sixStake = load<u64>(p + 22);
  const meter = load<u64>(p + 30);
  if (ante > 1_000_000 || pairplus > 1_000_000 || sixStake > 1_000_000) return fail(E_BAD_ARGUMENTS);
  const player = threeCardScore(six[0], six[1], six[2]);
  const dealer = threeCardScore(six[3], six[4], six[5]);
  const played = action == 0;
  const w = out.reset();
  w.u64le(anteReturn(player, dealer, ante, played)).u64le(played ? playReturn(player, dealer, ante) : 0);
  w.u64le(pairplusReturn(player, pairplus)).u64le(sixCardReturn(six, sixStake)).u64le(progressiveReturn(six[0], six[1], six[2], meter));
  w.u8(<u8>categoryOfScore(player)).u8(<u8>categoryOfScore(dealer)).u8(dealerQualifies(dealer) ? 1 : 0);
  return w.toOutput();
}

/** Output: the games record's JSON view {nextSerial, meterThreeCard, meterUth} (zeros before any session). */
export function core_games(len: u32): i32 {
  const s = stateForAbi();
  if (s == null) return fail(E_BAD_ARGUMENTS);
  const v = s.store.get(singletonKey(Prefix.GAMES));
  const g = v == null ? new GamesRecord() : decodeGames(Reader.of(v));
  if (g == null) return fail(E_INVALID_VALUE);
  const j = new Json().begin().big("nextSerial", g.nextSerial).big("meterThreeCard", g.meterThreeCard).big("meterUth", g.meterUth);
  const buf = String.UTF8.encode(j.end().toString());
  return out.reset().raw(changetype<usize>(buf), <usize>buf.byteLength).toOutput();
}
