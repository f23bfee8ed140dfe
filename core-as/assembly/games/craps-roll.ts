// One craps roll as the executor and the games_craps export run it: check a batch against the
// table (phase, odds limits, room on the table), then settle every bet on the table and every new
// bet on the dice, and move the table on (point, shooter). Pure: state in, state out.
import { BetList } from "../codec/bets";
import { RoundReport } from "./round";
import { CrapsTable, MAX_HELD } from "./craps-table";
import {
  CrapsBet, isBonus, isOneRoll, isPointNumber, checkCrapsTarget, crapsMaxReturn, oddsMultiple, LAY_MULTIPLE,
} from "./craps-rules";
import { BetResult, settleCrapsBet, statusOf } from "./craps-settle";
import { MIN_BET } from "./catalogue";
import {
  E_BET_BELOW_MINIMUM, E_BET_OVER_LIMIT, E_WRONG_PHASE, E_NO_BETS, E_TABLE_FULL,
} from "../errors";

const result = new BetResult();

/** The line or come bet odds of `kind` ride on. */
function flatOf(kind: u8): u8 {
  if (kind == CrapsBet.PASS_ODDS) return CrapsBet.PASS;
  if (kind == CrapsBet.DONT_PASS_ODDS) return CrapsBet.DONT_PASS;
  if (kind == CrapsBet.COME_ODDS) return CrapsBet.COME;
  return CrapsBet.DONT_COME;
}

/** Odds behind a line or come bet: only over a flat bet that has its number, and in all (held
 * and in this batch up to bet i) at most 3x/4x/5x the flat bet, or a lay of 6x. */
function checkOdds(t: CrapsTable, bets: BetList, i: i32): u16 {
  const kind = bets.kind(i);
  const target = bets.target(i);
  const onPass = kind == CrapsBet.PASS_ODDS || kind == CrapsBet.DONT_PASS_ODDS;
  const n = onPass ? t.point : target;
  if (!isPointNumber(n)) return E_WRONG_PHASE; // Pass odds on a come-out roll
  const flat = t.total(flatOf(kind), target); // pass bets are held with target 0, come bets with their number
  if (flat == 0) return E_WRONG_PHASE;
  let odds = t.total(kind, target);
  for (let j = 0; j <= i; j++) if (bets.kind(j) == kind && bets.target(j) == target) odds += bets.amount(j);
  const lay = kind == CrapsBet.DONT_PASS_ODDS || kind == CrapsBet.DONT_COME_ODDS;
  return odds > flat * (lay ? LAY_MULTIPLE : oddsMultiple(n)) ? E_BET_OVER_LIMIT : 0;
}

/** Whether bet i may be placed on this roll: 0 or E_WRONG_PHASE / E_BET_OVER_LIMIT. */
function checkPlacement(t: CrapsTable, bets: BetList, i: i32): u16 {
  const kind = bets.kind(i);
  if (kind == CrapsBet.PASS || kind == CrapsBet.DONT_PASS) return t.point == 0 ? 0 : E_WRONG_PHASE;
  if (kind == CrapsBet.COME || kind == CrapsBet.DONT_COME) return t.point != 0 ? 0 : E_WRONG_PHASE;
  if (kind >= CrapsBet.PASS_ODDS && kind <= CrapsBet.DONT_COME_ODDS) return checkOdds(t, bets, i);
  if (isBonus(kind)) return t.point == 0 && !t.shooterHasPoint ? 0 : E_WRONG_PHASE;
  return 0; // Field, Hard, YES, NO, NEXT: any roll
}

/** Checks a batch against the table: 0 or the code of the first failing check, in the order of
 * docs/games.md (each bet's kind, target, minimum, maximum, phase; then batch, room). */
export function checkCrapsBatch(t: CrapsTable, bets: BetList, limit: u64): u16 {
  let multiRoll = 0;
  for (let i = 0; i < bets.count; i++) {
    const code = checkCrapsTarget(bets.kind(i), bets.target(i));
    if (code != 0) return code;
    if (bets.amount(i) < MIN_BET) return E_BET_BELOW_MINIMUM;
    if (bets.amount(i) > limit) return E_BET_OVER_LIMIT;
    const phase = checkPlacement(t, bets, i);
    if (phase != 0) return phase;
    if (!isOneRoll(bets.kind(i))) multiRoll++;
  }
  if (bets.count == 0 && t.count == 0) return E_NO_BETS;
  if (t.count + multiRoll > MAX_HELD) return E_TABLE_FULL;
  return 0;
}

/** Stakes of a batch (each ≤ 10,000, at most 20: no overflow). */
export function crapsStaked(bets: BetList): u64 {
  let s: u64 = 0;
  for (let i = 0; i < bets.count; i++) s += bets.amount(i);
  return s;
}

/** A bound on what one roll can return: every bet on the table and in the batch at its largest. */
export function crapsRollMaxReturn(t: CrapsTable, bets: BetList): u64 {
  let m: u64 = 0;
  for (let i = 0; i < t.count; i++) m += crapsMaxReturn(t.kind(i), t.amount(i));
  for (let i = 0; i < bets.count; i++) m += crapsMaxReturn(bets.kind(i), bets.amount(i));
  return m; // ≤ 60 bets × 10,000 × 1,001: far from overflow
}

/**
 * Rolls d1, d2 on table `before` with the checked batch `bets`: every bet is settled or held,
 * and `after` becomes the table after the roll. Reported in `r`: bets from earlier rolls settled
 * now (status 2), then the batch (0 settled, 1 held). Info: [total, point after the roll].
 */
export function resolveCrapsRoll(before: CrapsTable, bets: BetList, d1: u32, d2: u32, after: CrapsTable, r: RoundReport): void {
  after.clear();
  const point = before.point;
  for (let i = 0; i < before.count; i++) {
    const kind = before.kind(i);
    settleCrapsBet(kind, before.target(i), before.amount(i), before.progressOf(i), point, d1, d2, result);
    // A bet still waiting was reported when placed; the event shows it again only once settled
    // (status 2), so a round's stakes are always its bets with status 0 and 1.
    if (result.held) after.push(kind, result.target, before.amount(i), result.progress);
    else r.bet(kind, before.target(i), before.amount(i), result.ret, statusOf(result, true));
  }
  for (let i = 0; i < bets.count; i++) {
    const kind = bets.kind(i);
    settleCrapsBet(kind, bets.target(i), bets.amount(i), 0, point, d1, d2, result);
    if (result.held) after.push(kind, result.target, bets.amount(i), result.progress);
    r.bet(kind, result.held ? result.target : bets.target(i), bets.amount(i), result.ret, statusOf(result, false));
  }
  // The table moves on: a point is set, made (same shooter) or sevened out (a new shooter).
  const t = d1 + d2;
  after.shooterHasPoint = before.shooterHasPoint;
  if (point == 0) {
    if (isPointNumber(t)) {
      after.point = t;
      after.shooterHasPoint = true;
    }
  } else if (t == point) after.point = 0;
  else if (t == 7) {
    after.point = 0;
    after.shooterHasPoint = false;
  } else after.point = point;
  r.addInfo(<u64>t);
  r.addInfo(<u64>after.point);
}
