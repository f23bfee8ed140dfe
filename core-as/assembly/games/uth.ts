// Ultimate Texas Hold'em (games.md §7; decisions/012): one deck. GameStart takes the Ante and the
// Blind (the same amount, staked automatically) and the side bets, and deals the player's two hole
// cards. Then at most three decisions, each a move that draws only what it reveals:
//   pre-flop  check → the flop;          bet 4x or 3x → flop, turn, river, dealer's two; settles
//   flop      check → turn and river;    bet 2x       → turn, river, dealer's two; settles
//   river     bet 1x or fold → the dealer's two; settles
// The dealer's cards are drawn only at the settling move, so they are never in the session's state.
// The Progressive (hole cards + flop) settles at the move that reveals the flop; the Trips and the
// 6-Card Bonus (hole cards + flop + turn) at the settling move, a fold included.
// Session data: varint Trips stake ‖ varint 6-Card stake ‖ u8 Progressive pending ‖ the cards
// shown so far (hole cards, then the board: 2, 5 or 7 bytes).
import { RandomStream } from "../random/stream";
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { BetList } from "../codec/bets";
import { BetStatus } from "../codec/game-event";
import { Session } from "./session";
import { RoundReport } from "./round";
import { HandGame } from "./hand-game";
import { Shoe } from "./shoe";
import { Meter } from "./meters";
import { PROGRESSIVE_BET } from "./catalogue";
import { holdemScore, categoryOfScore } from "./holdem-hand";
import { sixCardReturn } from "./threecard";
import {
  anteReturn, blindReturn, playReturn, tripsReturn, progressiveReturn, isTopHit, dealerQualifies, showdownOf,
} from "./uth-rules";
import { E_UNKNOWN_BET, E_INVALID_BET_TARGET, E_UNKNOWN_ACTION, E_WRONG_PHASE, E_BET_OVER_LIMIT } from "../errors";

export namespace UthBet {
  export const ANTE: u8 = 0;
  export const BLIND: u8 = 1;
  export const TRIPS: u8 = 2;
  export const SIX_CARD: u8 = 3;
  export const PROGRESSIVE: u8 = 4;
  export const PLAY: u8 = 5;
}

/** A bet's action is its multiple of the Ante (1–4); 0 checks, 5 folds. */
export namespace UthAction {
  export const CHECK: u8 = 0;
  export const FOLD: u8 = 5;
}

export namespace UthPhase {
  export const PRE_FLOP: u8 = 0;
  export const FLOP: u8 = 1;
  export const RIVER: u8 = 2;
}

// Most a bet can return per chip: Ante 2, Blind 501 (royal), Play 2, Trips 51, 6-Card 1001; the
// Progressive's fixed pays at most 1000 for one (its royal is the meter, paid from the pools).
const BLIND_MAX: u64 = 501;
const TRIPS_MAX: u64 = 51;
const SIX_CARD_MAX: u64 = 1001;
const PROGRESSIVE_MAX: u64 = 1000;

const reader = new Reader(0, 0);

/** The side bets held in the session's data. */
class Sides {
  trips: u64 = 0;
  sixCard: u64 = 0;
  progressive: bool = false;
  /** Where the cards begin in the session's data. */
  cardsAt: i32 = 0;

  read(data: Uint8Array): Sides {
    const r = reader.reset(data.dataStart, <usize>data.length);
    this.trips = r.varint();
    this.sixCard = r.varint();
    this.progressive = r.u8() != 0;
    this.cardsAt = <i32>r.offset;
    return this;
  }
}

/** Whether `action` is allowed in `phase`. */
function isAllowed(phase: u8, action: u8): bool {
  if (phase == UthPhase.PRE_FLOP) return action == UthAction.CHECK || action == 4 || action == 3;
  if (phase == UthPhase.FLOP) return action == UthAction.CHECK || action == 2;
  return action == 1 || action == UthAction.FOLD;
}

export class UltimateHoldem extends HandGame {
  private shoe: Shoe = new Shoe();
  private sides: Sides = new Sides();
  /** The player's seven cards (hole cards, flop, turn, river) and the dealer's. */
  private player: StaticArray<u32> = new StaticArray<u32>(7);
  private dealer: StaticArray<u32> = new StaticArray<u32>(7);
  private w: Writer = new Writer(32);

  meterOf(): i32 {
    return Meter.UTH;
  }

  progressiveKind(): i32 {
    return UthBet.PROGRESSIVE;
  }

  startExtraStake(stake: u64): u64 {
    return stake; // the Blind
  }

  checkSideBet(kind: u8, target: u32): u16 {
    if (kind < UthBet.TRIPS || kind > UthBet.PROGRESSIVE) return E_UNKNOWN_BET;
    return target == 0 ? 0 : E_INVALID_BET_TARGET;
  }

  checkSideAmount(kind: u8, amount: u64): u16 {
    return kind == UthBet.PROGRESSIVE && amount != PROGRESSIVE_BET ? E_BET_OVER_LIMIT : 0;
  }

  startMaxReturn(stake: u64, sideBets: BetList, options: u32): u64 {
    return 0; // the deal settles nothing
  }

  open(sess: Session, sideBets: BetList, rng: RandomStream, report: RoundReport): void {
    const shoe = this.shoe.fill(1);
    const a = shoe.draw(rng, report);
    const b = shoe.draw(rng, report);
    let trips: u64 = 0;
    let sixCard: u64 = 0;
    let progressive = false;
    report.bet(UthBet.ANTE, 0, sess.stake, 0, BetStatus.HELD);
    report.bet(UthBet.BLIND, 0, sess.stake, 0, BetStatus.HELD);
    for (let i = 0; i < sideBets.count; i++) {
      const kind = sideBets.kind(i);
      const amount = sideBets.amount(i);
      if (kind == UthBet.TRIPS) trips = amount;
      else if (kind == UthBet.SIX_CARD) sixCard = amount;
      else progressive = true;
      report.bet(kind, 0, amount, 0, BetStatus.HELD);
    }
    report.addInfo(a % 13 == b % 13 ? 1 : 0); // a pocket pair
    const w = this.w.reset();
    w.varint(trips).varint(sixCard).u8(progressive ? 1 : 0).u8(<u8>a).u8(<u8>b);
    sess.data = w.toBytes();
  }

  checkMove(sess: Session, action: u8, bets: BetList): u16 {
    if (action > UthAction.FOLD) return E_UNKNOWN_ACTION;
    if (bets.count != 0 || !isAllowed(sess.phase, action)) return E_WRONG_PHASE;
    const sides = this.sides.read(sess.data);
    const isBet = action != UthAction.CHECK && action != UthAction.FOLD;
    const ante = sess.stake;
    this.moveStake = isBet ? ante * <u64>action : 0;
    // A pre-flop move reveals the flop: the Progressive settles (and may hit the meter).
    const progressiveNow = sides.progressive && sess.phase == UthPhase.PRE_FLOP;
    this.moveMayHitTop = progressiveNow;
    let max: u64 = progressiveNow ? PROGRESSIVE_MAX : 0;
    if (action != UthAction.CHECK) {
      max += ante * (2 + BLIND_MAX) + this.moveStake * 2 + sides.trips * TRIPS_MAX + sides.sixCard * SIX_CARD_MAX;
    }
    this.moveMaxReturn = max;
    return 0;
  }

  play(sess: Session, action: u8, rng: RandomStream, report: RoundReport): void {
    const sides = this.sides.read(sess.data);
    const d = sess.data;
    const shown = d.length - sides.cardsAt;
    // The rest of the deck: 52 less the cards already shown.
    const shoe = this.shoe.fill(1);
    for (let i = 0; i < shown; i++) {
      const c = <u32>d[sides.cardsAt + i];
      shoe.remove(c);
      unchecked((this.player[i] = c));
    }
    const settles = action != UthAction.CHECK;
    // Board cards this move reveals: up to the flop on a pre-flop check, else all five.
    const boardTo = settles || sess.phase == UthPhase.FLOP ? 7 : 5;
    for (let i = shown; i < boardTo; i++) unchecked((this.player[i] = shoe.draw(rng, report)));
    if (sess.phase == UthPhase.PRE_FLOP && sides.progressive) {
      this.topHit = isTopHit(this.player);
      report.bet(UthBet.PROGRESSIVE, 0, PROGRESSIVE_BET, progressiveReturn(this.player, this.meter), BetStatus.RELEASED);
    }
    if (!settles) {
      report.addInfo(<u64>categoryOfScore(holdemScore(this.player, boardTo)));
      const w = this.w.reset();
      w.varint(sides.trips).varint(sides.sixCard).u8(0);
      for (let i = 0; i < boardTo; i++) w.u8(<u8>unchecked(this.player[i]));
      sess.data = w.toBytes();
      sess.phase = sess.phase == UthPhase.PRE_FLOP ? UthPhase.FLOP : UthPhase.RIVER;
      return;
    }
    this.settle(sess, action, sides, rng, report);
  }

  /** Draws the dealer's two cards and settles every bet still on the table. */
  private settle(sess: Session, action: u8, sides: Sides, rng: RandomStream, report: RoundReport): void {
    const shoe = this.shoe;
    unchecked((this.dealer[0] = shoe.draw(rng, report)));
    unchecked((this.dealer[1] = shoe.draw(rng, report)));
    for (let i = 2; i < 7; i++) unchecked((this.dealer[i] = this.player[i]));
    const player = holdemScore(this.player, 7);
    const dealer = holdemScore(this.dealer, 7);
    const folded = action == UthAction.FOLD;
    const ante = sess.stake;
    report.bet(UthBet.ANTE, 0, ante, anteReturn(player, dealer, ante, folded), BetStatus.RELEASED);
    report.bet(UthBet.BLIND, 0, ante, blindReturn(player, dealer, ante, folded), BetStatus.RELEASED);
    if (!folded) {
      const play = ante * <u64>action;
      report.bet(UthBet.PLAY, 0, play, playReturn(player, dealer, play), BetStatus.SETTLED);
    }
    if (sides.trips != 0) report.bet(UthBet.TRIPS, 0, sides.trips, tripsReturn(player, sides.trips), BetStatus.RELEASED);
    if (sides.sixCard != 0) {
      report.bet(UthBet.SIX_CARD, 0, sides.sixCard, sixCardReturn(this.player, sides.sixCard), BetStatus.RELEASED);
    }
    report.addInfo(<u64>categoryOfScore(player));
    report.addInfo(<u64>categoryOfScore(dealer));
    report.addInfo(dealerQualifies(dealer) ? 1 : 0);
    report.addInfo(<u64>showdownOf(player, dealer));
    sess.data = new Uint8Array(0);
    sess.finished = true;
  }
}
