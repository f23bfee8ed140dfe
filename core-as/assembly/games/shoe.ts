// A shoe of d decks from which cards are drawn one at a time at the move that reveals them. Each
// draw takes a uniform card from what remains: card = shoe[j] with j = below(remaining), and the
// last remaining card moves into its place. This is Fisher–Yates from the top, stopped after the
// cards the round needs, so no card exists before it is drawn. Cards are 0–51: suit × 13 + rank,
// rank 0 = ace … 12 = king, suits clubs, diamonds, hearts, spades (docs/games.md).
import { RandomStream } from "../random/stream";
import { RoundReport } from "./round";

export const MAX_DECKS: i32 = 8;

/** One deck in shoe order (0–51): fill() copies it once per deck. */
const DECK: usize = memory.data<u8>([
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
  36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51,
]);

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
    // Deck after deck in card order: the same layout as cards[i] = i % 52, a copy per deck.
    const base = changetype<usize>(this.cards);
    for (let d = 0; d < decks; d++) memory.copy(base + <usize>(d * 52), DECK, 52);
    this.remaining = 52 * decks;
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
