// The shape of a table game (baccarat, roulette, sic bo): a round is one batch of bets, one outcome
// drawn from the move's randomness stream, and each bet settled against it. Each game module
// subclasses this; games/table.ts runs the round the same way for all of them.
import { RandomStream } from "../random/stream";
import { RoundReport } from "./round";
import { BetStatus } from "../codec/game-event";
import { E_UNKNOWN_BET } from "../errors";

export class TableGame {
  /** Set by settle(): SETTLED, or HELD for a bet that stays on the table (En Prison). */
  status: u8 = BetStatus.SETTLED;

  /** Whether `options` is a valid set of session options for this game. */
  isValidOptions(options: u32): bool {
    return options == 0;
  }

  /** 0, E_UNKNOWN_BET (no such kind) or E_INVALID_BET_TARGET (kind exists, target does not). */
  checkBet(kind: u8, target: u32, options: u32): u16 {
    return E_UNKNOWN_BET;
  }

  /** The most one bet can return, stake included (for the house's cover check). */
  maxReturn(kind: u8, target: u32, amount: u64, options: u32): u64 {
    return 0;
  }

  /** Draws the round's outcome, recording every draw in `report`. */
  deal(rng: RandomStream, report: RoundReport, options: u32): void {}

  /** Sets the outcome from `n` given values (known-answer tests, enumeration); false if invalid. */
  setOutcome(values: usize, n: i32, options: u32): bool {
    return false;
  }

  /** The return of one bet against the current outcome (0 for a loss); sets `status`. `held`: an
   * En Prison bet from the previous round. */
  settle(kind: u8, target: u32, amount: u64, options: u32, held: bool): u64 {
    return 0;
  }

  /** Appends the outcome's summary numbers (totals and the like) to the report's info. */
  describe(report: RoundReport): void {}
}
