// Chip movements of a round, between the player and the house (supply.house). Stakes go to the
// house when placed; returns come from it when settled. A house short of chips draws the shortfall
// from the unminted supply (docs/decisions/008-house-bankroll.md), so the conservation identity
// balances + house + pools + treasury = minted − burned holds after every transaction. In
// tournament play (s.tournamentPlay) `a.chips` is the tournament stack and only it moves.
import { Account } from "../state/account";
import { TOTAL_SUPPLY } from "../state/policy";
import { State } from "../exec/state";

/** Whether the house can pay `maxReturn` after taking `staked`, minting at most what supply allows. */
export function canCover(s: State, staked: u64, maxReturn: u64): bool {
  if (s.tournamentPlay) return true; // tournament stacks are not chips: nothing to cover
  const mintable = TOTAL_SUPPLY - s.supply.minted;
  const available = s.supply.house + staked; // house ≤ minted ≤ 10^9: no overflow
  return maxReturn <= available || maxReturn - available <= mintable;
}

/** Moves a stake the caller checked (≤ a.chips) from the player to the house. */
export function takeStake(s: State, a: Account, amount: u64): void {
  a.chips -= amount;
  if (s.tournamentPlay) return;
  s.supply.house += amount;
  s.chainDirty = true;
}

/** Pays a return the caller checked with canCover, minting any shortfall into the house first. */
export function payReturn(s: State, a: Account, amount: u64): void {
  if (amount == 0) return;
  if (s.tournamentPlay) {
    a.chips += amount;
    return;
  }
  if (s.supply.house < amount) {
    const short = amount - s.supply.house;
    s.supply.minted += short;
    s.supply.house += short;
  }
  s.supply.house -= amount;
  a.chips += amount;
  s.chainDirty = true;
}

/** a + b, or U64.MAX_VALUE on overflow (callers compare against a limit that is far smaller). */
@inline export function addSaturating(a: u64, b: u64): u64 {
  const c = a + b;
  return c < a ? U64.MAX_VALUE : c;
}

/** a × b, or U64.MAX_VALUE on overflow. */
@inline export function mulSaturating(a: u64, b: u64): u64 {
  if (a == 0 || b == 0) return 0;
  return a > U64.MAX_VALUE / b ? U64.MAX_VALUE : a * b;
}
