// The public state of a blackjack hand between moves (Session.data): the dealer's up card, up to
// four player hands with their revealed cards and flags, and the side bets still open. Only cards
// already drawn are stored; the dealer's second card does not exist until the player has acted.
// Layout: u8 up card ‖ u8 hand count ‖ varint Bust It stake ‖ varint Lucky Ladies stake (held only
// on a Q♥ pair) ‖ per hand: u8 flags ‖ u8 card count ‖ cards.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Cards } from "./blackjack-cards";

/** A player may split up to four hands. */
export const MAX_HANDS: i32 = 4;

export namespace HandFlag {
  export const DOUBLED: u8 = 1;
  /** No more decisions: stood, doubled, surrendered, busted or at 21. */
  export const DONE: u8 = 2;
  export const SURRENDERED: u8 = 4;
  /** Made by a split: two cards totalling 21 are 21, not a blackjack. */
  export const SPLIT: u8 = 8;
}

export class PlayerHand extends Cards {
  flags: u8 = 0;

  @inline is(flag: u8): bool {
    return (this.flags & flag) != 0;
  }

  /** The initial two cards totalling 21 (never after a split). */
  isBlackjack(): bool {
    return this.isTwoCard21() && !this.is(HandFlag.SPLIT);
  }

  /** Still in play against the dealer's total: not busted, surrendered or a blackjack. */
  isLive(): bool {
    return !this.isBust() && !this.is(HandFlag.SURRENDERED) && !this.isBlackjack();
  }
}

export class BlackjackTable {
  up: u32 = 0;
  handCount: i32 = 0;
  hands: StaticArray<PlayerHand> = [new PlayerHand(), new PlayerHand(), new PlayerHand(), new PlayerHand()];
  bustIt: u64 = 0;
  /** Lucky Ladies stake held for the dealer's hand (a Q♥ pair), else 0. */
  luckyLadies: u64 = 0;
  private w: Writer = new Writer(128);

  @inline hand(i: i32): PlayerHand {
    return unchecked(this.hands[i]);
  }

  /** The first hand still awaiting decisions, or handCount when every hand is done. */
  active(): i32 {
    for (let i = 0; i < this.handCount; i++) if (!this.hand(i).is(HandFlag.DONE)) return i;
    return this.handCount;
  }

  reset(up: u32): void {
    this.up = up;
    this.handCount = 1;
    this.hand(0).clear();
    this.hand(0).flags = 0;
    this.bustIt = 0;
    this.luckyLadies = 0;
  }

  /** Appends a hand holding `card` (the second card of a split pair). */
  addSplitHand(card: u32): i32 {
    const k = this.handCount++;
    const h = this.hand(k);
    h.clear();
    h.flags = HandFlag.SPLIT;
    h.add(card);
    return k;
  }

  encode(): Uint8Array {
    const w = this.w.reset();
    w.u8(<u8>this.up).u8(<u8>this.handCount).varint(this.bustIt).varint(this.luckyLadies);
    for (let i = 0; i < this.handCount; i++) {
      const h = this.hand(i);
      w.u8(h.flags).u8(<u8>h.count);
      for (let j = 0; j < h.count; j++) w.u8(<u8>h.card(j));
    }
    return w.toBytes();
  }

  /** Reads what encode wrote (the executor's own bytes: always well formed). */
  decode(data: Uint8Array): void {
    const r = Reader.of(data);
    this.up = <u32>r.u8();
    this.handCount = <i32>r.u8();
    this.bustIt = r.varint();
    this.luckyLadies = r.varint();
    for (let i = 0; i < this.handCount; i++) {
      const h = this.hand(i);
      h.clear();
      h.flags = r.u8();
      const n = <i32>r.u8();
      for (let j = 0; j < n; j++) h.add(<u32>r.u8());
    }
  }
}
