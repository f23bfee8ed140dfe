// Three Card Poker and Video Poker in the simulation: hands that need a decision on the dealt
// cards. Each seat keeps a pipeline: in every block it plays its hands dealt in the block before
// (play Q-6-4 or better / the Jacks or Better simple strategy, decided from the deal's event) and
// deals new ones, so a hand spans two blocks and a seat settles HANDS_PER_SEAT hands a block.
import type { Signer } from "../src/crypto/ed25519.js";
import type { LocalChain } from "../src/dev/local-chain.js";
import { ThreeCardBet, threeCard, videoPoker } from "../src/games/index.js";
import type { EventView } from "../src/views.js";
import { holdJacksOrBetter } from "./jacks-strategy.js";
import { keyOf, type Players, sealRounds, type Tally } from "./players.js";
import { playsThreeCard } from "./three-card-strategy.js";

const SEATS = 10;
const HANDS_PER_SEAT = 100;
const GRANT = 1_000_000n;
const RELEASED = 2;

type Round = Extract<EventView, { kind: "gameRound" }>;

/** What a bet name plays: the start of a hand, the bet kinds followed and which of them are initial wagers. */
interface PokerBet {
  start: (sessionId: bigint, stake: bigint) => ReturnType<typeof threeCard.start>;
  decide: (dealt: number[], sessionId: bigint) => ReturnType<typeof threeCard.play>;
  followed: number[];
  initial: number[];
  /** Chips a hand can take from the balance at most (for retiring a seat in time). */
  exposure: (stake: bigint) => bigint;
  /** The only stake the bet takes (the Progressive: exactly 1 chip). */
  fixedStake?: bigint;
}

const playOrFold = (dealt: number[], id: bigint) => (playsThreeCard(dealt) ? threeCard.play(id) : threeCard.fold(id));
const threeCardSide = (kind: number, side: (s: bigint) => Parameters<typeof threeCard.start>[2]): PokerBet => ({
  start: (id, s) => threeCard.start(id, 1n, side(s)),
  decide: playOrFold,
  followed: [kind],
  initial: [kind],
  exposure: (s) => s + 2n,
});

export const POKER_BETS: Record<string, Record<string, PokerBet>> = {
  threecard: {
    // Ante and Play per initial Ante.
    ante: {
      start: (id, s) => threeCard.start(id, s),
      decide: playOrFold,
      followed: [ThreeCardBet.ante, ThreeCardBet.play],
      initial: [ThreeCardBet.ante],
      exposure: (s) => 2n * s,
    },
    pairplus: threeCardSide(ThreeCardBet.pairplus, (s) => ({ pairplus: s })),
    "six-card": threeCardSide(ThreeCardBet.sixCard, (s) => ({ sixCard: s })),
    progressive: { ...threeCardSide(ThreeCardBet.progressive, () => ({ progressive: true })), fixedStake: 1n },
  },
  videopoker: {
    stake: {
      start: (id, s) => videoPoker.start(id, s),
      decide: (dealt, id) =>
        videoPoker.draw(
          id,
          [0, 1, 2, 3, 4].map((i) => (holdJacksOrBetter(dealt) & (1 << i)) !== 0),
        ),
      followed: [0],
      initial: [0],
      exposure: (s) => s,
    },
  },
};

interface Hand {
  wager: bigint;
  net: bigint;
  dealt: number[];
}

interface Seat {
  player: Signer;
  chips: bigint;
  hands: Map<bigint, Hand>;
  /** Dealt last block, to be decided in this one. */
  toDecide: bigint[];
}

export function playPoker(
  chain: LocalChain,
  players: Players,
  tally: Tally,
  bet: PokerBet,
  stake: bigint,
  options: number,
  rounds: number,
): void {
  const seats: Seat[] = [];
  const byKey = new Map<string, Seat>();
  const seat = (): Seat => {
    const s: Seat = { player: players.add(), chips: GRANT, hands: new Map(), toDecide: [] };
    byKey.set(keyOf(s.player), s);
    return s;
  };
  for (let i = 0; i < SEATS; i++) seats.push(seat());
  let started = 0;
  let sessions = 0n;
  const perBlock = bet.exposure(stake) * BigInt(HANDS_PER_SEAT);
  while (tally.rounds < rounds) {
    for (const [i, s] of seats.entries()) {
      for (const id of s.toDecide) chain.enqueue(s.player, bet.decide(s.hands.get(id)!.dealt, id));
      s.toDecide = [];
      // A seat low on chips stops dealing; once its hands are played it gives way to a new player.
      if (s.chips < 2n * perBlock) {
        if (s.hands.size > 0) continue;
        seats[i] = seat();
      }
      const t = seats[i]!;
      for (let k = 0; k < HANDS_PER_SEAT && started < rounds; k++, started++) {
        const id = ++sessions;
        t.hands.set(id, { wager: 0n, net: 0n, dealt: [] });
        chain.enqueue(t.player, { ...bet.start(id, stake), options });
      }
    }
    for (const e of sealRounds(chain)) {
      const s = byKey.get(e.account)!;
      s.chips = e.chips;
      const h = s.hands.get(e.sessionId)!;
      follow(h, e, bet);
      if (e.move === 0) {
        h.dealt = e.draws.map((d) => d.value);
        s.toDecide.push(e.sessionId);
      }
      if (e.finished) {
        s.hands.delete(e.sessionId);
        tally.add(h.wager, h.net);
      }
    }
  }
}

/** Adds the followed bets of one round event to the hand's initial wager and net result. */
function follow(h: Hand, e: Round, bet: PokerBet): void {
  for (const b of e.bets) {
    if (!bet.followed.includes(b.kind)) continue;
    if (b.status === RELEASED) {
      h.net += b.return; // its stake was counted when it was taken
      continue;
    }
    if (bet.initial.includes(b.kind)) h.wager += b.stake;
    h.net += b.return - b.stake;
  }
}
