// Video Poker, Jacks or Better (games.md §9): one deck, five cards dealt at GameStart, one draw
// from the unseen 47 at the GameMove whose action is the hold mask (bit i keeps card i). Pays
// "returns per unit": 9/6 by default, 8/5 with option bit 0.
// Session data: the five dealt cards (public once dealt).
import { RandomStream } from "../random/stream";
import { BetList } from "../codec/bets";
import { BetStatus } from "../codec/game-event";
import { Session } from "./session";
import { RoundReport } from "./round";
import { HandGame } from "./hand-game";
import { Shoe } from "./shoe";
import { Hand, categoryOf } from "./poker-hand";
import { E_UNKNOWN_ACTION, E_WRONG_PHASE } from "../errors";

export namespace VideoPokerOption {
  export const EIGHT_FIVE: u32 = 1;
}

/** Highest hold mask: all five cards held. */
export const HOLD_ALL: u8 = 31;

// Returns per unit by category (Hand.*), 9/6 and 8/5.
const PAYS_96: StaticArray<u64> = [0, 1, 2, 3, 4, 6, 9, 25, 50, 800];
const PAYS_85: StaticArray<u64> = [0, 1, 2, 3, 4, 5, 8, 25, 50, 800];

export function videoPokerPays(category: u8, options: u32): u64 {
  return (options & VideoPokerOption.EIGHT_FIVE) != 0 ? PAYS_85[category] : PAYS_96[category];
}

export class VideoPoker extends HandGame {
  private shoe: Shoe = new Shoe();
  cards: StaticArray<u32> = new StaticArray<u32>(5);

  isValidOptions(options: u32): bool {
    return (options & ~VideoPokerOption.EIGHT_FIVE) == 0;
  }

  startMaxReturn(stake: u64, sideBets: BetList, options: u32): u64 {
    return 0; // nothing settles at the deal
  }

  open(sess: Session, sideBets: BetList, rng: RandomStream, report: RoundReport): void {
    const shoe = this.shoe.fill(1);
    const d = new Uint8Array(5);
    for (let i = 0; i < 5; i++) d[i] = <u8>shoe.draw(rng, report);
    sess.data = d;
    report.bet(0, 0, sess.stake, 0, BetStatus.HELD);
  }

  checkMove(sess: Session, action: u8, bets: BetList): u16 {
    if (action > HOLD_ALL) return E_UNKNOWN_ACTION;
    if (bets.count != 0) return E_WRONG_PHASE;
    this.moveStake = 0;
    this.moveMaxReturn = sess.stake * videoPokerPays(Hand.ROYAL_FLUSH, sess.options);
    return 0;
  }

  play(sess: Session, action: u8, rng: RandomStream, report: RoundReport): void {
    // The unseen 47: the deck less the five dealt cards; replacements fill the positions not held, in order.
    const shoe = this.shoe.fill(1);
    for (let i = 0; i < 5; i++) shoe.remove(<u32>sess.data[i]);
    for (let i = 0; i < 5; i++) {
      unchecked((this.cards[i] = (action & (1 << <u8>i)) != 0 ? <u32>sess.data[i] : shoe.draw(rng, report)));
    }
    const category = categoryOf(this.cards);
    report.bet(0, 0, sess.stake, sess.stake * videoPokerPays(category, sess.options), BetStatus.RELEASED);
    report.addInfo(<u64>category);
    sess.data = new Uint8Array(0);
    sess.finished = true;
  }
}
