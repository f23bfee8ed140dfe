// One-hand games in the simulation. Casino War always goes to war: each hand is a start and a war
// move in the same block (the move is refused when the first deal did not tie). Hi-Lo needs the
// card it sees: many players each take one action per block — guess toward the side with more
// winning ranks (Higher on a 7), again after a push, and cash out after a correct guess.
import type { Signer } from "../src/crypto/ed25519.js";
import type { LocalChain } from "../src/dev/local-chain.js";
import { casinoWar, hiLo, WarBet } from "../src/games/index.js";
import type { EventView } from "../src/views.js";
import { keyOf, type Players, type Tally } from "./players.js";

const WAR_HANDS_PER_BLOCK = 1_000;
const HILO_PLAYERS = 1_000;

type Round = Extract<EventView, { kind: "gameRound" }>;

interface Hand {
  player: Signer;
  chips: bigint;
  session: bigint;
  /** Chips of the followed bet staked so far and the net result, for this hand. */
  wager: bigint;
  net: bigint;
  open: boolean;
  multiplier: number;
  card: number;
  won: boolean;
}

/** Adds a hand's events to its running result; returns whether the hand finished. */
function follow(h: Hand, e: Round, kinds: number[]): boolean {
  h.chips = e.chips;
  for (const b of e.bets) {
    if (!kinds.includes(b.kind)) continue;
    if (b.status !== 2 && !(b.kind === WarBet.raise)) h.wager += b.stake;
    h.net += b.return - (b.status === 2 ? 0n : b.stake);
  }
  return e.finished;
}

export function playHands(
  chain: LocalChain,
  players: Players,
  tally: Tally,
  game: string,
  bet: string,
  stake: bigint,
  rounds: number,
): void {
  const mainStake = bet === "tie" ? 1n : stake;
  const kinds = game === "war" ? (bet === "tie" ? [WarBet.tie] : [WarBet.ante, WarBet.raise]) : [0];
  const seats: Hand[] = [];
  const byKey = new Map<string, Hand>();
  const add = (): Hand => {
    const player = players.add();
    const h: Hand = { player, chips: 1_000_000n, session: 0n, wager: 0n, net: 0n, open: false, multiplier: 10_000, card: 0, won: false };
    byKey.set(keyOf(player), h);
    return h;
  };
  const width = game === "war" ? 1 : HILO_PLAYERS;
  for (let i = 0; i < width; i++) seats.push(add());
  let started = 0;
  let sessions = 0n;
  while (tally.rounds < rounds) {
    for (const [i, h] of seats.entries()) {
      let s = h;
      if (!s.open && s.chips < stake * 4n + 4n) seats[i] = s = add();
      if (game === "war") {
        for (let k = 0; k < WAR_HANDS_PER_BLOCK && started < rounds; k++, started++) {
          const id = ++sessions;
          chain.enqueue(s.player, casinoWar.start(id, mainStake, bet === "tie" ? stake : undefined));
          chain.enqueue(s.player, casinoWar.war(id));
        }
      } else if (!s.open) {
        if (started >= rounds) continue;
        started++;
        s.session = ++sessions;
        s.open = true;
        s.wager = 0n;
        s.net = 0n;
        s.won = false;
        s.multiplier = 10_000;
        chain.enqueue(s.player, hiLo.start(s.session, stake));
      } else if (s.won) chain.enqueue(s.player, hiLo.cashOut(s.session));
      else chain.enqueue(s.player, (s.card % 13) + 1 <= 7 ? hiLo.higher(s.session) : hiLo.lower(s.session));
    }
    const r = chain.seal();
    // War hands: per session id, across the start and the war move of one block.
    const war = new Map<bigint, { wager: bigint; net: bigint }>();
    for (const bytes of r.events) {
      const e = chain.core.codec.decodeEventFrame(bytes);
      if (e.kind !== "gameRound") continue;
      const h = byKey.get(e.account)!;
      if (game === "war") {
        const w = war.get(e.sessionId) ?? { wager: 0n, net: 0n };
        const probe: Hand = { ...h, wager: w.wager, net: w.net };
        const done = follow(probe, e, kinds);
        h.chips = e.chips;
        war.set(e.sessionId, { wager: probe.wager, net: probe.net });
        if (done) tally.add(probe.wager, probe.net);
        continue;
      }
      const done = follow(h, e, kinds);
      if (e.draws.length > 0) h.card = e.draws[e.draws.length - 1]!.value;
      const m = e.info[0] ?? 0;
      if (e.move > 0 && !done) h.won = m !== h.multiplier;
      h.multiplier = m;
      if (done) {
        h.open = false;
        tally.add(h.wager, h.net);
      }
    }
  }
}
