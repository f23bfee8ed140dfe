// Craps in the simulation: one round is one bet of the name given, placed when its phase allows
// and rolled (empty batches) until it resolves; several bets followed together share the rolls. Many players sit at one table each and make one
// roll per block, since each roll depends on the last. Where the followed bet cannot be placed
// yet (Come needs a point on; Pass a come-out roll; bonus bets a shooter without a point), the
// table is moved on with a 1-chip Field bet that is not counted.
import type { Signer } from "../src/crypto/ed25519.js";
import type { LocalChain } from "../src/dev/local-chain.js";
import { type Bet, craps } from "../src/games/index.js";
import type { BetResultView } from "../src/views.js";
import { keyOf, type Players, sealRounds, type Tally } from "./players.js";

type Phase = "any" | "comeOut" | "point" | "newShooter";

interface CrapsBetSpec {
  make: (stake: bigint) => Bet;
  phase: Phase;
}

const NUMBERS = [2, 3, 4, 5, 6, 8, 9, 10, 11, 12];

/** Bets by the spec's names (games.md §3). */
export const CRAPS_BETS: Record<string, CrapsBetSpec> = {
  pass: { make: craps.pass, phase: "comeOut" },
  "dont-pass": { make: craps.dontPass, phase: "comeOut" },
  come: { make: craps.come, phase: "point" },
  "dont-come": { make: craps.dontCome, phase: "point" },
  field: { make: craps.field, phase: "any" },
  ...Object.fromEntries(
    ([4, 6, 8, 10] as const).map((n) => [`hard-${n}`, { make: (s: bigint) => craps.hard(n, s), phase: "any" as Phase }]),
  ),
  ...Object.fromEntries(NUMBERS.map((n) => [`yes-${n}`, { make: (s: bigint) => craps.yes(n, s), phase: "any" as Phase }])),
  ...Object.fromEntries(NUMBERS.map((n) => [`no-${n}`, { make: (s: bigint) => craps.no(n, s), phase: "any" as Phase }])),
  ...Object.fromEntries([...NUMBERS, 7].map((n) => [`next-${n}`, { make: (s: bigint) => craps.next(n, s), phase: "any" as Phase }])),
  fire: { make: craps.fire, phase: "newShooter" },
  "all-small": { make: craps.allSmall, phase: "newShooter" },
  "all-tall": { make: craps.allTall, phase: "newShooter" },
  "make-em-all": { make: craps.makeEmAll, phase: "newShooter" },
  muggsy: { make: craps.muggsy, phase: "newShooter" },
  "different-doubles": { make: craps.differentDoubles, phase: "newShooter" },
  "ride-the-line": { make: craps.rideTheLine, phase: "newShooter" },
  replay: { make: craps.replay, phase: "newShooter" },
};

// Each player is granted 1,000,000 chips (the policy maximum): 200 of them stay far from the supply cap.
const SEATS = 200;
const TABLE = 1n;
const FILLER = craps.field(1n);

interface Seat {
  player: Signer;
  chips: bigint;
  point: number;
  shooterHasPoint: boolean;
  /** Whether each followed bet is on the table. */
  holding: boolean[];
}

function canPlace(seat: Seat, phase: Phase): boolean {
  if (phase === "comeOut") return seat.point === 0;
  if (phase === "point") return seat.point !== 0;
  if (phase === "newShooter") return seat.point === 0 && !seat.shooterHasPoint;
  return true;
}

/**
 * Follows `specs` (one, or several together: each placed again once it resolved, while it has
 * rounds left, and each tallied on its own) at `stake` until each has settled `rounds` rounds.
 */
export function playCraps(
  chain: LocalChain,
  players: Players,
  tallies: Tally[],
  specs: CrapsBetSpec[],
  stake: bigint,
  rounds: number,
): void {
  const bets = specs.map((s) => s.make(stake));
  // A bet placed without a target (Come, Pass) may be reported on the number it moved to.
  const isFollowed = (b: BetResultView, i: number) =>
    b.kind === bets[i]!.kind && (bets[i]!.target === 0 || b.target === bets[i]!.target) && b.stake === bets[i]!.amount;
  for (const [i, a] of bets.entries())
    for (const b of bets.slice(i + 1))
      if (a.kind === b.kind && (a.target === 0 || b.target === 0 || a.target === b.target))
        throw new Error("craps: two followed bets would be told apart by kind and target");
  const sit = (): Seat => {
    const player = players.add();
    chain.enqueue(player, craps.start(TABLE));
    return { player, chips: 1_000_000n, point: 0, shooterHasPoint: false, holding: bets.map(() => false) };
  };
  const seats = Array.from({ length: Math.min(SEATS, rounds) }, sit);
  const byKey = new Map<string, Seat>();
  const index = () => {
    byKey.clear();
    for (const s of seats) byKey.set(keyOf(s.player), s);
  };
  index();
  const placed = bets.map(() => 0);
  const allStakes = stake * BigInt(bets.length);
  while (placed.some((p) => p < rounds) || seats.some((s) => s.holding.includes(true))) {
    for (const [i, s] of seats.entries()) {
      const held = s.holding.includes(true);
      const wanted = bets.flatMap((_, b) => (!s.holding[b] && placed[b]! < rounds ? [b] : []));
      if (!held) {
        if (wanted.length === 0) continue;
        if (s.chips < allStakes + 1n) {
          seats[i] = sit(); // a fresh player at a fresh table rolls from the next block
          index();
          continue;
        }
      }
      const batch = held && s.chips < allStakes + 1n ? [] : wanted.filter((b) => canPlace(s, specs[b]!.phase));
      chain.enqueue(s.player, craps.roll(TABLE, batch.length > 0 ? batch.map((b) => bets[b]!) : held ? [] : [FILLER]));
      for (const b of batch) {
        placed[b]!++;
        s.holding[b] = true;
      }
    }
    for (const e of sealRounds(chain)) {
      if (e.finished) continue;
      const s = byKey.get(e.account)!;
      s.chips = e.chips;
      const [total, point] = e.info as [number, number];
      if (s.point !== 0 && total === 7) s.shooterHasPoint = false; // seven-out: a new shooter
      if (point !== 0) s.shooterHasPoint = true;
      s.point = point;
      for (const [b, holding] of s.holding.entries()) {
        if (!holding) continue;
        // The followed bet, never the filler (a Field bet followed needs no filler).
        const mine = e.bets.find((r) => isFollowed(r, b) && (r.kind !== FILLER.kind || r.status !== 1));
        if (mine && mine.status !== 1) {
          tallies[b]!.add(mine.stake, mine.return - mine.stake);
          s.holding[b] = false;
        }
      }
    }
  }
}
