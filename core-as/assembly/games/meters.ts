// Progressive meters (games.md, "Common session model"): one per progressive game, starting at
// 10,000; every progressive stake adds to it; a top hit pays the meter and resets it to 10,000.
// Meter chips are counted in supply.pools: a meter is seeded (and re-seeded after a top hit) by
// minting METER_START into the pools, stakes move from the house into them, and a top hit moves
// the meter from the pools to the house, which pays it with the round's other returns. So
// balances + house + pools + treasury = minted − burned holds throughout.
import { State } from "../exec/state";
import { TOTAL_SUPPLY } from "../state/policy";
import { GamesRecord } from "./session";
import { METER_START } from "./catalogue";

/** Which meter of the games record a game uses. */
export namespace Meter {
  export const THREE_CARD: u8 = 0;
  export const UTH: u8 = 1;
}

function get(g: GamesRecord, which: u8): u64 {
  return which == Meter.THREE_CARD ? g.meterThreeCard : g.meterUth;
}

function set(g: GamesRecord, which: u8, v: u64): void {
  if (which == Meter.THREE_CARD) g.meterThreeCard = v;
  else g.meterUth = v;
}

/** Whether supply allows seeding the meter now (if it is not yet) and re-seeding it after a top hit. */
export function canSeedMeter(s: State, g: GamesRecord, which: u8): bool {
  const need = get(g, which) == 0 ? METER_START * 2 : METER_START;
  return TOTAL_SUPPLY - s.supply.minted >= need;
}

/** Adds a progressive stake (already taken into the house) to the meter, seeding it first if needed. */
export function stakeMeter(s: State, g: GamesRecord, which: u8, amount: u64): void {
  if (get(g, which) == 0) {
    s.supply.minted += METER_START;
    s.supply.pools += METER_START;
    set(g, which, METER_START);
  }
  s.supply.house -= amount;
  s.supply.pools += amount;
  set(g, which, get(g, which) + amount);
  s.chainDirty = true;
}

export function meterValue(g: GamesRecord, which: u8): u64 {
  return get(g, which);
}

/** A top hit: the meter moves from the pools to the house (which pays it), and is re-seeded. */
export function releaseMeter(s: State, g: GamesRecord, which: u8): void {
  const v = get(g, which);
  s.supply.pools -= v;
  s.supply.house += v;
  s.supply.minted += METER_START;
  s.supply.pools += METER_START;
  set(g, which, METER_START);
  s.chainDirty = true;
}
