// Table games in the simulation: a few players, each at one table, each placing many rounds per
// block (a round is one GameMove with the bets followed: one, or several each tallied on its own).
// En Prison bets still held at the end are played out with empty rounds.
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
  tallies: Tally[],
  specs: TableBetSpec[],
  stake: bigint,
  options: number,
  target: number | undefined,
  rounds: number,
): void {
  const bets = specs.map((spec) => spec.make(stake, target));
  // Results name their bet by kind and target: the followed bets must differ in them.
  const which = new Map(bets.map((b, i) => [`${b.kind}:${b.target}`, i]));
  if (which.size !== bets.length) throw new Error("table: two followed bets share a kind and target");
  const game = specs[0]!.game;
  const seat = (): Seat => {
    const player = players.add();
    chain.enqueue(player, { op: "gameStart", game, sessionId: TABLE, options });
    return { player, chips: 1_000_000n, held: [] };
  };
  const seats = Array.from({ length: SEATS }, seat);
  const byKey = new Map<string, Seat>();
  const index = () => {
    byKey.clear();
    for (const s of seats) byKey.set(keyOf(s.player), s);
  };
  index();
  const perRound = stake * BigInt(bets.length);
  let placed = 0;
  while (placed < rounds || seats.some((s) => s.held.length > 0)) {
    const perSeat = Math.ceil(Math.min(ROUNDS_PER_BLOCK, Math.max(rounds - placed, 1)) / SEATS);
    for (const [i, s] of seats.entries()) {
      if (placed >= rounds) {
        // Play out held bets with an empty round.
        if (s.held.length > 0) chain.enqueue(s.player, { op: "gameMove", sessionId: TABLE, action: TableAction.play, bets: [] });
        continue;
      }
      if (s.chips < perRound * BigInt(perSeat)) {
        if (s.held.length > 0) {
          chain.enqueue(s.player, { op: "gameMove", sessionId: TABLE, action: TableAction.play, bets: [] });
          continue;
        }
        seats[i] = seat();
        index();
      }
      const n = Math.min(perSeat, rounds - placed);
      for (let k = 0; k < n; k++) chain.enqueue(seats[i]!.player, { op: "gameMove", sessionId: TABLE, action: TableAction.play, bets });
      placed += n;
    }
    for (const e of sealRounds(chain)) {
      if (e.finished) continue;
      const s = byKey.get(e.account)!;
      s.chips = e.chips;
      for (const b of e.bets) {
        const tally = tallies[which.get(`${b.kind}:${b.target}`)!]!;
        if (b.status === 2) {
          tally.net += b.return; // a held bet's stake was counted when it was placed
          s.held.shift();
        } else {
          tally.add(b.stake, b.return - b.stake);
          if (b.status === 1) s.held.push(b.stake);
        }
      }
    }
  }
}
