// Hi-Lo (games.md §10): a card is shown; the player guesses Higher or Lower (strictly) for the next
// card, drawn with replacement from 52 (ace low, king high). An equal rank pushes (the game goes on,
// multiplier unchanged); a correct guess multiplies the running multiplier by floor(116400 / w)
// basis points, w the number of winning ranks; Same (ace or king only) by 11.64x; a wrong guess
// loses the stake. Cash out at any time for stake × multiplier, floored.
// Session data: the card showing (u8) ‖ varint multiplier in basis points (10,000 = 1x).
import { RandomStream } from "../random/stream";
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { BetList } from "../codec/bets";
import { BetStatus } from "../codec/game-event";
import { Session } from "./session";
import { RoundReport } from "./round";
import { HandGame } from "./hand-game";
import { rankOf } from "./shoe";
import { mulSaturating } from "./ledger";
import { E_UNKNOWN_ACTION, E_WRONG_PHASE } from "../errors";

export namespace HiLoAction {
  export const HIGHER: u8 = 0;
  export const LOWER: u8 = 1;
  export const SAME: u8 = 2;
  export const CASH_OUT: u8 = 3;
}

export const HILO_BET_STAKE: u8 = 0;
export const ONE_X: u64 = 10_000;
/** Same on an ace or a king: 11.64x. */
export const SAME_FACTOR: u64 = 116_400;

/** Ace 1 … king 13. */
@inline export function hiLoRank(card: u32): u32 {
  return rankOf(card) + 1;
}

/** How many ranks win `action` from `rank` (0: the guess is not offered). */
export function winningRanks(rank: u32, action: u8): u32 {
  if (action == HiLoAction.HIGHER) return 13 - rank;
  if (action == HiLoAction.LOWER) return rank - 1;
  return rank == 1 || rank == 13 ? 1 : 0; // SAME
}

/** The factor of a correct guess, basis points. */
export function guessFactor(rank: u32, action: u8): u64 {
  return action == HiLoAction.SAME ? SAME_FACTOR : 116_400 / <u64>winningRanks(rank, action);
}

export class HiLo extends HandGame {
  card: u32 = 0;
  multiplier: u64 = ONE_X;
  private w: Writer = new Writer(16);

  private load(sess: Session): void {
    const r = Reader.of(sess.data);
    this.card = <u32>r.u8();
    this.multiplier = r.varint();
  }

  private save(sess: Session): void {
    const w = this.w.reset();
    w.u8(<u8>this.card).varint(this.multiplier);
    sess.data = w.toBytes();
  }

  startMaxReturn(stake: u64, sideBets: BetList, options: u32): u64 {
    return stake; // cashing out at once returns the stake
  }

  open(sess: Session, sideBets: BetList, rng: RandomStream, report: RoundReport): void {
    this.card = rng.below(52);
    report.draw(<u8>this.card);
    this.multiplier = ONE_X;
    report.bet(HILO_BET_STAKE, 0, sess.stake, 0, BetStatus.HELD);
    report.addInfo(this.multiplier);
    this.save(sess);
  }

  checkMove(sess: Session, action: u8, bets: BetList): u16 {
    if (action > HiLoAction.CASH_OUT) return E_UNKNOWN_ACTION;
    if (bets.count != 0) return E_WRONG_PHASE;
    this.load(sess);
    this.moveStake = 0;
    if (action == HiLoAction.CASH_OUT) {
      this.moveMaxReturn = this.payout(sess.stake, this.multiplier);
      return 0;
    }
    const rank = hiLoRank(this.card);
    if (winningRanks(rank, action) == 0) return E_WRONG_PHASE; // Higher on a king, Lower on an ace, Same elsewhere
    // The house must be able to pay a cash-out right after a correct guess.
    this.moveMaxReturn = this.payout(sess.stake, mulSaturating(this.multiplier, guessFactor(rank, action)) / ONE_X);
    return 0;
  }

  private payout(stake: u64, multiplier: u64): u64 {
    return mulSaturating(stake, multiplier) / ONE_X;
  }

  play(sess: Session, action: u8, rng: RandomStream, report: RoundReport): void {
    if (action == HiLoAction.CASH_OUT) {
      report.bet(HILO_BET_STAKE, 0, sess.stake, this.payout(sess.stake, this.multiplier), BetStatus.RELEASED);
      report.addInfo(this.multiplier);
      sess.finished = true;
      return;
    }
    const before = hiLoRank(this.card);
    const next = rng.below(52);
    report.draw(<u8>next);
    const after = hiLoRank(next);
    this.card = next;
    let correct = false;
    if (action == HiLoAction.SAME) correct = after == before;
    else if (after == before) {
      // A push: the new card shows, the multiplier stays.
      report.addInfo(this.multiplier);
      this.save(sess);
      return;
    } else correct = action == HiLoAction.HIGHER ? after > before : after < before;
    if (!correct) {
      report.bet(HILO_BET_STAKE, 0, sess.stake, 0, BetStatus.RELEASED);
      report.addInfo(0);
      sess.finished = true;
      sess.data = new Uint8Array(0);
      return;
    }
    this.multiplier = mulSaturating(this.multiplier, guessFactor(before, action)) / ONE_X;
    report.addInfo(this.multiplier);
    this.save(sess);
  }
}
