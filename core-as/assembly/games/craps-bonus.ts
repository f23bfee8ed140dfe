// Craps bonus bets (games.md §3): Fire, All Small / All Tall / Make 'Em All, Muggsy's Corner,
// Different Doubles, Ride the Line, Replay, Hot Roller. Each bet carries its own progress (a u32
// in the table state), counted from the roll it is placed on: a bet placed after a few come-out
// rolls does not inherit what those rolls showed (docs/decisions/011-craps.md).
//
// What ends them: Fire, Ride the Line and Replay follow the shooter and end at the seven-out (a
// come-out 7 is not one); All Small / Tall / Make 'Em All, Different Doubles and Hot Roller end at
// any 7. A bet that reaches its top prize is paid at once.
import { CrapsBet, isPointNumber, pointIndex } from "./craps-rules";

/** What one roll did to one bet: settled with `ret` (stake included, 0 for a loss), or held with
 * a (possibly new) target and progress. */
export class BetResult {
  ret: u64 = 0;
  held: bool = false;
  target: u32 = 0;
  progress: u32 = 0;

  settle(ret: u64): void {
    this.ret = ret;
    this.held = false;
  }

  hold(target: u32, progress: u32): void {
    this.ret = 0;
    this.held = true;
    this.target = target;
    this.progress = progress;
  }
}

// Progress bits of the number bets: bit t for each total t.
const SMALL_MASK: u32 = 0b1111100; // 2–6
const TALL_MASK: u32 = 0b1111100000000; // 8–12
const ALL_DOUBLES: u32 = 0b111111;
const ALL_POINTS: u32 = 0b111111;

// "To 1" pay tables.
const RIDE_PAYS: StaticArray<u64> = [0, 0, 0, 1, 2, 3, 5, 10, 15, 25, 40, 100]; // by pass-line wins, 11+ → 100
const REPLAY_THREE: StaticArray<u64> = [120, 95, 70, 70, 95, 120]; // by point index (4, 5, 6, 8, 9, 10)
const REPLAY_FOUR: StaticArray<u64> = [1000, 500, 100, 100, 500, 1000];
const HOT_PAYS: StaticArray<u64> = [0, 0, 5, 10, 20, 50, 200]; // by points complete
const DOUBLES_PAYS: StaticArray<u64> = [0, 0, 0, 4, 8, 15, 100]; // by distinct doubles
const FIRE_TOP: u64 = 999;
const SMALL_TALL_PAYS: u64 = 30;
const MAKE_EM_ALL_PAYS: u64 = 150;
const RIDE_TOP_WINS: u32 = 11;
const REPLAY_TOP: u64 = 1000;

/** 4 or 10 made four times: Replay's top prize, nothing can beat it. */
const REPLAY_MAX_COUNT: u32 = 4;

@inline function win(amount: u64, pays: u64): u64 {
  return pays == 0 ? 0 : amount * (pays + 1);
}

/** Hot Roller counts each point made both ways: for 4, 6, 8 and 10 the hard way (bit 0) and an
 * easy way (bit 1); for 5 and 9, 1-4 / 3-6 (bit 0) and 2-3 / 4-5 (bit 1). */
function hotRollerBit(d1: u32, d2: u32): u32 {
  const t = d1 + d2;
  const diff = d1 > d2 ? d1 - d2 : d2 - d1;
  const first = t == 5 || t == 9 ? diff == 3 : diff == 0;
  return 1 << (pointIndex(t) * 2 + (first ? 0 : 1));
}

function hotRollerComplete(progress: u32): u32 {
  let n: u32 = 0;
  for (let i: u32 = 0; i < 6; i++) if (((progress >> (i * 2)) & 3) == 3) n++;
  return n;
}

function replayCount(progress: u32, index: u32): u32 {
  return (progress >> (index * 3)) & 7;
}

function replayPays(progress: u32): u64 {
  let best: u64 = 0;
  for (let i: u32 = 0; i < 6; i++) {
    const c = replayCount(progress, i);
    const pays = c >= 4 ? REPLAY_FOUR[i] : c == 3 ? REPLAY_THREE[i] : 0;
    if (pays > best) best = pays;
  }
  return best;
}

/** Settles or holds a bonus bet on the roll d1, d2 with `point` on before it (0: a come-out roll). */
export function settleBonus(kind: u8, amount: u64, progress: u32, point: u32, d1: u32, d2: u32, out: BetResult): void {
  const t = d1 + d2;
  const seven = t == 7;
  const sevenOut = seven && point != 0;
  const pointMade = point != 0 && t == point;

  if (kind == CrapsBet.FIRE) {
    if (sevenOut) {
      const n = popcnt(progress);
      out.settle(win(amount, n == 4 ? 24 : n == 5 ? 249 : 0));
      return;
    }
    const p = pointMade ? progress | (1 << pointIndex(point)) : progress;
    if (p == ALL_POINTS) out.settle(win(amount, FIRE_TOP));
    else out.hold(0, p);
    return;
  }
  if (kind == CrapsBet.ALL_SMALL || kind == CrapsBet.ALL_TALL || kind == CrapsBet.MAKE_EM_ALL) {
    if (seven) return out.settle(0);
    const need = kind == CrapsBet.ALL_SMALL ? SMALL_MASK : kind == CrapsBet.ALL_TALL ? TALL_MASK : SMALL_MASK | TALL_MASK;
    const p = progress | ((1 << t) & need);
    if (p == need) out.settle(win(amount, kind == CrapsBet.MAKE_EM_ALL ? MAKE_EM_ALL_PAYS : SMALL_TALL_PAYS));
    else out.hold(0, p);
    return;
  }
  if (kind == CrapsBet.MUGGSY) {
    // Progress 0: placed, waiting for the come-out roll; 1: that roll set a point, the next decides.
    if (progress == 0) {
      if (seven) out.settle(win(amount, 2));
      else if (isPointNumber(t)) out.hold(0, 1);
      else out.settle(0);
    } else out.settle(seven ? win(amount, 3) : 0);
    return;
  }
  if (kind == CrapsBet.DIFFERENT_DOUBLES) {
    if (seven) return out.settle(win(amount, DOUBLES_PAYS[popcnt(progress)]));
    const p = d1 == d2 ? progress | (1 << (d1 - 1)) : progress;
    if (p == ALL_DOUBLES) out.settle(win(amount, DOUBLES_PAYS[6]));
    else out.hold(0, p);
    return;
  }
  if (kind == CrapsBet.RIDE_THE_LINE) {
    if (sevenOut) return out.settle(win(amount, RIDE_PAYS[progress]));
    const passWin = pointMade || (point == 0 && (t == 7 || t == 11));
    const p = passWin ? progress + 1 : progress;
    if (p >= RIDE_TOP_WINS) out.settle(win(amount, RIDE_PAYS[RIDE_TOP_WINS]));
    else out.hold(0, p);
    return;
  }
  if (kind == CrapsBet.REPLAY) {
    if (sevenOut) return out.settle(win(amount, replayPays(progress)));
    let p = progress;
    if (pointMade) {
      const i = pointIndex(point);
      const c = replayCount(p, i);
      if (c < REPLAY_MAX_COUNT) p += 1 << (i * 3); // counts stop at 4: more pays no more
      if (replayPays(p) == REPLAY_TOP) return out.settle(win(amount, REPLAY_TOP));
    }
    out.hold(0, p);
    return;
  }
  // HOT_ROLLER
  if (seven) return out.settle(win(amount, HOT_PAYS[hotRollerComplete(progress)]));
  const p = isPointNumber(t) ? progress | hotRollerBit(d1, d2) : progress;
  const done = hotRollerComplete(p);
  if (done == 6) out.settle(win(amount, HOT_PAYS[6]));
  else out.hold(0, p);
}
