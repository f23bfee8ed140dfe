// Card draws of a one-deck game replayed from σ (docs/randomness.md, games/shoe.ts): the stream's
// words with rejection sampling, and the shoe's swap-with-last for removing shown cards and for
// drawing. Tests use it to search σ for a wanted deal and make it the next block's beacon, so the
// forced cards go through the whole real path.
import type { LocalChain } from "../../src/dev/local-chain.js";
import { candidateSigma } from "./games.js";

/** The `count` cards one-deck draws at `move` of `serial` under σ, after the `shown` cards were taken out. */
export function shoeDraws(chain: LocalChain, sigma: Uint8Array, serial: bigint, move: number, shown: number[], count: number): number[] {
  const words = chain.core.codec.randomDraws(sigma, serial, move, count + 16, 0);
  let w = 0;
  const below = (n: number) => {
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = words[w++];
      if (x === undefined) throw new Error("too many rejections");
      if (x < limit) return x % n;
    }
  };
  const shoe = Array.from({ length: 52 }, (_, i) => i);
  let remaining = 52;
  const swap = (i: number, j: number) => {
    const t = shoe[i]!;
    shoe[i] = shoe[j]!;
    shoe[j] = t;
  };
  for (const c of shown) swap(shoe.indexOf(c), --remaining);
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    const j = below(remaining);
    swap(j, --remaining);
    out.push(shoe[remaining]!);
  }
  return out;
}

/** Finds σ whose draws at `move` satisfy `wanted` and makes it the beacon of the chain's next block. */
export function forceCards(
  chain: LocalChain,
  serial: bigint,
  move: number,
  shown: number[],
  count: number,
  wanted: (cards: number[]) => boolean,
): number[] {
  for (let i = 0; i < 500_000; i++) {
    const sigma = candidateSigma(i);
    const cards = shoeDraws(chain, sigma, serial, move, shown, count);
    if (wanted(cards)) {
      const next = chain.height + 1n;
      const previous = chain.beacon;
      chain.beacon = (h) => (h === next ? sigma : previous(h));
      return cards;
    }
  }
  throw new Error("no σ found for the wanted cards");
}
