// ABI: Ultimate Texas Hold'em's settlement and the hold'em hand score on given cards, without state
// or randomness — the functions the executor settles with, for known-answer tests and for clients
// re-settling a round from its event (docs/games.md).
import { inputPtr } from "../io";
import { Writer } from "../codec/writer";
import { holdemScore, categoryOfScore } from "../games/holdem-hand";
import { sixCardReturn } from "../games/threecard";
import {
  anteReturn, blindReturn, playReturn, tripsReturn, progressiveReturn, dealerQualifies, showdownOf,
} from "../games/uth-rules";
import { fail, E_BAD_ARGUMENTS, E_INVALID_VALUE } from "../errors";

const out = new Writer(64);
const cards = new StaticArray<u32>(9);
const player = new StaticArray<u32>(7);
const dealer = new StaticArray<u32>(7);
/** Amounts this far below 2^64 cannot overflow at the largest multiple (1001). */
const MAX_AMOUNT: u64 = 1_000_000_000;

/** Reads `n` distinct cards 0–51 from the input into `cards`; false if one is out of range or repeated. */
function readCards(n: u32): bool {
  for (let i: u32 = 0; i < n; i++) {
    const c = <u32>load<u8>(inputPtr() + i);
    if (c > 51) return false;
    for (let j: u32 = 0; j < i; j++) if (cards[j] == c) return false; // one deck
    cards[i] = c;
  }
  return true;
}

/** Input: 5–7 cards. Output: u32le score (compare to compare hands) ‖ u8 category (poker-hand.ts numbers, 1 any pair). */
export function games_holdem_hand(len: u32): i32 {
  if (len < 5 || len > 7) return fail(E_BAD_ARGUMENTS);
  if (!readCards(len)) return fail(E_INVALID_VALUE);
  for (let i: u32 = 0; i < len; i++) player[i] = cards[i];
  const s = holdemScore(player, <i32>len);
  return out.reset().u32le(s).u8(categoryOfScore(s)).toOutput();
}

/**
 * Ultimate Texas Hold'em's settlement. Input: player's two hole cards ‖ flop (3) ‖ turn ‖ river ‖
 * dealer's two ‖ u64le ante (= blind) ‖ u64le play ‖ u64le trips ‖ u64le 6-Card stake ‖ u64le meter.
 * `fold` 1 folds (play must be 0). Output: u64le returns of ante, blind, play, trips, 6-Card Bonus
 * and progressive (for one chip) ‖ u8 player category ‖ u8 dealer category ‖ u8 dealer qualifies
 * ‖ u8 showdown (0 loss, 1 tie, 2 win).
 */
export function games_uth(len: u32, fold: u32): i32 {
  if (len != 49 || fold > 1) return fail(E_BAD_ARGUMENTS);
  if (!readCards(9)) return fail(E_INVALID_VALUE);
  const p = inputPtr() + 9;
  const ante = load<u64>(p);
  const play = load<u64>(p + 8);
  const trips = load<u64>(p + 16);
  const sixCard = load<u64>(p + 24);
  const meter = load<u64>(p + 32);
  if (ante > MAX_AMOUNT || play > MAX_AMOUNT || trips > MAX_AMOUNT || sixCard > MAX_AMOUNT) return fail(E_BAD_ARGUMENTS);
  const folded = fold == 1;
  if (folded && play != 0) return fail(E_BAD_ARGUMENTS);
  for (let i = 0; i < 7; i++) player[i] = cards[i];
  dealer[0] = cards[7];
  dealer[1] = cards[8];
  for (let i = 2; i < 7; i++) dealer[i] = cards[i];
  const ps = holdemScore(player, 7);
  const ds = holdemScore(dealer, 7);
  const w = out.reset();
  w.u64le(anteReturn(ps, ds, ante, folded)).u64le(blindReturn(ps, ds, ante, folded));
  w.u64le(folded ? 0 : playReturn(ps, ds, play)).u64le(tripsReturn(ps, trips)).u64le(sixCardReturn(player, sixCard));
  w.u64le(progressiveReturn(player, meter));
  w.u8(categoryOfScore(ps)).u8(categoryOfScore(ds)).u8(dealerQualifies(ds) ? 1 : 0).u8(showdownOf(ps, ds));
  return w.toOutput();
}
