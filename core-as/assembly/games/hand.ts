// The common part of a one-hand game (games.md, "Common session model"): GameStart takes the stake
// and side bets and opens the hand; each GameMove is one action; the last one settles. Everything
// is checked before anything is written, so a refused start or move changes nothing but the nonce.
import { Account } from "../state/account";
import { State } from "../exec/state";
import { EventSink, TxContext } from "../exec/events";
import { Ev } from "../codec/event";
import { BetList } from "../codec/bets";
import { RandomStream } from "../random/stream";
import { Session } from "./session";
import { HandGame } from "./hand-game";
import { RoundReport, noteRound } from "./round";
import { MIN_BET, maxBet } from "./catalogue";
import { canCover, takeStake, payReturn } from "./ledger";
import { GamesRecord } from "./session";
import { canSeedMeter, stakeMeter, meterValue, releaseMeter } from "./meters";
import {
  E_NO_RANDOMNESS, E_BET_BELOW_MINIMUM, E_BET_OVER_LIMIT, E_INSUFFICIENT_CHIPS, E_SUPPLY_EXHAUSTED, E_DUPLICATE_BET,
} from "../errors";

const report = new RoundReport();
const stream = new RandomStream(new Uint8Array(48), 0, 0);

/** Checks the stake and side bets of a GameStart: 0 or a code (chips and cover come after). */
export function checkHandStart(game: HandGame, gameId: u8, stake: u64, sideBets: BetList): u16 {
  const limit = maxBet(gameId);
  if (stake < MIN_BET) return E_BET_BELOW_MINIMUM;
  if (stake > limit) return E_BET_OVER_LIMIT;
  for (let i = 0; i < sideBets.count; i++) {
    const code = game.checkSideBet(sideBets.kind(i), sideBets.target(i));
    if (code != 0) return code;
    if (sideBets.amount(i) < MIN_BET) return E_BET_BELOW_MINIMUM;
    if (sideBets.amount(i) > limit) return E_BET_OVER_LIMIT;
    const rule = game.checkSideAmount(sideBets.kind(i), sideBets.amount(i));
    if (rule != 0) return rule;
    for (let j = 0; j < i; j++) if (sideBets.kind(j) == sideBets.kind(i)) return E_DUPLICATE_BET;
  }
  return 0;
}

/** The amount of the progressive side bet among `sideBets`, or 0. */
function progressiveStake(game: HandGame, sideBets: BetList): u64 {
  const kind = game.progressiveKind();
  for (let i = 0; i < sideBets.count; i++) if (<i32>sideBets.kind(i) == kind) return sideBets.amount(i);
  return 0;
}

/** Chips a GameStart puts on the table: the stake, any forced bet (a Blind) and the side bets (each ≤ 10,000: no overflow). */
export function startStake(game: HandGame, stake: u64, sideBets: BetList): u64 {
  let t = stake + game.startExtraStake(stake);
  for (let i = 0; i < sideBets.count; i++) t += sideBets.amount(i);
  return t;
}

/** Whether the hand can open: balance, house cover, randomness. 0 or a code. */
export function checkHandOpen(s: State, ctx: TxContext, a: Account, sess: Session, game: HandGame, sideBets: BetList, g: GamesRecord): u16 {
  const staked = startStake(game, sess.stake, sideBets);
  if (staked > a.chips) return E_INSUFFICIENT_CHIPS;
  if (!canCover(s, staked, game.startMaxReturn(sess.stake, sideBets, sess.options))) return E_SUPPLY_EXHAUSTED;
  if (progressiveStake(game, sideBets) != 0 && !canSeedMeter(s, g, <u8>game.meterOf())) return E_SUPPLY_EXHAUSTED;
  if (ctx.sigma.length == 0) return E_NO_RANDOMNESS;
  return 0;
}

/** Takes the stakes and opens a hand checked with checkHandOpen (move 0); `g` takes any meter change. */
export function openHand(
  s: State, ctx: TxContext, ev: EventSink, a: Account, sess: Session, game: HandGame, sideBets: BetList, sessionId: u64, g: GamesRecord,
): void {
  const staked = startStake(game, sess.stake, sideBets);
  takeStake(s, a, staked);
  const progressive = progressiveStake(game, sideBets);
  const which = <u8>game.meterOf();
  if (progressive != 0) stakeMeter(s, g, which, progressive);
  game.meter = progressive != 0 ? meterValue(g, which) : 0;
  game.topHit = false;
  const r = report.reset(0);
  r.staked = staked;
  game.open(sess, sideBets, stream.reset(ctx.sigma, sess.serial, 0), r);
  if (game.topHit) releaseMeter(s, g, which); // the meter moves to the house, which pays it below
  payReturn(s, a, r.returned);
  finish(ctx, ev, a, sess, sessionId);
}

/**
 * One action of an open hand. Returns 0 or a code, having changed nothing. `g` is the games record
 * for a game with a meter (null otherwise); an action that may hit the meter's top changes it.
 */
export function playHand(
  s: State, ctx: TxContext, ev: EventSink, a: Account, sess: Session, game: HandGame, action: u8, bets: BetList, sessionId: u64,
  g: GamesRecord | null,
): u16 {
  game.moveMayHitTop = false;
  const code = game.checkMove(sess, action, bets);
  if (code != 0) return code;
  if (game.moveStake > a.chips) return E_INSUFFICIENT_CHIPS;
  if (!canCover(s, game.moveStake, game.moveMaxReturn)) return E_SUPPLY_EXHAUSTED;
  const which = <u8>game.meterOf();
  if (game.moveMayHitTop && (g == null || !canSeedMeter(s, g, which))) return E_SUPPLY_EXHAUSTED;
  if (ctx.sigma.length == 0) return E_NO_RANDOMNESS;
  takeStake(s, a, game.moveStake);
  sess.moves++;
  const r = report.reset(sess.moves);
  r.staked = game.moveStake;
  game.meter = game.moveMayHitTop ? meterValue(g!, which) : 0;
  game.topHit = false;
  game.play(sess, action, stream.reset(ctx.sigma, sess.serial, sess.moves), r);
  if (game.topHit) releaseMeter(s, g!, which); // the meter moves to the house, which pays it below
  payReturn(s, a, r.returned);
  finish(ctx, ev, a, sess, sessionId);
  return 0;
}

function finish(ctx: TxContext, ev: EventSink, a: Account, sess: Session, sessionId: u64): void {
  if (sess.finished) a.sessionsPlayed++;
  const w = ev.begin(ctx, Ev.GAME_ROUND);
  report.encode(w, sessionId, sess.game, sess.phase, a.chips, sess.finished);
  ev.end();
  noteRound(report);
}
