// Casino War (games.md §8): 6 decks, ace high. The first deal (player card, dealer card) happens at
// GameStart; on a tie the player goes to war (raising the ante) or surrenders (losing half). War
// burns three cards and deals one each from what remains of the shoe, at the move that shows them.
// Session data: the two first-deal cards (public once dealt).
import { RandomStream } from "../random/stream";
import { BetList } from "../codec/bets";
import { BetStatus } from "../codec/game-event";
import { Session } from "./session";
import { RoundReport } from "./round";
import { HandGame } from "./hand-game";
import { Shoe, rankOf } from "./shoe";
import { E_UNKNOWN_BET, E_INVALID_BET_TARGET, E_UNKNOWN_ACTION, E_WRONG_PHASE } from "../errors";

export namespace WarBet {
  export const ANTE: u8 = 0;
  /** Side bet on the first deal: a tie pays 10:1. */
  export const TIE: u8 = 1;
  export const RAISE: u8 = 2;
}

export namespace WarAction {
  export const WAR: u8 = 0;
  export const SURRENDER: u8 = 1;
}

export namespace WarPhase {
  export const DONE: u8 = 0;
  /** The first deal tied: go to war or surrender. */
  export const TIED: u8 = 1;
}

export const WAR_DECKS: i32 = 6;

/** Ace high: two 2 … king 13, ace 14. */
@inline export function warRank(card: u32): u32 {
  const r = rankOf(card);
  return r == 0 ? 14 : r + 1;
}

export class CasinoWar extends HandGame {
  private shoe: Shoe = new Shoe();

  checkSideBet(kind: u8, target: u32): u16 {
    if (kind != WarBet.TIE) return E_UNKNOWN_BET;
    return target == 0 ? 0 : E_INVALID_BET_TARGET;
  }

  startMaxReturn(stake: u64, sideBets: BetList, options: u32): u64 {
    let max = stake * 2;
    for (let i = 0; i < sideBets.count; i++) max += sideBets.amount(i) * 11;
    return max;
  }

  open(sess: Session, sideBets: BetList, rng: RandomStream, report: RoundReport): void {
    const shoe = this.shoe.fill(WAR_DECKS);
    const player = shoe.draw(rng, report);
    const dealer = shoe.draw(rng, report);
    const tied = warRank(player) == warRank(dealer);
    for (let i = 0; i < sideBets.count; i++) report.bet(WarBet.TIE, 0, sideBets.amount(i), tied ? sideBets.amount(i) * 11 : 0, BetStatus.SETTLED);
    if (tied) {
      report.bet(WarBet.ANTE, 0, sess.stake, 0, BetStatus.HELD);
      sess.phase = WarPhase.TIED;
      const d = new Uint8Array(2);
      d[0] = <u8>player;
      d[1] = <u8>dealer;
      sess.data = d;
      return;
    }
    report.bet(WarBet.ANTE, 0, sess.stake, warRank(player) > warRank(dealer) ? sess.stake * 2 : 0, BetStatus.SETTLED);
    sess.finished = true;
  }

  checkMove(sess: Session, action: u8, bets: BetList): u16 {
    if (action > WarAction.SURRENDER) return E_UNKNOWN_ACTION;
    if (sess.phase != WarPhase.TIED || bets.count != 0) return E_WRONG_PHASE;
    // War: the raise equals the ante; at best it wins 1:1 and the ante pushes with a bonus.
    this.moveStake = action == WarAction.WAR ? sess.stake : 0;
    this.moveMaxReturn = action == WarAction.WAR ? sess.stake * 4 : sess.stake;
    return 0;
  }

  play(sess: Session, action: u8, rng: RandomStream, report: RoundReport): void {
    const ante = sess.stake;
    sess.phase = WarPhase.DONE;
    sess.finished = true;
    if (action == WarAction.SURRENDER) {
      report.bet(WarBet.ANTE, 0, ante, ante / 2, BetStatus.RELEASED); // loses half, floored
      return;
    }
    // The rest of the shoe: 6 decks less the two cards of the first deal.
    const shoe = this.shoe.fill(WAR_DECKS);
    shoe.remove(<u32>sess.data[0]);
    shoe.remove(<u32>sess.data[1]);
    for (let i = 0; i < 3; i++) shoe.draw(rng, report); // burned, shown in the event for audit
    const player = warRank(shoe.draw(rng, report));
    const dealer = warRank(shoe.draw(rng, report));
    if (player >= dealer) {
      // The raise wins 1:1, the ante pushes, and a second tie adds a bonus equal to the ante.
      report.bet(WarBet.ANTE, 0, ante, player == dealer ? ante * 2 : ante, BetStatus.RELEASED);
      report.bet(WarBet.RAISE, 0, ante, ante * 2, BetStatus.SETTLED);
    } else {
      report.bet(WarBet.ANTE, 0, ante, 0, BetStatus.RELEASED);
      report.bet(WarBet.RAISE, 0, ante, 0, BetStatus.SETTLED);
    }
    sess.data = new Uint8Array(0);
  }
}
