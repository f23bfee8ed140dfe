// Craps in the simulation: one round is one bet of the name given, placed when its phase allows
// and rolled (empty batches) until it resolves; several bets followed together share the rolls.
// Many players sit at one table each and make one roll per block, since each roll depends on the
// last. Where the followed bet cannot be placed yet (Come needs a point on; Pass a come-out roll;
// bonus bets a shooter without a point), the table is moved on with a 1-chip Field bet that is not
// counted. Odds need their flat bet on a number: the flat bet (same stake, not counted) goes on
// first, and the odds (the round) once it has its number; both resolve on the same roll.
import type { Signer } from "../src/crypto/ed25519.js";
import type { LocalChain } from "../src/dev/local-chain.js";
import { type Bet, craps } from "../src/games/index.js";
import type { BetResultView } from "../src/views.js";
import { keyOf, type Players, sealRounds, type Tally } from "./players.js";

type Phase = "any" | "comeOut" | "point" | "newShooter";

interface CrapsBetSpec {
  /** The bet at `stake`; odds take the number their flat bet stands on. */
  make: (stake: bigint, number?: number) => Bet;
  phase: Phase;
  /** Odds only: the flat bet they stand behind (placed first, at the same stake, not counted). */
  flat?: CrapsBetSpec;
}

const PASS: CrapsBetSpec = { make: craps.pass, phase: "comeOut" };
const DONT_PASS: CrapsBetSpec = { make: craps.dontPass, phase: "comeOut" };
const COME: CrapsBetSpec = { make: craps.come, phase: "point" };
const DONT_COME: CrapsBetSpec = { make: craps.dontCome, phase: "point" };
type OddsNumber = 4 | 5 | 6 | 8 | 9 | 10;

const NUMBERS = [2, 3, 4, 5, 6, 8, 9, 10, 11, 12];

/** Bets by the spec's names (games.md §3). */
export const CRAPS_BETS: Record<string, CrapsBetSpec> = {
  pass: PASS,
  "dont-pass": DONT_PASS,
  come: COME,
  "dont-come": DONT_COME,
  // Odds at true odds: 0% when the win is whole (a stake of 30 makes every payout whole).
  "pass-odds": { make: craps.passOdds, phase: "any", flat: PASS },
  "dont-pass-odds": { make: craps.dontPassOdds, phase: "any", flat: DONT_PASS },
  "come-odds": { make: (s, n) => craps.comeOdds(n as OddsNumber, s), phase: "any", flat: COME },
  "dont-come-odds": { make: (s, n) => craps.dontComeOdds(n as OddsNumber, s), phase: "any", flat: DONT_COME },
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
  /** Under each followed odds bet, its flat bet: −1 none, 0 placed, else the number it stands on. */
  flatOn: number[];
  /** Bets on the table, followed and flat. */
  held: number;
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
  const bets = specs.map((s) => s.make(stake, 0));
  // Flat bets under odds (by followed index; undefined where none): matched as bets.length + index.
  const flats = specs.map((s) => s.flat?.make(stake));
  const matcher = resultMatcher([...bets, ...flats]);
  const sit = (): Seat => {
    const player = players.add();
    chain.enqueue(player, craps.start(TABLE));
    return {
      player,
      chips: 1_000_000n,
      point: 0,
      shooterHasPoint: false,
      holding: bets.map(() => false),
      flatOn: bets.map(() => -1),
      held: 0,
    };
  };
  const seats = Array.from({ length: Math.min(SEATS, rounds) }, sit);
  const byKey = new Map<string, Seat>();
  const index = () => {
    byKey.clear();
    for (const s of seats) byKey.set(keyOf(s.player), s);
  };
  index();
  const placed = bets.map(() => 0);
  let unplaced = bets.length; // bets with rounds left to place
  const allStakes = stake * BigInt(bets.length + flats.filter((f) => f !== undefined).length);
  const seen = [...bets, ...flats].map(() => false);
  while (unplaced > 0 || seats.some((s) => s.held > 0)) {
    for (const [i, s] of seats.entries()) {
      if (s.held === 0) {
        if (unplaced === 0) continue;
        if (s.chips < allStakes + 1n) {
          seats[i] = sit(); // a fresh player at a fresh table rolls from the next block
          index();
          continue;
        }
      }
      const batch: Bet[] = [];
      if (s.held === 0 || s.chips >= allStakes + 1n)
        for (const [b, spec] of specs.entries()) {
          if (s.holding[b] || placed[b]! >= rounds) continue;
          const flat = spec.flat;
          if (flat && s.flatOn[b] === -1) {
            // The flat bet first; the odds once it stands on a number.
            if (!canPlace(s, flat.phase)) continue;
            batch.push(flats[b]!);
            s.flatOn[b] = 0;
            s.held++;
            continue;
          }
          if (flat ? s.flatOn[b] === 0 : !canPlace(s, spec.phase)) continue;
          batch.push(flat ? spec.make(stake, s.flatOn[b]) : bets[b]!);
          s.holding[b] = true;
          s.held++;
          if (++placed[b]! === rounds) unplaced--;
        }
      chain.enqueue(s.player, craps.roll(TABLE, batch.length > 0 ? batch : s.held > 0 ? [] : [FILLER]));
    }
    for (const e of sealRounds(chain)) {
      if (e.finished) continue;
      const s = byKey.get(e.account)!;
      s.chips = e.chips;
      const [total, point] = e.info as [number, number];
      if (s.point !== 0 && total === 7) s.shooterHasPoint = false; // seven-out: a new shooter
      if (point !== 0) s.shooterHasPoint = true;
      s.point = point;
      seen.fill(false);
      for (const r of e.bets) {
        const m = matcher(r);
        // Only the first result that names a followed bet counts for it; never the filler (a
        // Field bet followed needs no filler, and a filler is never held).
        if (m === undefined || seen[m] || (r.kind === FILLER.kind && r.status === 1)) continue;
        seen[m] = true;
        if (m >= bets.length) {
          // A flat bet under odds: on the table it stands on its number (Pass: the point).
          const b = m - bets.length;
          if (s.flatOn[b] === -1) continue;
          if (r.status === 1) s.flatOn[b] = r.target !== 0 ? r.target : point;
          else {
            s.flatOn[b] = -1;
            s.held--;
          }
        } else if (s.holding[m] && r.status !== 1) {
          tallies[m]!.add(r.stake, r.return - r.stake);
          s.holding[m] = false;
          s.held--;
        }
      }
    }
  }
}

/**
 * Which followed bet a result is, by kind, target and stake. A bet placed without a target (Come,
 * Pass) may be reported on the number it moved to, so it matches its kind on any target.
 */
function resultMatcher(bets: (Bet | undefined)[]): (r: BetResultView) => number | undefined {
  const exact = new Map<number, number>();
  const anyTarget = new Map<number, number>();
  const key = (kind: number, target: number) => kind * 2 ** 32 + target;
  for (const [i, b] of bets.entries()) {
    if (b === undefined) continue;
    const clash =
      anyTarget.has(b.kind) || (b.target === 0 ? bets.some((o, j) => j < i && o?.kind === b.kind) : exact.has(key(b.kind, b.target)));
    if (clash)
      throw new Error("craps: two followed bets (or a flat bet under odds) share a kind, so their results could not be told apart");
    if (b.target === 0) anyTarget.set(b.kind, i);
    else exact.set(key(b.kind, b.target), i);
  }
  return (r) => {
    const i = exact.get(key(r.kind, r.target)) ?? anyTarget.get(r.kind);
    return i !== undefined && r.stake === bets[i]!.amount ? i : undefined;
  };
}
