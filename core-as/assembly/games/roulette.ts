// Roulette (games.md §4): single zero by default; options La Partage, En Prison, American (0 and
// 00). A draw is a pocket, 0–36, or 37 for 00. Targets (docs/games.md): straight a pocket; split
// a | b << 8 of two adjacent pockets; street and six line the first row (1–12, 1–11); corner its
// lowest number; dozen and column 1–3; even-money bets target 0.
import { RandomStream } from "../random/stream";
import { RoundReport } from "./round";
import { TableGame } from "./table-game";
import { mulSaturating } from "./ledger";
import { BetStatus } from "../codec/game-event";
import { E_UNKNOWN_BET, E_INVALID_BET_TARGET } from "../errors";

export namespace RouletteBet {
  export const STRAIGHT: u8 = 0;
  export const SPLIT: u8 = 1;
  export const STREET: u8 = 2;
  export const CORNER: u8 = 3;
  export const SIX_LINE: u8 = 4;
  export const DOZEN: u8 = 5;
  export const COLUMN: u8 = 6;
  export const RED: u8 = 7;
  export const BLACK: u8 = 8;
  export const ODD: u8 = 9;
  export const EVEN: u8 = 10;
  export const LOW: u8 = 11;
  export const HIGH: u8 = 12;
}

export namespace RouletteOption {
  export const LA_PARTAGE: u32 = 1;
  export const EN_PRISON: u32 = 2;
  export const AMERICAN: u32 = 4;
}

/** The pocket number of 00 on an American wheel. */
export const DOUBLE_ZERO: u8 = 37;

// "To 1" payouts by bet kind.
const PAYS: StaticArray<u64> = [35, 17, 11, 8, 5, 2, 2, 1, 1, 1, 1, 1, 1];
// Bit n set: number n is red.
const RED_MASK: u64 =
  (1 << 1) | (1 << 3) | (1 << 5) | (1 << 7) | (1 << 9) | (1 << 12) | (1 << 14) | (1 << 16) | (1 << 18) |
  (1 << 19) | (1 << 21) | (1 << 23) | (1 << 25) | (1 << 27) | (1 << 30) | (1 << 32) | (1 << 34) | (1 << 36);

@inline function isZero(p: u32): bool {
  return p == 0 || p == <u32>DOUBLE_ZERO;
}

export function isRed(n: u32): bool {
  return n >= 1 && n <= 36 && ((RED_MASK >> n) & 1) != 0;
}

export function isEvenMoney(kind: u8): bool {
  return kind >= RouletteBet.RED && kind <= RouletteBet.HIGH;
}

/** Two pockets that share an edge on the layout (including the zero splits). */
function isSplit(a: u32, b: u32, american: bool): bool {
  if (a >= b) return false;
  if (a >= 1 && b <= 36) return (b == a + 1 && a % 3 != 0) || b == a + 3;
  if (!american) return a == 0 && b >= 1 && b <= 3;
  // American layout: 0 sits over 1 and 2, 00 over 2 and 3, and 0–00 is a split.
  if (b == <u32>DOUBLE_ZERO) return a == 0 || a == 2 || a == 3;
  return a == 0 && (b == 1 || b == 2);
}

/** Whether a bet of `kind` on `target` covers pocket `p` (targets already checked). */
export function covers(kind: u8, target: u32, p: u32): bool {
  if (kind == RouletteBet.STRAIGHT) return p == target;
  if (kind == RouletteBet.SPLIT) return p == (target & 0xff) || p == (target >> 8);
  if (isZero(p)) return false; // no outside bet and no grid bet below covers a zero
  const row = (p - 1) / 3 + 1;
  if (kind == RouletteBet.STREET) return row == target;
  if (kind == RouletteBet.SIX_LINE) return row == target || row == target + 1;
  if (kind == RouletteBet.CORNER) return p == target || p == target + 1 || p == target + 3 || p == target + 4;
  if (kind == RouletteBet.DOZEN) return (p - 1) / 12 + 1 == target;
  if (kind == RouletteBet.COLUMN) return (p - 1) % 3 + 1 == target;
  if (kind == RouletteBet.RED) return isRed(p);
  if (kind == RouletteBet.BLACK) return !isRed(p);
  if (kind == RouletteBet.ODD) return (p & 1) == 1;
  if (kind == RouletteBet.EVEN) return (p & 1) == 0;
  if (kind == RouletteBet.LOW) return p <= 18;
  return p >= 19; // HIGH
}

export class Roulette extends TableGame {
  pocket: u32 = 0;

  isValidOptions(options: u32): bool {
    if ((options & ~(RouletteOption.LA_PARTAGE | RouletteOption.EN_PRISON | RouletteOption.AMERICAN)) != 0) return false;
    // One rule for an even-money bet lost to zero, not two.
    return (options & (RouletteOption.LA_PARTAGE | RouletteOption.EN_PRISON)) != (RouletteOption.LA_PARTAGE | RouletteOption.EN_PRISON);
  }

  checkBet(kind: u8, target: u32, options: u32): u16 {
    if (kind > RouletteBet.HIGH) return E_UNKNOWN_BET;
    const american = (options & RouletteOption.AMERICAN) != 0;
    let ok = false;
    if (kind == RouletteBet.STRAIGHT) ok = target <= 36 || (american && target == <u32>DOUBLE_ZERO);
    else if (kind == RouletteBet.SPLIT) ok = target <= 0xffff && isSplit(target & 0xff, target >> 8, american);
    else if (kind == RouletteBet.STREET) ok = target >= 1 && target <= 12;
    else if (kind == RouletteBet.CORNER) ok = target >= 1 && target <= 32 && target % 3 != 0;
    else if (kind == RouletteBet.SIX_LINE) ok = target >= 1 && target <= 11;
    else if (kind == RouletteBet.DOZEN || kind == RouletteBet.COLUMN) ok = target >= 1 && target <= 3;
    else ok = target == 0;
    return ok ? 0 : E_INVALID_BET_TARGET;
  }

  maxReturn(kind: u8, target: u32, amount: u64, options: u32): u64 {
    return mulSaturating(amount, PAYS[kind] + 1);
  }

  deal(rng: RandomStream, report: RoundReport, options: u32): void {
    this.pocket = rng.below((options & RouletteOption.AMERICAN) != 0 ? 38 : 37);
    report.draw(<u8>this.pocket);
  }

  setOutcome(values: usize, n: i32, options: u32): bool {
    if (n != 1) return false;
    const p = <u32>load<u8>(values);
    if (p > 37 || (p == 37 && (options & RouletteOption.AMERICAN) == 0)) return false;
    this.pocket = p;
    return true;
  }

  settle(kind: u8, target: u32, amount: u64, options: u32, held: bool): u64 {
    this.status = BetStatus.SETTLED;
    const p = this.pocket;
    // A bet held in prison returns only its stake if it wins the next spin, and otherwise loses.
    if (held) return covers(kind, target, p) ? amount : 0;
    if (covers(kind, target, p)) return amount * (PAYS[kind] + 1);
    if (isEvenMoney(kind) && isZero(p)) {
      if ((options & RouletteOption.LA_PARTAGE) != 0) return amount / 2; // loses half, floored for the house
      if ((options & RouletteOption.EN_PRISON) != 0) this.status = BetStatus.HELD;
    }
    return 0;
  }
}
