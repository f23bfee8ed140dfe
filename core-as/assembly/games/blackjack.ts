// Blackjack (games.md §2) as a one-hand game. GameStart takes the hand's stake and side bets and
// deals the player's two cards and the dealer's up card (no hole card). Each GameMove is one
// decision on the active hand — hit, stand, double, split, surrender — and the move that ends the
// player's last hand draws the dealer's cards and settles everything. Double and split take their
// extra stake at that move. Every move rebuilds the shoe (the session's decks less the cards
// already shown) and draws from it, so no card exists before the move that reveals it.
// Session data: games/blackjack-table.ts.
import { RandomStream } from "../random/stream";
import { BetList } from "../codec/bets";
import { BetStatus } from "../codec/game-event";
import { Session } from "./session";
import { RoundReport } from "./round";
import { HandGame } from "./hand-game";
import { Shoe, rankOf } from "./shoe";
import { Cards, dealerDraws, pointsOf } from "./blackjack-cards";
import { BlackjackTable, PlayerHand, HandFlag, MAX_HANDS } from "./blackjack-table";
import {
  BlackjackBet, twentyOnePlusThreeReturn, perfectPairsReturn, royalMatchReturn, luckyLadiesReturn, isQueenOfHeartsPair,
  bustItReturn, sideBetTopReturn, QUEEN_OF_HEARTS,
} from "./blackjack-side";
import { BlackjackOption, isValidBlackjackOptions, decksOf, blackjackReturn, handUnitReturn } from "./blackjack-settle";
import { E_UNKNOWN_BET, E_INVALID_BET_TARGET, E_UNKNOWN_ACTION, E_WRONG_PHASE } from "../errors";

export namespace BlackjackAction {
  export const HIT: u8 = 0;
  export const STAND: u8 = 1;
  export const DOUBLE: u8 = 2;
  export const SPLIT: u8 = 3;
  export const SURRENDER: u8 = 4;
}

export namespace BlackjackPhase {
  export const DONE: u8 = 0;
  /** The player is deciding on the active hand. */
  export const PLAYER: u8 = 1;
}

export class Blackjack extends HandGame {
  readonly table: BlackjackTable = new BlackjackTable();
  readonly dealer: Cards = new Cards();
  private shoe: Shoe = new Shoe();
  /** Known-answer replays (abi/blackjack.ts) deal these cards in order instead of drawing. */
  forced: Uint8Array | null = null;
  forcedAt: i32 = 0;
  /** A replay ran out of forced cards. */
  exhausted: bool = false;
  /** Stakes placed at the current move: they settle with status SETTLED, or are reported HELD. */
  private handIsNew: StaticArray<bool> = new StaticArray<bool>(MAX_HANDS);
  private doubleIsNew: StaticArray<bool> = new StaticArray<bool>(MAX_HANDS);
  private sidesAreNew: bool = false;

  isValidOptions(options: u32): bool {
    return isValidBlackjackOptions(options);
  }

  checkSideBet(kind: u8, target: u32): u16 {
    if (kind < BlackjackBet.TWENTY_ONE_PLUS_THREE || kind > BlackjackBet.BUST_IT) return E_UNKNOWN_BET;
    return target == 0 ? 0 : E_INVALID_BET_TARGET;
  }

  startMaxReturn(stake: u64, sideBets: BetList, options: u32): u64 {
    // A blackjack at the deal settles at once (with Bust It, the dealer plays out too).
    let max = blackjackReturn(stake, options);
    for (let i = 0; i < sideBets.count; i++) max += sideBetTopReturn(sideBets.kind(i), sideBets.amount(i));
    return max;
  }

  private draw(rng: RandomStream, report: RoundReport): u32 {
    const f = this.forced;
    if (f == null) return this.shoe.draw(rng, report);
    let card: u32 = 0;
    if (this.forcedAt < f.length) card = <u32>f[this.forcedAt++];
    else this.exhausted = true;
    report.draw(<u8>card);
    return card;
  }

  /** The shoe at this move: the session's decks less every card already shown. */
  private rebuildShoe(options: u32): void {
    if (this.forced != null) return;
    const shoe = this.shoe.fill(decksOf(options));
    const t = this.table;
    shoe.remove(t.up);
    for (let i = 0; i < t.handCount; i++) {
      const h = t.hand(i);
      for (let j = 0; j < h.count; j++) shoe.remove(h.card(j));
    }
  }

  private clearNew(): void {
    for (let i = 0; i < MAX_HANDS; i++) {
      unchecked((this.handIsNew[i] = false));
      unchecked((this.doubleIsNew[i] = false));
    }
    this.sidesAreNew = false;
  }

  open(sess: Session, sideBets: BetList, rng: RandomStream, report: RoundReport): void {
    this.clearNew();
    const t = this.table;
    if (this.forced == null) this.shoe.fill(decksOf(sess.options));
    // Dealing order: player, dealer's up card, player.
    const a = this.draw(rng, report);
    const up = this.draw(rng, report);
    const b = this.draw(rng, report);
    t.reset(up);
    const h = t.hand(0);
    h.add(a);
    h.add(b);
    for (let i = 0; i < sideBets.count; i++) {
      const kind = sideBets.kind(i);
      const amount = sideBets.amount(i);
      if (kind == BlackjackBet.TWENTY_ONE_PLUS_THREE) report.bet(kind, 0, amount, twentyOnePlusThreeReturn(a, b, up, amount), BetStatus.SETTLED);
      else if (kind == BlackjackBet.PERFECT_PAIRS) report.bet(kind, 0, amount, perfectPairsReturn(a, b, amount), BetStatus.SETTLED);
      else if (kind == BlackjackBet.ROYAL_MATCH) report.bet(kind, 0, amount, royalMatchReturn(a, b, amount), BetStatus.SETTLED);
      else if (kind == BlackjackBet.LUCKY_LADIES) {
        // Only the Q♥ pair's pay depends on the dealer's hand; every other outcome is known now.
        if (isQueenOfHeartsPair(a, b)) t.luckyLadies = amount;
        else report.bet(kind, 0, amount, luckyLadiesReturn(a, b, false, amount), BetStatus.SETTLED);
      } else t.bustIt = amount;
    }
    unchecked((this.handIsNew[0] = true));
    this.sidesAreNew = true;
    if (h.isBlackjack()) h.flags |= HandFlag.DONE; // stands at once: the dealer's hand follows now
    this.finishMove(sess, rng, report);
  }

  checkMove(sess: Session, action: u8, bets: BetList): u16 {
    if (action > BlackjackAction.SURRENDER) return E_UNKNOWN_ACTION;
    if (bets.count != 0) return E_WRONG_PHASE;
    const t = this.table;
    t.decode(sess.data);
    const h = t.hand(t.active()); // an unfinished session always has an active hand
    const unit = sess.stake;
    this.moveStake = 0;
    if (action == BlackjackAction.DOUBLE) {
      if (h.count != 2) return E_WRONG_PHASE;
      this.moveStake = unit;
    } else if (action == BlackjackAction.SPLIT) {
      if (h.count != 2 || rankOf(h.card(0)) != rankOf(h.card(1)) || t.handCount >= MAX_HANDS) return E_WRONG_PHASE;
      this.moveStake = unit;
    } else if (action == BlackjackAction.SURRENDER) {
      // Late surrender: only with the option, and only as the first decision on the first two cards.
      if ((sess.options & BlackjackOption.LATE_SURRENDER) == 0 || t.handCount != 1 || h.count != 2) return E_WRONG_PHASE;
    }
    // Everything this move could settle: every hand's stakes at even money, the held side bets at their top.
    let staked = this.moveStake;
    for (let i = 0; i < t.handCount; i++) staked += t.hand(i).is(HandFlag.DOUBLED) ? unit * 2 : unit;
    this.moveMaxReturn = staked * 2 + sideBetTopReturn(BlackjackBet.BUST_IT, t.bustIt) + sideBetTopReturn(BlackjackBet.LUCKY_LADIES, t.luckyLadies);
    return 0;
  }

  play(sess: Session, action: u8, rng: RandomStream, report: RoundReport): void {
    this.clearNew();
    const t = this.table; // decoded by checkMove
    this.rebuildShoe(sess.options);
    const i = t.active();
    const h = t.hand(i);
    if (action == BlackjackAction.HIT) {
      h.add(this.draw(rng, report));
      if (h.isBust() || h.total() == 21) h.flags |= HandFlag.DONE;
    } else if (action == BlackjackAction.STAND) {
      h.flags |= HandFlag.DONE;
    } else if (action == BlackjackAction.DOUBLE) {
      h.flags |= HandFlag.DOUBLED | HandFlag.DONE;
      unchecked((this.doubleIsNew[i] = true));
      h.add(this.draw(rng, report));
    } else if (action == BlackjackAction.SPLIT) {
      // The pair's second card starts a new hand, played after the hands before it; the split
      // hand gets its second card now, the new one when play reaches it.
      const second = h.card(1);
      const first = h.card(0);
      h.clear();
      h.add(first);
      h.flags = HandFlag.SPLIT;
      unchecked((this.handIsNew[t.addSplitHand(second)] = true));
      h.add(this.draw(rng, report));
      if (h.total() == 21) h.flags |= HandFlag.DONE;
    } else {
      h.flags |= HandFlag.SURRENDERED | HandFlag.DONE;
    }
    this.finishMove(sess, rng, report);
  }

  /** Deals second cards to split hands as play reaches them, then either waits for the next
   * decision (reporting this move's new stakes as held) or plays the dealer and settles. */
  private finishMove(sess: Session, rng: RandomStream, report: RoundReport): void {
    const t = this.table;
    let i = t.active();
    while (i < t.handCount && t.hand(i).count == 1) {
      const h = t.hand(i);
      h.add(this.draw(rng, report));
      if (h.total() == 21) h.flags |= HandFlag.DONE; // stands: a split 21 is not a blackjack
      i = t.active();
    }
    if (i < t.handCount) {
      this.reportHeld(sess, report);
      sess.phase = BlackjackPhase.PLAYER;
      sess.data = t.encode();
    } else {
      this.playDealer(sess.options, rng, report);
      this.settle(sess, report);
      sess.phase = BlackjackPhase.DONE;
      sess.finished = true;
      sess.data = new Uint8Array(0);
    }
    this.addInfo(report);
  }

  private reportHeld(sess: Session, report: RoundReport): void {
    const t = this.table;
    for (let i = 0; i < t.handCount; i++) {
      if (unchecked(this.handIsNew[i])) report.bet(BlackjackBet.HAND, <u32>i, sess.stake, 0, BetStatus.HELD);
      if (unchecked(this.doubleIsNew[i])) report.bet(BlackjackBet.DOUBLE, <u32>i, sess.stake, 0, BetStatus.HELD);
    }
    if (this.sidesAreNew && t.luckyLadies != 0) report.bet(BlackjackBet.LUCKY_LADIES, 0, t.luckyLadies, 0, BetStatus.HELD);
    if (this.sidesAreNew && t.bustIt != 0) report.bet(BlackjackBet.BUST_IT, 0, t.bustIt, 0, BetStatus.HELD);
  }

  /**
   * The dealer's second card is always drawn (it decides a dealer blackjack, which a surrender and
   * a held Lucky Ladies bet need). The dealer then draws to 17 only while some hand still stands
   * against its total, or Bust It is staked (the dealer always plays out for Bust It); with every
   * hand busted, surrendered or a blackjack nothing further changes any return.
   */
  private playDealer(options: u32, rng: RandomStream, report: RoundReport): void {
    const t = this.table;
    const d = this.dealer.clear();
    d.add(t.up);
    d.add(this.draw(rng, report));
    let playsOut = t.bustIt != 0;
    for (let i = 0; i < t.handCount; i++) if (t.hand(i).isLive()) playsOut = true;
    if (!playsOut) return;
    const standSoft17 = (options & BlackjackOption.STAND_SOFT_17) != 0;
    while (dealerDraws(d, standSoft17)) d.add(this.draw(rng, report));
  }

  private settle(sess: Session, report: RoundReport): void {
    const t = this.table;
    const d = this.dealer;
    const unit = sess.stake;
    for (let i = 0; i < t.handCount; i++) {
      const h = t.hand(i);
      const ret = handUnitReturn(h, d, unit, sess.options);
      report.bet(BlackjackBet.HAND, <u32>i, unit, ret, unchecked(this.handIsNew[i]) ? BetStatus.SETTLED : BetStatus.RELEASED);
      if (h.is(HandFlag.DOUBLED)) {
        report.bet(BlackjackBet.DOUBLE, <u32>i, unit, ret, unchecked(this.doubleIsNew[i]) ? BetStatus.SETTLED : BetStatus.RELEASED);
      }
    }
    const sideStatus = this.sidesAreNew ? BetStatus.SETTLED : BetStatus.RELEASED;
    if (t.luckyLadies != 0) {
      // Held only on a dealt Q♥ pair (which the player may since have split).
      const ret = luckyLadiesReturn(QUEEN_OF_HEARTS, QUEEN_OF_HEARTS, d.isTwoCard21(), t.luckyLadies);
      report.bet(BlackjackBet.LUCKY_LADIES, 0, t.luckyLadies, ret, sideStatus);
    }
    if (t.bustIt != 0) report.bet(BlackjackBet.BUST_IT, 0, t.bustIt, bustItReturn(d.count, d.isBust(), t.bustIt), sideStatus);
  }

  /** Info: dealer total ‖ dealer cards ‖ active hand (the hand count once all are done) ‖ per hand total ‖ cards. */
  private addInfo(report: RoundReport): void {
    const t = this.table;
    const finished = t.active() == t.handCount;
    // Before the dealer's second card, the up card alone (an ace counts 11).
    report.addInfo(finished ? <u64>this.dealer.total() : rankOf(t.up) == 0 ? 11 : <u64>pointsOf(t.up));
    report.addInfo(finished ? <u64>this.dealer.count : 1);
    report.addInfo(<u64>t.active());
    for (let i = 0; i < t.handCount; i++) {
      report.addInfo(<u64>t.hand(i).total());
      report.addInfo(<u64>t.hand(i).count);
    }
  }
}

