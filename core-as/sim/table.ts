// Table games in the simulation: a few players, each at one table, each placing many rounds per
// block (a round is one GameMove with the one bet followed). En Prison bets still held at the end
// are played out with empty rounds.
import type { Signer } from "../src/crypto/ed25519.js";
import type { LocalChain } from "../src/dev/local-chain.js";
import { TableAction } from "../src/games/index.js";
import type { TableBetSpec } from "./bets.js";
import { keyOf, type Players, sealRounds, type Tally } from "./players.js";

const SEATS = 20;
const ROUNDS_PER_BLOCK = 2_000;
const TABLE = 1n;

interface Seat {
  player: Signer;
  chips: bigint;
  /** Stake of each bet held at this table (En Prison), in order. */
  held: bigint[];
}

export function playTable(
  chain: LocalChain,
  players: Players,
  tally: Tally,
  spec: TableBetSpec,
  stake: bigint,
  options: number,
  target: number | undefined,
  rounds: number,
): void {
  const bet = spec.make(stake, target);
  const seat = (): Seat => {
    const player = players.add();
    chain.enqueue(player, { op: "gameStart", game: spec.game, sessionId: TABLE, options });
    return { player, chips: 1_000_000n, held: [] };
  };
  const seats = Array.from({ length: SEATS }, seat);
  const byKey = new Map<string, Seat>();
  const index = () => {
    byKey.clear();
    for (const s of seats) byKey.set(keyOf(s.player), s);
  };
  index();
  let placed = 0;
  while (placed < rounds || seats.some((s) => s.held.length > 0)) {
    const perSeat = Math.ceil(Math.min(ROUNDS_PER_BLOCK, Math.max(rounds - placed, 1)) / SEATS);
    for (const [i, s] of seats.entries()) {
      if (placed >= rounds) {
        // Play out held bets with an empty round.
        if (s.held.length > 0) chain.enqueue(s.player, { op: "gameMove", sessionId: TABLE, action: TableAction.play, bets: [] });
        continue;
      }
      if (s.chips < stake * BigInt(perSeat)) {
        if (s.held.length > 0) {
          chain.enqueue(s.player, { op: "gameMove", sessionId: TABLE, action: TableAction.play, bets: [] });
          continue;
        }
        seats[i] = seat();
        index();
      }
      const n = Math.min(perSeat, rounds - placed);
      for (let k = 0; k < n; k++)
        chain.enqueue(seats[i]!.player, { op: "gameMove", sessionId: TABLE, action: TableAction.play, bets: [bet] });
      placed += n;
    }
    for (const e of sealRounds(chain)) {
      if (e.finished) continue;
      const s = byKey.get(e.account)!;
      s.chips = e.chips;
      let net = 0n;
      let wager = 0n;
      for (const b of e.bets) {
        if (b.status === 2) {
          tally.net += b.return; // a held bet's stake was counted when it was placed
          s.held.shift();
        } else {
          wager += b.stake;
          net += b.return - b.stake;
          if (b.status === 1) s.held.push(b.stake);
        }
      }
      if (wager > 0n) tally.add(wager, net);
    }
  }
}
