// Blackjack in the simulation: many seats, each taking one decision per block (a decision needs
// the cards the last move showed, read from the session's public state), playing the spec's basic
// strategy (sim/blackjack-strategy.ts). Bets: `main` (the hand: its doubles and splits count in
// the result, the edge is per initial stake) or side bets (one or several) next to a 1-chip hand.
import type { Signer } from "../src/crypto/ed25519.js";
import type { LocalChain } from "../src/dev/local-chain.js";
import { BlackjackBet, type BlackjackSideBets, blackjack, decodeBlackjackTable } from "../src/games/index.js";
import { basicStrategy } from "./blackjack-strategy.js";
import { keyOf, type Players, sealRounds, type Tally } from "./players.js";

const SEATS = 1_000;
/** Seats per player: one player's grant (1,000,000) covers many seats, and fewer players keep the
 * minted supply far from its cap. */
const SEATS_PER_PLAYER = 20;

/** The side bet each --bet name stakes. */
export const BLACKJACK_SIDE_BETS: Record<string, { key: keyof BlackjackSideBets; kind: number }> = {
  "21+3": { key: "twentyOnePlusThree", kind: BlackjackBet.twentyOnePlusThree },
  "perfect-pairs": { key: "perfectPairs", kind: BlackjackBet.perfectPairs },
  "royal-match": { key: "royalMatch", kind: BlackjackBet.royalMatch },
  "lucky-ladies": { key: "luckyLadies", kind: BlackjackBet.luckyLadies },
  "bust-it": { key: "bustIt", kind: BlackjackBet.bustIt },
};

interface Seat {
  player: Signer;
  key: string;
  session: bigint;
  open: boolean;
  /** This hand's net result of each followed bet. */
  net: bigint[];
}

/**
 * Plays hands until `rounds` finished: `bets` is ["main"], or side bets (one or several, each
 * tallied on its own) next to a 1-chip hand.
 */
export function playBlackjack(
  chain: LocalChain,
  players: Players,
  tallies: Tally[],
  bets: string[],
  stake: bigint,
  options: number,
  rounds: number,
): void {
  const sides = bets[0] === "main" ? [] : bets.map((b) => BLACKJACK_SIDE_BETS[b]!);
  // The kinds whose results count toward each followed bet: the hand's own (doubles included), or one side bet.
  const followed = sides.length > 0 ? sides.map((s) => [s.kind]) : [[BlackjackBet.hand, BlackjackBet.double]];
  const mainStake = sides.length > 0 ? 1n : stake;
  const sideBets: BlackjackSideBets = Object.fromEntries(sides.map((s) => [s.key, stake]));
  const start = (id: bigint) => blackjack.start(id, mainStake, { ...sideBets, options });
  // Four split hands, each doubled, and the side bets: at most 8 stakes and the side bets per seat.
  const perSeat = (mainStake * 8n + stake * BigInt(sides.length || 1)) * BigInt(SEATS_PER_PLAYER);
  const seats: Seat[] = [];
  const bySession = new Map<bigint, Seat>();
  const chips = new Map<string, bigint>();
  let current: { player: Signer; key: string; seats: number } | undefined;
  const newSeat = (): Seat => {
    if (!current || current.seats === SEATS_PER_PLAYER || chips.get(current.key)! < perSeat) {
      const player = players.add();
      current = { player, key: keyOf(player), seats: 0 };
      chips.set(current.key, 1_000_000n);
    }
    current.seats++;
    return { player: current.player, key: current.key, session: 0n, open: false, net: [] };
  };
  for (let i = 0; i < SEATS; i++) seats.push(newSeat());
  let started = 0;
  let finished = 0;
  let sessions = 0n;
  while (finished < rounds) {
    for (const [i, taken] of seats.entries()) {
      let s = taken;
      if (!s.open && chips.get(s.key)! < perSeat) seats[i] = s = newSeat();
      if (!s.open) {
        if (started >= rounds) continue;
        started++;
        s.session = ++sessions;
        bySession.set(s.session, s);
        s.open = true;
        s.net = followed.map(() => 0n);
        chain.enqueue(s.player, start(s.session));
        continue;
      }
      const t = decodeBlackjackTable(Buffer.from(chain.core.session(s.player.publicKey, s.session)!.data, "hex"));
      const action = basicStrategy(t.hands[t.active]!.cards, t.up, t.hands.length);
      chain.enqueue(s.player, { ...blackjack.hit(s.session), action });
    }
    for (const e of sealRounds(chain)) {
      const s = bySession.get(e.sessionId)!;
      chips.set(e.account, e.chips);
      for (const b of e.bets)
        for (const [k, kinds] of followed.entries()) if (kinds.includes(b.kind)) s.net[k]! += b.return - (b.status === 2 ? 0n : b.stake);
      if (e.finished) {
        s.open = false;
        bySession.delete(e.sessionId);
        finished++;
        for (const [k, net] of s.net.entries()) tallies[k]!.add(stake, net);
      }
    }
  }
}
