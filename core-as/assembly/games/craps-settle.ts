// What one roll of two dice does to one craps bet (games.md §3): settle it or leave it on the
// table. `point` is the point before the roll (0: a come-out roll). The executor and the
// games_craps export both settle with this function.
import { BetStatus } from "../codec/game-event";
import {
  CrapsBet, isBonus, fieldPays, hardPays, takeOddsWin, layOddsWin, yesWin, noWin, nextWin, isPointNumber,
} from "./craps-rules";
import { BetResult, settleBonus } from "./craps-bonus";

export { BetResult };

@inline function isCraps(t: u32): bool {
  return t == 2 || t == 3 || t == 12;
}

/** A "do" contract bet (Pass, or a Come bet on its first roll when `first`): wins on its number
 * (or a natural on the first roll), loses to 7 (or craps on the first roll). */
function settleDo(number: u32, amount: u64, t: u32, out: BetResult): void {
  if (number == 0) {
    if (t == 7 || t == 11) out.settle(amount * 2);
    else if (isCraps(t)) out.settle(0);
    else out.hold(t, 0); // the roll is its number from now on
  } else if (t == number) out.settle(amount * 2);
  else if (t == 7) out.settle(0);
  else out.hold(number, 0);
}

/** A "don't" contract bet: the mirror of settleDo, with 12 barred (a push) on its first roll. */
function settleDont(number: u32, amount: u64, t: u32, out: BetResult): void {
  if (number == 0) {
    if (t == 2 || t == 3) out.settle(amount * 2);
    else if (t == 12) out.settle(amount);
    else if (t == 7 || t == 11) out.settle(0);
    else out.hold(t, 0);
  } else if (t == 7) out.settle(amount * 2);
  else if (t == number) out.settle(0);
  else out.hold(number, 0);
}

/**
 * Settles or holds one bet on the roll d1, d2. Targets on the table: Pass and Don't Pass (and
 * their odds) 0, riding the table's point; Come and Don't Come 0 before their first roll, then
 * their number; odds behind them, Hard, YES, NO and NEXT their number.
 */
export function settleCrapsBet(
  kind: u8, target: u32, amount: u64, progress: u32, point: u32, d1: u32, d2: u32, out: BetResult,
): void {
  const t = d1 + d2;
  if (kind == CrapsBet.PASS || kind == CrapsBet.DONT_PASS) {
    // The line bet's number is the table's point; its held target stays 0.
    if (kind == CrapsBet.PASS) settleDo(point, amount, t, out);
    else settleDont(point, amount, t, out);
    if (out.held) out.target = 0;
    return;
  }
  if (kind == CrapsBet.COME) return settleDo(target, amount, t, out);
  if (kind == CrapsBet.DONT_COME) return settleDont(target, amount, t, out);
  if (kind >= CrapsBet.PASS_ODDS && kind <= CrapsBet.DONT_COME_ODDS) {
    const n = kind == CrapsBet.PASS_ODDS || kind == CrapsBet.DONT_PASS_ODDS ? point : target;
    const lay = kind == CrapsBet.DONT_PASS_ODDS || kind == CrapsBet.DONT_COME_ODDS;
    // Odds always work, the come-out roll included (docs/decisions/011-craps.md).
    if (!isPointNumber(n)) out.hold(target, 0); // unreachable: placement needs a point under them
    else if (t == n) out.settle(lay ? 0 : amount + takeOddsWin(n, amount));
    else if (t == 7) out.settle(lay ? amount + layOddsWin(n, amount) : 0);
    else out.hold(target, 0);
    return;
  }
  if (kind == CrapsBet.FIELD) {
    const pays = fieldPays(t);
    return out.settle(pays == 0 ? 0 : amount * (pays + 1));
  }
  if (kind == CrapsBet.HARD) {
    if (t == target && d1 == d2) out.settle(amount * (hardPays(target) + 1));
    else if (t == target || t == 7) out.settle(0);
    else out.hold(target, 0);
    return;
  }
  if (kind == CrapsBet.YES) {
    if (t == target) out.settle(amount + yesWin(target, amount));
    else if (t == 7) out.settle(0);
    else out.hold(target, 0);
    return;
  }
  if (kind == CrapsBet.NO) {
    if (t == 7) out.settle(amount + noWin(target, amount));
    else if (t == target) out.settle(0);
    else out.hold(target, 0);
    return;
  }
  if (kind == CrapsBet.NEXT) return out.settle(t == target ? amount + nextWin(target, amount) : 0);
  if (isBonus(kind)) settleBonus(kind, amount, progress, point, d1, d2, out);
}

/** The round-event status of a bet after settleCrapsBet: `wasHeld` for bets from earlier rolls. */
export function statusOf(out: BetResult, wasHeld: bool): u8 {
  if (out.held) return BetStatus.HELD;
  return wasHeld ? BetStatus.RELEASED : BetStatus.SETTLED;
}
