// The shape of a one-hand game (Casino War, Hi-Lo; later blackjack, poker games): GameStart takes
// the stake and side bets and may deal; each GameMove is an action in the current phase; the
// last settles. Each game module subclasses this; games/hand.ts runs the common part.
import { RandomStream } from "../random/stream";
import { BetList } from "../codec/bets";
import { Session } from "./session";
import { RoundReport } from "./round";
import { E_UNKNOWN_BET, E_UNKNOWN_ACTION } from "../errors";

export class HandGame {
  /** Set by checkMove: chips the action adds to the table, and the most the hand can then return. */
  moveStake: u64 = 0;
  moveMaxReturn: u64 = 0;
  /** Progressive games: the meter (stake included) when open() runs, and whether open() hit the top. */
  meter: u64 = 0;
  topHit: bool = false;
  /** Set by checkMove: whether the action settles a progressive bet (which may hit the meter). */
  moveMayHitTop: bool = false;

  /** The progressive meter this game feeds (games/meters.ts Meter), or −1. */
  meterOf(): i32 {
    return -1;
  }

  /** Chips a GameStart takes beyond the stake and side bets (Ultimate Texas Hold'em's Blind). */
  startExtraStake(stake: u64): u64 {
    return 0;
  }

  /** The side-bet kind that is the progressive bet, or −1. */
  progressiveKind(): i32 {
    return -1;
  }

  /** A game-specific amount rule for a side bet (a progressive is exactly 1): 0 or a code. */
  checkSideAmount(kind: u8, amount: u64): u16 {
    return 0;
  }

  isValidOptions(options: u32): bool {
    return options == 0;
  }

  /** 0, E_UNKNOWN_BET or E_INVALID_BET_TARGET for a side bet at GameStart. */
  checkSideBet(kind: u8, target: u32): u16 {
    return E_UNKNOWN_BET;
  }

  /** The most the stake and side bets of a start can return at its first settlement. */
  startMaxReturn(stake: u64, sideBets: BetList, options: u32): u64 {
    return 0;
  }

  /** Opens the hand (stakes already taken): draws what it shows, settles what is settled, sets
   * the session's phase and data, and `finished` if the hand is over. Cannot fail. */
  open(sess: Session, sideBets: BetList, rng: RandomStream, report: RoundReport): void {}

  /** Whether `action` (with `bets`) is allowed now: 0 or a code; sets moveStake and moveMaxReturn. */
  checkMove(sess: Session, action: u8, bets: BetList): u16 {
    return E_UNKNOWN_ACTION;
  }

  /** Plays a checked action (its stake already taken). Cannot fail. */
  play(sess: Session, action: u8, rng: RandomStream, report: RoundReport): void {}
}
