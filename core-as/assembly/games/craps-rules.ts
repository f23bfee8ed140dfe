// Craps (games.md §3): the bet kinds, which targets each takes, and the pay arithmetic of every
// bet: true odds, the 1% commission of YES / NO / NEXT, the bonus pay tables. Pure functions of
// numbers; what happens on a roll is games/craps-settle.ts, the table state games/craps-table.ts.
import { E_UNKNOWN_BET, E_INVALID_BET_TARGET } from "../errors";

export namespace CrapsBet {
  export const PASS: u8 = 0;
  export const DONT_PASS: u8 = 1;
  export const COME: u8 = 2;
  export const DONT_COME: u8 = 3;
  export const PASS_ODDS: u8 = 4;
  export const DONT_PASS_ODDS: u8 = 5;
  export const COME_ODDS: u8 = 6;
  export const DONT_COME_ODDS: u8 = 7;
  export const FIELD: u8 = 8;
  export const HARD: u8 = 9;
  export const YES: u8 = 10;
  export const NO: u8 = 11;
  export const NEXT: u8 = 12;
  export const FIRE: u8 = 13;
  export const ALL_SMALL: u8 = 14;
  export const ALL_TALL: u8 = 15;
  export const MAKE_EM_ALL: u8 = 16;
  export const MUGGSY: u8 = 17;
  export const DIFFERENT_DOUBLES: u8 = 18;
  export const RIDE_THE_LINE: u8 = 19;
  export const REPLAY: u8 = 20;
  export const HOT_ROLLER: u8 = 21;
}

/** Bonus bets: placed only before the shooter's first point. */
export function isBonus(kind: u8): bool {
  return kind >= CrapsBet.FIRE && kind <= CrapsBet.HOT_ROLLER;
}

/** Bets decided by the very roll they are placed on (never held). */
export function isOneRoll(kind: u8): bool {
  return kind == CrapsBet.FIELD || kind == CrapsBet.NEXT;
}

/** Ways two dice make `total` (2–12): 1, 2, 3, 4, 5, 6, 5, 4, 3, 2, 1. */
@inline export function waysOf(total: u32): u32 {
  return total <= 7 ? total - 1 : 13 - total;
}

/** Whether `n` is a point number (4, 5, 6, 8, 9, 10). */
@inline export function isPointNumber(n: u32): bool {
  return n >= 4 && n <= 10 && n != 7;
}

/** 0–5 for the points 4, 5, 6, 8, 9, 10 (the bit of a point in bonus progress). */
@inline export function pointIndex(n: u32): u32 {
  return n < 7 ? n - 4 : n - 5;
}

/** Free odds allowed behind a line or come bet on point `n`: 3x on 4/10, 4x on 5/9, 5x on 6/8. */
export function oddsMultiple(n: u32): u64 {
  const w = waysOf(n);
  return w == 3 ? 3 : w == 4 ? 4 : 5;
}

/** Lay odds "to win the same": a lay wins at most 3x/4x/5x the flat bet, which at 1:2, 2:3 and
 * 5:6 is a lay of 6x the flat bet on every point. */
export const LAY_MULTIPLE: u64 = 6;

/** Odds taken on point `n` win at true odds 2:1, 3:2, 6:5 (ways of 7 to ways of n), floored. */
export function takeOddsWin(n: u32, amount: u64): u64 {
  return (amount * 6) / <u64>waysOf(n);
}

/** Lay odds against point `n` win 1:2, 2:3, 5:6, floored. */
export function layOddsWin(n: u32, amount: u64): u64 {
  return (amount * <u64>waysOf(n)) / 6;
}

/** YES on `n`: true odds (6 : ways of n) less 1% of the win. One floor over the exact value, so
 * the commission rounds in the house's favour. */
export function yesWin(n: u32, amount: u64): u64 {
  return (amount * 6 * 99) / (<u64>waysOf(n) * 100);
}

/** NO on `n`: true odds (ways of n : 6) less 1% of the win, floored. */
export function noWin(n: u32, amount: u64): u64 {
  return (amount * <u64>waysOf(n) * 99) / 600;
}

// NEXT pays by the ways of the total (index 1–6): 35, 17, 11, 8, 6, 5 "to 1", less 1%.
const NEXT_PAYS: StaticArray<u64> = [0, 35, 17, 11, 8, 6, 5];

export function nextWin(total: u32, amount: u64): u64 {
  return (amount * NEXT_PAYS[waysOf(total)] * 99) / 100;
}

/** Field: 3, 4, 9, 10, 11 pay 1:1; 2 pays 2:1; 12 pays 3:1; "to 1", 0 for a loss. */
export function fieldPays(total: u32): u64 {
  if (total == 2) return 2;
  if (total == 12) return 3;
  return total == 3 || total == 4 || total == 9 || total == 10 || total == 11 ? 1 : 0;
}

/** Hard 4 and 10 pay 7:1, hard 6 and 8 9:1. */
export function hardPays(n: u32): u64 {
  return n == 4 || n == 10 ? 7 : 9;
}

/** 0, E_UNKNOWN_BET or E_INVALID_BET_TARGET. Come and Don't Come are placed with target 0 (the
 * roll gives them their number); odds behind them name that number. */
export function checkCrapsTarget(kind: u8, target: u32): u16 {
  if (kind > CrapsBet.HOT_ROLLER) return E_UNKNOWN_BET;
  let ok = false;
  if (kind == CrapsBet.COME_ODDS || kind == CrapsBet.DONT_COME_ODDS) ok = isPointNumber(target);
  else if (kind == CrapsBet.HARD) ok = target == 4 || target == 6 || target == 8 || target == 10;
  else if (kind == CrapsBet.YES || kind == CrapsBet.NO) ok = target >= 2 && target <= 12 && target != 7;
  else if (kind == CrapsBet.NEXT) ok = target >= 2 && target <= 12;
  else ok = target == 0;
  return ok ? 0 : E_INVALID_BET_TARGET;
}

/** The most a bet can return on any one roll, stake included (the house's cover check). Bounds,
 * not exact: odds at 2:1 and YES at 6:1 are the largest of their kinds. */
export function crapsMaxReturn(kind: u8, amount: u64): u64 {
  let times: u64 = 2; // line bets, lay odds and NO all pay at most 1:1
  if (kind == CrapsBet.PASS_ODDS || kind == CrapsBet.COME_ODDS) times = 3;
  else if (kind == CrapsBet.FIELD) times = 4;
  else if (kind == CrapsBet.HARD) times = 10;
  else if (kind == CrapsBet.YES) times = 7;
  else if (kind == CrapsBet.NEXT) times = 36;
  else if (kind == CrapsBet.FIRE) times = 1000;
  else if (kind == CrapsBet.ALL_SMALL || kind == CrapsBet.ALL_TALL) times = 31;
  else if (kind == CrapsBet.MAKE_EM_ALL) times = 151;
  else if (kind == CrapsBet.MUGGSY) times = 4;
  else if (kind == CrapsBet.DIFFERENT_DOUBLES || kind == CrapsBet.RIDE_THE_LINE) times = 101;
  else if (kind == CrapsBet.REPLAY) times = 1001;
  else if (kind == CrapsBet.HOT_ROLLER) times = 201;
  return amount * times; // amount ≤ 10,000: no overflow
}
