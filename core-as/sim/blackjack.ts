// Blackjack in the simulation: many seats, each taking one decision per block (a decision needs
// the cards the last move showed, read from the session's public state), playing the spec's basic
// strategy (sim/blackjack-strategy.ts). Bets: `main` (the hand: its doubles and splits count in
// the result, the edge is per initial stake) or a side bet next to a 1-chip hand.
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
  net: bigint;
}

export function playBlackjack(
  chain: LocalChain,
  players: Players,
  tally: Tally,
  bet: string,
  stake: bigint,
  options: number,
  rounds: number,
): void {
  const side = BLACKJACK_SIDE_BETS[bet];
  const followed = side ? [side.kind] : [BlackjackBet.hand, BlackjackBet.double];
  const mainStake = side ? 1n : stake;
  const start = (id: bigint) => blackjack.start(id, mainStake, side ? { [side.key]: stake, options } : { options });
  const seats: Seat[] = [];
  const bySession = new Map<bigint, Seat>();
  const chips = new Map<string, bigint>();
  let current: { player: Signer; key: string; seats: number } | undefined;
  const newSeat = (): Seat => {
    if (!current || current.seats === SEATS_PER_PLAYER || chips.get(current.key)! < (mainStake * 8n + stake) * BigInt(SEATS_PER_PLAYER)) {
      const player = players.add();
      current = { player, key: keyOf(player), seats: 0 };
      chips.set(current.key, 1_000_000n);
    }
    current.seats++;
    return { player: current.player, key: current.key, session: 0n, open: false, net: 0n };
  };
  for (let i = 0; i < SEATS; i++) seats.push(newSeat());
  let started = 0;
  let sessions = 0n;
  while (tally.rounds < rounds) {
    for (const [i, taken] of seats.entries()) {
      let s = taken;
      // Four split hands, each doubled, and the side bet: at most 8 stakes and the side bet per seat.
      if (!s.open && chips.get(s.key)! < (mainStake * 8n + stake) * BigInt(SEATS_PER_PLAYER)) seats[i] = s = newSeat();
      if (!s.open) {
        if (started >= rounds) continue;
        started++;
        s.session = ++sessions;
        bySession.set(s.session, s);
        s.open = true;
        s.net = 0n;
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
      for (const b of e.bets) if (followed.includes(b.kind)) s.net += b.return - (b.status === 2 ? 0n : b.stake);
      if (e.finished) {
        s.open = false;
        bySession.delete(e.sessionId);
        tally.add(stake, s.net);
      }
    }
  }
}
