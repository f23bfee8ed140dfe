// Sic Bo (games.md §5): three dice, Macau pay table by default, Atlantic City as option bit 0.
// Targets (docs/games.md): a face 1–6 for triple, double and single; a total 4–17; digits in
// ascending order for domino (ab), three-number easy hop (abc) and four-number easy hop (abcd);
// double then single for hard hop (ds).
import { RandomStream } from "../random/stream";
import { RoundReport } from "./round";
import { TableGame } from "./table-game";
import { BetStatus } from "../codec/game-event";
import { E_UNKNOWN_BET, E_INVALID_BET_TARGET } from "../errors";

export namespace SicBoBet {
  export const SMALL: u8 = 0;
  export const BIG: u8 = 1;
  export const ODD: u8 = 2;
  export const EVEN: u8 = 3;
  export const SPECIFIC_TRIPLE: u8 = 4;
  export const ANY_TRIPLE: u8 = 5;
  export const SPECIFIC_DOUBLE: u8 = 6;
  export const TOTAL: u8 = 7;
  export const SINGLE: u8 = 8;
  export const DOMINO: u8 = 9;
  export const EASY_HOP_THREE: u8 = 10;
  export const HARD_HOP: u8 = 11;
  export const EASY_HOP_FOUR: u8 = 12;
}

export namespace SicBoOption {
  export const ATLANTIC_CITY: u32 = 1;
}

// Totals 4–17 → "to 1", Macau and Atlantic City (games.md).
const TOTAL_MACAU: StaticArray<u64> = [50, 18, 14, 12, 8, 6, 6, 6, 6, 8, 12, 14, 18, 50];
const TOTAL_ATLANTIC: StaticArray<u64> = [60, 30, 17, 12, 8, 6, 6, 6, 6, 8, 12, 17, 30, 60];

/** The faces named by a target's decimal digits as a bit set (bit f for face f), or 0 if the
 * digits are not `count` strictly ascending faces 1–6. */
export function faceSet(target: u32, count: i32): u32 {
  let set: u32 = 0;
  let prev: u32 = 7;
  let t = target;
  for (let i = 0; i < count; i++) {
    const d = t % 10;
    t /= 10;
    if (d < 1 || d >= prev) return 0; // digits read from the right must strictly decrease
    set |= 1 << d;
    prev = d;
  }
  return t == 0 ? set : 0;
}

export class SicBo extends TableGame {
  dice: StaticArray<u32> = new StaticArray<u32>(3);
  /** count[f]: how many dice show face f. */
  counts: StaticArray<u32> = new StaticArray<u32>(7);
  total: u32 = 0;

  isValidOptions(options: u32): bool {
    return (options & ~SicBoOption.ATLANTIC_CITY) == 0;
  }

  checkBet(kind: u8, target: u32, options: u32): u16 {
    if (kind > SicBoBet.EASY_HOP_FOUR) return E_UNKNOWN_BET;
    let ok = false;
    if (kind <= SicBoBet.EVEN || kind == SicBoBet.ANY_TRIPLE) ok = target == 0;
    else if (kind == SicBoBet.SPECIFIC_TRIPLE || kind == SicBoBet.SPECIFIC_DOUBLE || kind == SicBoBet.SINGLE) ok = target >= 1 && target <= 6;
    else if (kind == SicBoBet.TOTAL) ok = target >= 4 && target <= 17;
    else if (kind == SicBoBet.DOMINO) ok = faceSet(target, 2) != 0;
    else if (kind == SicBoBet.EASY_HOP_THREE) ok = faceSet(target, 3) != 0;
    else if (kind == SicBoBet.EASY_HOP_FOUR) ok = faceSet(target, 4) != 0;
    else {
      const d = target / 10;
      const single = target % 10;
      ok = d >= 1 && d <= 6 && single >= 1 && single <= 6 && d != single; // HARD_HOP
    }
    return ok ? 0 : E_INVALID_BET_TARGET;
  }

  /** The "to 1" payout of a winning bet under these options (SINGLE: for one die). */
  pays(kind: u8, target: u32, options: u32): u64 {
    const ac = (options & SicBoOption.ATLANTIC_CITY) != 0;
    if (kind <= SicBoBet.EVEN) return 1;
    if (kind == SicBoBet.SPECIFIC_TRIPLE) return ac ? 180 : 150;
    if (kind == SicBoBet.ANY_TRIPLE) return ac ? 30 : 24;
    if (kind == SicBoBet.SPECIFIC_DOUBLE) return ac ? 10 : 8;
    if (kind == SicBoBet.TOTAL) return ac ? TOTAL_ATLANTIC[target - 4] : TOTAL_MACAU[target - 4];
    if (kind == SicBoBet.SINGLE) return 1;
    if (kind == SicBoBet.DOMINO) return 5;
    if (kind == SicBoBet.EASY_HOP_THREE) return 30;
    if (kind == SicBoBet.HARD_HOP) return 50;
    return 7; // EASY_HOP_FOUR
  }

  maxReturn(kind: u8, target: u32, amount: u64, options: u32): u64 {
    return amount * ((kind == SicBoBet.SINGLE ? 3 : this.pays(kind, target, options)) + 1);
  }

  deal(rng: RandomStream, report: RoundReport, options: u32): void {
    for (let i = 0; i < 3; i++) {
      const d = rng.below(6) + 1;
      unchecked((this.dice[i] = d));
      report.draw(<u8>d);
    }
    this.tally();
  }

  setOutcome(values: usize, n: i32, options: u32): bool {
    if (n != 3) return false;
    for (let i = 0; i < 3; i++) {
      const d = <u32>load<u8>(values + <usize>i);
      if (d < 1 || d > 6) return false;
      unchecked((this.dice[i] = d));
    }
    this.tally();
    return true;
  }

  private tally(): void {
    for (let f = 0; f < 7; f++) unchecked((this.counts[f] = 0));
    this.total = 0;
    for (let i = 0; i < 3; i++) {
      const d = unchecked(this.dice[i]);
      unchecked((this.counts[d] = this.counts[d] + 1));
      this.total += d;
    }
  }

  /** Bit set of the faces showing. */
  private shown(): u32 {
    return (1 << unchecked(this.dice[0])) | (1 << unchecked(this.dice[1])) | (1 << unchecked(this.dice[2]));
  }

  /** Whether the bet wins, and for SINGLE how many dice match (the multiplier of its payout). */
  private multiple(kind: u8, target: u32): u32 {
    const triple = unchecked(this.counts[this.dice[0]]) == 3;
    const t = this.total;
    if (kind == SicBoBet.SMALL) return !triple && t >= 4 && t <= 10 ? 1 : 0;
    if (kind == SicBoBet.BIG) return !triple && t >= 11 && t <= 17 ? 1 : 0;
    if (kind == SicBoBet.ODD) return !triple && (t & 1) == 1 ? 1 : 0;
    if (kind == SicBoBet.EVEN) return !triple && (t & 1) == 0 ? 1 : 0;
    if (kind == SicBoBet.SPECIFIC_TRIPLE) return this.counts[target] == 3 ? 1 : 0;
    if (kind == SicBoBet.ANY_TRIPLE) return triple ? 1 : 0;
    if (kind == SicBoBet.SPECIFIC_DOUBLE) return this.counts[target] >= 2 ? 1 : 0;
    if (kind == SicBoBet.TOTAL) return t == target ? 1 : 0;
    if (kind == SicBoBet.SINGLE) return this.counts[target];
    const shown = this.shown();
    if (kind == SicBoBet.DOMINO) {
      const want = faceSet(target, 2);
      return (shown & want) == want ? 1 : 0;
    }
    const distinct = popcnt(shown) == 3;
    if (kind == SicBoBet.EASY_HOP_THREE) return distinct && shown == faceSet(target, 3) ? 1 : 0;
    if (kind == SicBoBet.EASY_HOP_FOUR) return distinct && (shown & ~faceSet(target, 4)) == 0 ? 1 : 0;
    // HARD_HOP
    return this.counts[target / 10] == 2 && this.counts[target % 10] == 1 ? 1 : 0;
  }

  settle(kind: u8, target: u32, amount: u64, options: u32, held: bool): u64 {
    this.status = BetStatus.SETTLED;
    const m = <u64>this.multiple(kind, target);
    return m == 0 ? 0 : amount + amount * m * this.pays(kind, target, options);
  }

  describe(report: RoundReport): void {
    report.addInfo(<u64>this.total);
  }
}
