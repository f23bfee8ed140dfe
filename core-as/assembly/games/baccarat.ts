// Baccarat (games.md §1): 8 decks, standard tableau, no commission (a Banker win on 6 pays 1:2),
// every side bet of the spec. Cards are dealt Player, Banker, Player, Banker, then the Player's
// and the Banker's third cards when the tableau calls for them, all at the one move that settles.
import { RandomStream } from "../random/stream";
import { RoundReport } from "./round";
import { TableGame } from "./table-game";
import { Shoe, rankOf, suitOf } from "./shoe";
import { BetStatus } from "../codec/game-event";
import { E_UNKNOWN_BET, E_INVALID_BET_TARGET } from "../errors";

export namespace BaccaratBet {
  export const PLAYER: u8 = 0;
  export const BANKER: u8 = 1;
  export const TIE: u8 = 2;
  export const PLAYER_PAIR: u8 = 3;
  export const BANKER_PAIR: u8 = 4;
  export const LUCKY_SIX: u8 = 5;
  export const DRAGON_PLAYER: u8 = 6;
  export const DRAGON_BANKER: u8 = 7;
  export const PANDA_EIGHT: u8 = 8;
  export const PERFECT_PAIR: u8 = 9;
}

export const BACCARAT_DECKS: i32 = 8;

// The most each bet returns per chip, stake included.
const MAX_MULTIPLE: StaticArray<u64> = [2, 2, 10, 13, 13, 24, 31, 31, 26, 251];
// Dragon Bonus on a non-natural win by 9, 8, 7, 6, 5, 4 points ("to 1"); less loses.
const DRAGON_MARGIN: StaticArray<u64> = [0, 0, 0, 0, 1, 2, 4, 6, 10, 30];

/** Baccarat points of a card: ace 1, two to nine at face value, tens and faces 0. */
@inline export function pointOf(card: u32): u32 {
  const r = rankOf(card) + 1;
  return r >= 10 ? 0 : r;
}

/** Whether the Banker draws a third card, given its total and the Player's third card (or −1 if the Player stood). */
export function bankerDraws(banker: u32, playerThird: i32): bool {
  if (playerThird < 0) return banker <= 5;
  if (banker <= 2) return true;
  if (banker == 3) return playerThird != 8;
  if (banker == 4) return playerThird >= 2 && playerThird <= 7;
  if (banker == 5) return playerThird >= 4 && playerThird <= 7;
  if (banker == 6) return playerThird == 6 || playerThird == 7;
  return false;
}

export class Baccarat extends TableGame {
  private shoe: Shoe = new Shoe();
  /** Player cards then banker cards: p[0..pn), b[0..bn). */
  p: StaticArray<u32> = new StaticArray<u32>(3);
  b: StaticArray<u32> = new StaticArray<u32>(3);
  pn: i32 = 0;
  bn: i32 = 0;
  pTotal: u32 = 0;
  bTotal: u32 = 0;
  // Injected cards for setOutcome, consumed in dealing order.
  private given: StaticArray<u32> = new StaticArray<u32>(6);
  private givenCount: i32 = 0;
  private givenUsed: i32 = 0;
  private rng: RandomStream | null = null;
  private report: RoundReport | null = null;

  checkBet(kind: u8, target: u32, options: u32): u16 {
    if (kind > BaccaratBet.PERFECT_PAIR) return E_UNKNOWN_BET;
    return target == 0 ? 0 : E_INVALID_BET_TARGET;
  }

  maxReturn(kind: u8, target: u32, amount: u64, options: u32): u64 {
    return amount * MAX_MULTIPLE[kind];
  }

  private next(): u32 {
    if (this.rng != null) return this.shoe.draw(this.rng!, this.report!);
    return unchecked(this.given[this.givenUsed++]);
  }

  /** Plays the tableau, taking cards from the shoe (or the given cards); false if they run out. */
  private play(): bool {
    this.pn = 0;
    this.bn = 0;
    const fromGiven = this.rng == null;
    if (fromGiven && this.givenCount < 4) return false;
    unchecked((this.p[this.pn++] = this.next()));
    unchecked((this.b[this.bn++] = this.next()));
    unchecked((this.p[this.pn++] = this.next()));
    unchecked((this.b[this.bn++] = this.next()));
    this.pTotal = (pointOf(this.p[0]) + pointOf(this.p[1])) % 10;
    this.bTotal = (pointOf(this.b[0]) + pointOf(this.b[1])) % 10;
    if (this.pTotal >= 8 || this.bTotal >= 8) return true; // a natural: both stand
    let playerThird: i32 = -1;
    if (this.pTotal <= 5) {
      if (fromGiven && this.givenUsed >= this.givenCount) return false;
      const c = this.next();
      unchecked((this.p[this.pn++] = c));
      playerThird = <i32>pointOf(c);
      this.pTotal = (this.pTotal + pointOf(c)) % 10;
    }
    if (bankerDraws(this.bTotal, playerThird)) {
      if (fromGiven && this.givenUsed >= this.givenCount) return false;
      const c = this.next();
      unchecked((this.b[this.bn++] = c));
      this.bTotal = (this.bTotal + pointOf(c)) % 10;
    }
    return true;
  }

  deal(rng: RandomStream, report: RoundReport, options: u32): void {
    this.shoe.fill(BACCARAT_DECKS); // every round starts from a full shoe
    this.rng = rng;
    this.report = report;
    this.play();
    this.rng = null;
    this.report = null;
  }

  /** Cards in dealing order (P, B, P, B, then third cards as drawn); unused trailing cards are ignored. */
  setOutcome(values: usize, n: i32, options: u32): bool {
    if (n < 4 || n > 6) return false;
    for (let i = 0; i < n; i++) {
      const c = <u32>load<u8>(values + <usize>i);
      if (c > 51) return false;
      unchecked((this.given[i] = c));
    }
    this.givenCount = n;
    this.givenUsed = 0;
    return this.play();
  }

  private isPair(cards: StaticArray<u32>): bool {
    return rankOf(cards[0]) == rankOf(cards[1]);
  }

  private isPerfectPair(cards: StaticArray<u32>): bool {
    return cards[0] == cards[1]; // same rank and suit: the same card of different decks
  }

  /** Dragon Bonus multiple (return per chip) for the side whose total is `mine`. */
  private dragon(mine: u32, mineCards: i32, theirs: u32, theirCards: i32): u64 {
    const natural = mineCards == 2 && mine >= 8;
    const theirNatural = theirCards == 2 && theirs >= 8;
    if (natural && mine > theirs) return 2;
    if (natural && theirNatural && mine == theirs) return 1;
    if (natural || theirNatural || mine <= theirs) return 0;
    const m = DRAGON_MARGIN[mine - theirs];
    return m == 0 ? 0 : m + 1;
  }

  settle(kind: u8, target: u32, amount: u64, options: u32, held: bool): u64 {
    this.status = BetStatus.SETTLED;
    const pt = this.pTotal;
    const bt = this.bTotal;
    if (kind == BaccaratBet.PLAYER) return pt > bt ? amount * 2 : pt == bt ? amount : 0;
    if (kind == BaccaratBet.BANKER) {
      if (bt > pt) return bt == 6 ? amount + amount / 2 : amount * 2; // 1:2 on a winning 6, floored
      return pt == bt ? amount : 0;
    }
    if (kind == BaccaratBet.TIE) return pt == bt ? amount * 10 : 0;
    if (kind == BaccaratBet.PLAYER_PAIR) return this.isPair(this.p) ? amount * 13 : 0;
    if (kind == BaccaratBet.BANKER_PAIR) return this.isPair(this.b) ? amount * 13 : 0;
    if (kind == BaccaratBet.LUCKY_SIX) {
      if (bt != 6 || pt >= 6) return 0;
      return amount * (this.bn == 2 ? 13 : 24);
    }
    if (kind == BaccaratBet.DRAGON_PLAYER) return amount * this.dragon(pt, this.pn, bt, this.bn);
    if (kind == BaccaratBet.DRAGON_BANKER) return amount * this.dragon(bt, this.bn, pt, this.pn);
    if (kind == BaccaratBet.PANDA_EIGHT) return this.pn == 3 && pt == 8 && bt < 8 ? amount * 26 : 0;
    // PERFECT_PAIR
    const pp = this.isPerfectPair(this.p);
    const bp = this.isPerfectPair(this.b);
    return pp && bp ? amount * 251 : pp || bp ? amount * 26 : 0;
  }

  /** Player total, Banker total, Player card count, Banker card count. */
  describe(report: RoundReport): void {
    report.addInfo(<u64>this.pTotal);
    report.addInfo(<u64>this.bTotal);
    report.addInfo(<u64>this.pn);
    report.addInfo(<u64>this.bn);
  }
}
