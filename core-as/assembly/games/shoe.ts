// A shoe of d decks from which cards are drawn one at a time at the move that reveals them. Each
// draw takes a uniform card from what remains: card = shoe[j] with j = below(remaining), and the
// last remaining card moves into its place. This is Fisher–Yates from the top, stopped after the
// cards the round needs, so no card exists before it is drawn. Cards are 0–51: suit × 13 + rank,
// rank 0 = ace … 12 = king, suits clubs, diamonds, hearts, spades (docs/games.md).
import { RandomStream } from "../random/stream";
import { RoundReport } from "./round";

export const MAX_DECKS: i32 = 8;

@inline export function rankOf(card: u32): u32 {
  return card % 13;
}

@inline export function suitOf(card: u32): u32 {
  return card / 13;
}

export class Shoe {
  private cards: StaticArray<u8> = new StaticArray<u8>(52 * MAX_DECKS);
  remaining: i32 = 0;

  /** A fresh shoe of `decks` full decks. */
  fill(decks: i32): Shoe {
    const n = 52 * decks;
    for (let i = 0; i < n; i++) unchecked((this.cards[i] = <u8>(i % 52)));
    this.remaining = n;
    return this;
  }

  /** Takes out one copy of a card already revealed (the first in shoe order); false if none is left. */
  remove(card: u32): bool {
    for (let i = 0; i < this.remaining; i++) {
      if (<u32>unchecked(this.cards[i]) == card) {
        const last = --this.remaining;
        unchecked((this.cards[i] = this.cards[last]));
        unchecked((this.cards[last] = <u8>card));
        return true;
      }
    }
    return false;
  }

  /** Draws one card and records it in the round report. */
  draw(rng: RandomStream, report: RoundReport): u32 {
    const j = <i32>rng.below(<u32>this.remaining);
    const last = --this.remaining;
    const card = unchecked(this.cards[j]);
    unchecked((this.cards[j] = this.cards[last]));
    unchecked((this.cards[last] = card));
    report.draw(card);
    return <u32>card;
  }
}
