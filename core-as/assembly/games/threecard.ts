// Three Card Poker (games.md §6): one deck; the player's three cards are dealt at GameStart, the
// dealer's at the play-or-fold move that reveals them. Pairplus and the Progressive depend only
// on the player's cards and settle at the deal (Pairplus is paid even on a fold); the Ante, the
// Play, the Ante bonus and the 6-Card Bonus settle at the move. Play equals the Ante.
// Session data: the player's three cards ‖ varint 6-Card Bonus stake.
import { RandomStream } from "../random/stream";
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { BetList } from "../codec/bets";
import { BetStatus } from "../codec/game-event";
import { Session } from "./session";
import { RoundReport } from "./round";
import { HandGame } from "./hand-game";
import { Shoe, rankOf, suitOf } from "./shoe";
import { Three, threeCardScore, categoryOfScore, dealerQualifies } from "./three-card-hand";
import { categoryOf } from "./poker-hand";
import { Meter } from "./meters";
import { PROGRESSIVE_BET } from "./catalogue";
import { E_UNKNOWN_BET, E_INVALID_BET_TARGET, E_UNKNOWN_ACTION, E_WRONG_PHASE, E_BET_OVER_LIMIT } from "../errors";

export namespace ThreeCardBet {
  export const ANTE: u8 = 0;
  export const PAIRPLUS: u8 = 1;
  export const SIX_CARD: u8 = 2;
  export const PROGRESSIVE: u8 = 3;
  export const PLAY: u8 = 4;
}

export namespace ThreeCardAction {
  export const PLAY: u8 = 0;
  export const FOLD: u8 = 1;
}

// "To 1" by three-card category (high card, pair, flush, straight, trips, straight flush).
const PAIRPLUS_PAYS: StaticArray<u64> = [0, 1, 3, 6, 30, 40];
const ANTE_BONUS: StaticArray<u64> = [0, 0, 0, 1, 4, 5];
// "To 1" by five-card category (poker-hand.ts: … trips 3, straight 4, flush 5, full house 6, quads 7, straight flush 8, royal 9).
const SIX_CARD_PAYS: StaticArray<u64> = [0, 0, 0, 7, 10, 15, 20, 100, 200, 1000];
const SPADES: u32 = 3;

export function pairplusReturn(score: u32, amount: u64): u64 {
  const p = PAIRPLUS_PAYS[categoryOfScore(score)];
  return p == 0 ? 0 : amount * (p + 1);
}

/** Whether three cards are A-K-Q of one suit. */
function isMiniRoyal(a: u32, b: u32, c: u32): bool {
  const ranks = (1 << rankOf(a)) | (1 << rankOf(b)) | (1 << rankOf(c));
  return ranks == ((1 << 0) | (1 << 12) | (1 << 11)) && suitOf(a) == suitOf(b) && suitOf(b) == suitOf(c);
}

/** The Progressive's return ("for one"): the meter for A-K-Q of spades (a top hit), else the fixed pays. */
export function progressiveReturn(a: u32, b: u32, c: u32, meter: u64): u64 {
  if (isMiniRoyal(a, b, c)) return suitOf(a) == SPADES ? meter : 500;
  const category = categoryOfScore(threeCardScore(a, b, c));
  if (category == Three.STRAIGHT_FLUSH) return 70;
  if (category == Three.TRIPS) return 60;
  if (category == Three.STRAIGHT) return 6;
  return 0;
}

const five = new StaticArray<u32>(5);

/** The 6-Card Bonus return on the best five of the six cards. */
export function sixCardReturn(six: StaticArray<u32>, amount: u64): u64 {
  let best: u8 = 0;
  for (let skip = 0; skip < 6; skip++) {
    let k = 0;
    for (let i = 0; i < 6; i++) if (i != skip) unchecked((five[k++] = six[i]));
    const c = categoryOf(five);
    if (c > best) best = c;
  }
  const p = SIX_CARD_PAYS[best];
  return p == 0 ? 0 : amount * (p + 1);
}

/** Ante and Play returns when the player plays (Ante bonus included) or folds (play = 0). */
export function anteReturn(player: u32, dealer: u32, ante: u64, played: bool): u64 {
  if (!played) return 0;
  const bonus = ante * ANTE_BONUS[categoryOfScore(player)];
  if (!dealerQualifies(dealer) || player > dealer) return ante * 2 + bonus;
  return (player == dealer ? ante : 0) + bonus;
}

export function playReturn(player: u32, dealer: u32, play: u64): u64 {
  if (!dealerQualifies(dealer)) return play; // pushes
  return player > dealer ? play * 2 : player == dealer ? play : 0;
}

export class ThreeCardPoker extends HandGame {
  private shoe: Shoe = new Shoe();
  private six: StaticArray<u32> = new StaticArray<u32>(6);
  private w: Writer = new Writer(16);

  meterOf(): i32 {
    return Meter.THREE_CARD;
  }

  progressiveKind(): i32 {
    return ThreeCardBet.PROGRESSIVE;
  }

  checkSideBet(kind: u8, target: u32): u16 {
    if (kind < ThreeCardBet.PAIRPLUS || kind > ThreeCardBet.PROGRESSIVE) return E_UNKNOWN_BET;
    return target == 0 ? 0 : E_INVALID_BET_TARGET;
  }

  checkSideAmount(kind: u8, amount: u64): u16 {
    return kind == ThreeCardBet.PROGRESSIVE && amount != PROGRESSIVE_BET ? E_BET_OVER_LIMIT : 0;
  }

  startMaxReturn(stake: u64, sideBets: BetList, options: u32): u64 {
    let max: u64 = 0;
    for (let i = 0; i < sideBets.count; i++) {
      if (sideBets.kind(i) == ThreeCardBet.PAIRPLUS) max += sideBets.amount(i) * 41;
      if (sideBets.kind(i) == ThreeCardBet.PROGRESSIVE) max += 500; // the meter itself is paid from the pools
    }
    return max;
  }

  open(sess: Session, sideBets: BetList, rng: RandomStream, report: RoundReport): void {
    const shoe = this.shoe.fill(1);
    const a = shoe.draw(rng, report);
    const b = shoe.draw(rng, report);
    const c = shoe.draw(rng, report);
    const score = threeCardScore(a, b, c);
    let sixStake: u64 = 0;
    this.topHit = false;
    for (let i = 0; i < sideBets.count; i++) {
      const kind = sideBets.kind(i);
      const amount = sideBets.amount(i);
      if (kind == ThreeCardBet.PAIRPLUS) report.bet(kind, 0, amount, pairplusReturn(score, amount), BetStatus.SETTLED);
      else if (kind == ThreeCardBet.PROGRESSIVE) {
        this.topHit = isMiniRoyal(a, b, c) && suitOf(a) == SPADES;
        report.bet(kind, 0, amount, progressiveReturn(a, b, c, this.meter), BetStatus.SETTLED);
      } else {
        sixStake = amount;
        report.bet(kind, 0, amount, 0, BetStatus.HELD);
      }
    }
    report.bet(ThreeCardBet.ANTE, 0, sess.stake, 0, BetStatus.HELD);
    report.addInfo(<u64>categoryOfScore(score));
    const w = this.w.reset();
    w.u8(<u8>a).u8(<u8>b).u8(<u8>c).varint(sixStake);
    sess.data = w.toBytes();
  }

  checkMove(sess: Session, action: u8, bets: BetList): u16 {
    if (action > ThreeCardAction.FOLD) return E_UNKNOWN_ACTION;
    if (bets.count != 0) return E_WRONG_PHASE;
    const sixStake = Reader.of(sess.data.subarray(3)).varint();
    const played = action == ThreeCardAction.PLAY;
    this.moveStake = played ? sess.stake : 0;
    // Ante 2 + bonus 5, Play 2, 6-Card Bonus 1001.
    this.moveMaxReturn = (played ? sess.stake * 9 : 0) + sixStake * 1001;
    return 0;
  }

  play(sess: Session, action: u8, rng: RandomStream, report: RoundReport): void {
    const d = sess.data;
    const sixStake = Reader.of(d.subarray(3)).varint();
    // The rest of the deck: 52 less the player's three cards, seen at the deal.
    const shoe = this.shoe.fill(1);
    for (let i = 0; i < 3; i++) {
      shoe.remove(<u32>d[i]);
      unchecked((this.six[i] = <u32>d[i]));
    }
    for (let i = 3; i < 6; i++) unchecked((this.six[i] = shoe.draw(rng, report)));
    const player = threeCardScore(this.six[0], this.six[1], this.six[2]);
    const dealer = threeCardScore(this.six[3], this.six[4], this.six[5]);
    const played = action == ThreeCardAction.PLAY;
    const ante = sess.stake;
    report.bet(ThreeCardBet.ANTE, 0, ante, anteReturn(player, dealer, ante, played), BetStatus.RELEASED);
    if (played) report.bet(ThreeCardBet.PLAY, 0, ante, playReturn(player, dealer, ante), BetStatus.SETTLED);
    if (sixStake != 0) report.bet(ThreeCardBet.SIX_CARD, 0, sixStake, sixCardReturn(this.six, sixStake), BetStatus.RELEASED);
    report.addInfo(<u64>categoryOfScore(player));
    report.addInfo(<u64>categoryOfScore(dealer));
    report.addInfo(dealerQualifies(dealer) ? 1 : 0);
    sess.data = new Uint8Array(0);
    sess.finished = true;
  }
}
