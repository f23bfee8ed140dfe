// Ultimate Texas Hold'em in the simulation: many players, each one action per block (a decision
// needs the cards its previous move revealed). The fixed strategy (docs/games.md):
// - pre-flop, bet 4x with a pair of 3s or better, any ace, K-x suited or K-5+ offsuit, Q-6+ suited
//   or Q-8+ offsuit, J-8+ suited or J-T offsuit; else check;
// - at the flop, bet 2x with two pair or better, or a hidden pair (a hole card pairs the flop, or a
//   pocket pair above 2s); else check;
// - at the river, bet 1x when the hole cards play (the best of seven is a pair or better and of a
//   higher category than the board alone) or the dealer has fewer than 21 outs (unseen cards that,
//   with the board, beat the player's hand); else fold.
// Bets followed: `ante` (Ante + Blind + Play, per Ante), `trips`, `six-card`, `progressive` (each
// next to a 1-chip Ante, per chip of the side bet).

import type { Instruction } from "../src/codec.js";
import type { Core } from "../src/core.js";
import type { Signer } from "../src/crypto/ed25519.js";
import type { LocalChain } from "../src/dev/local-chain.js";
import { UthBet, uth } from "../src/games/index.js";
import { keyOf, type Players, sealRounds, type Tally } from "./players.js";

// Each registers with the 1,000,000-chip grant: 250 leave most of the supply to cover the house.
const PLAYERS = 250;

/** 2 … 14 (ace high). */
const rankValue = (c: number) => (c % 13 === 0 ? 14 : (c % 13) + 1);
const suitOf = (c: number) => Math.floor(c / 13);

export function shouldRaisePreFlop(hole: number[]): boolean {
  const [a, b] = hole.map(rankValue) as [number, number];
  const hi = Math.max(a, b);
  const lo = Math.min(a, b);
  const suited = suitOf(hole[0]!) === suitOf(hole[1]!);
  if (a === b) return a >= 3;
  if (hi === 14) return true;
  if (hi === 13) return suited || lo >= 5;
  if (hi === 12) return suited ? lo >= 6 : lo >= 8;
  if (hi === 11) return suited ? lo >= 8 : lo >= 10;
  return false;
}

const TWO_PAIR = 2;

export function shouldBetFlop(core: Core, hole: number[], flop: number[]): boolean {
  if (core.codec.games.holdemHand([...hole, ...flop]).category >= TWO_PAIR) return true;
  const flopValues = flop.map(rankValue);
  const [a, b] = hole.map(rankValue) as [number, number];
  return (a === b && a > 2) || flopValues.includes(a) || flopValues.includes(b);
}

/** Unseen cards that, with the board, give the dealer a hand beating the player's: the dealer's "outs". */
export function dealerOuts(core: Core, hole: number[], board: number[]): number {
  const mine = core.codec.games.holdemHand([...hole, ...board]).score;
  const seen = new Set([...hole, ...board]);
  let outs = 0;
  for (let c = 0; c < 52; c++) if (!seen.has(c) && core.codec.games.holdemHand([c, ...board]).score > mine) outs++;
  return outs;
}

export function shouldBetRiver(core: Core, hole: number[], board: number[]): boolean {
  const mine = core.codec.games.holdemHand([...hole, ...board]).category;
  if (mine >= 1 && mine > core.codec.games.holdemHand(board).category) return true;
  return dealerOuts(core, hole, board) < 21;
}

interface Seat {
  player: Signer;
  chips: bigint;
  session: bigint;
  open: boolean;
  phase: number;
  cards: number[];
  wager: bigint;
  net: bigint;
}

export function playUth(chain: LocalChain, players: Players, tally: Tally, bet: string, stake: bigint, rounds: number): void {
  if (bet === "progressive" && stake !== 1n) throw new Error("--stake: the Progressive is exactly 1 chip");
  const ante = bet === "ante" ? stake : 1n;
  const side =
    bet === "trips" ? { trips: stake } : bet === "six-card" ? { sixCard: stake } : bet === "progressive" ? { progressive: true } : {};
  const followed: number =
    bet === "trips" ? UthBet.trips : bet === "six-card" ? UthBet.sixCard : bet === "progressive" ? UthBet.progressive : UthBet.ante;
  const kinds = bet === "ante" ? [UthBet.ante, UthBet.blind, UthBet.play] : [followed];
  const byKey = new Map<string, Seat>();
  const add = (): Seat => {
    const player = players.add();
    const s: Seat = { player, chips: 1_000_000n, session: 0n, open: false, phase: 0, cards: [], wager: 0n, net: 0n };
    byKey.set(keyOf(player), s);
    return s;
  };
  const seats = Array.from({ length: PLAYERS }, add);
  const core = chain.core;
  let started = 0;
  let sessions = 0n;
  while (tally.rounds < rounds) {
    for (const [i, seat] of seats.entries()) {
      let s = seat;
      if (!s.open && s.chips < ante * 6n + stake + 2n) seats[i] = s = add();
      let ins: Instruction;
      if (!s.open) {
        if (started >= rounds) continue;
        started++;
        Object.assign(s, { session: ++sessions, open: true, phase: -1, cards: [], wager: 0n, net: 0n });
        ins = uth.start(s.session, ante, side);
      } else if (s.phase === 0) ins = shouldRaisePreFlop(s.cards) ? uth.bet(s.session, 4) : uth.check(s.session);
      else if (s.phase === 1)
        ins = shouldBetFlop(core, s.cards.slice(0, 2), s.cards.slice(2)) ? uth.bet(s.session, 2) : uth.check(s.session);
      else if (s.phase === 2)
        ins = shouldBetRiver(core, s.cards.slice(0, 2), s.cards.slice(2)) ? uth.bet(s.session, 1) : uth.fold(s.session);
      else continue; // waiting for the start's block
      chain.enqueue(s.player, ins);
    }
    for (const e of sealRounds(chain)) {
      const s = byKey.get(e.account)!;
      s.chips = e.chips;
      s.phase = e.phase;
      s.cards.push(...e.draws.map((d) => d.value));
      for (const b of e.bets) {
        if (!kinds.includes(b.kind)) continue;
        if (b.kind === followed && b.status === 1) s.wager += b.stake;
        s.net += b.return - (b.status === 2 ? 0n : b.stake);
      }
      if (e.finished) {
        s.open = false;
        tally.add(s.wager, s.net);
      }
    }
  }
}
