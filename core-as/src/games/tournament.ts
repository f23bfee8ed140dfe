// Freeroll tournaments for clients: the rules to render (docs/tournaments.md) and builders for the
// tournament transactions and for tournament play with Shield and Double. The numbers are the
// wasm's (assembly/state/tournament.ts); core-as/test/tournament.test.ts plays them through it.
import type { GameMoveInstruction, GameStartInstruction, Instruction, Modifiers } from "../codec.js";

export const TournamentRules = {
  /** Tournament `id` owns block time [id × periodMs, (id + 1) × periodMs). */
  periodMs: 360_000n,
  registrationMs: 60_000n,
  playMs: 300_000n,
  perDay: 240,
  stack: 1_000n,
  shields: 3,
  doubles: 3,
  /** Daily entries: free, the most an admin may set (members get 10), and the cap under 7 days of age. */
  freeDailyEntries: 1,
  memberDailyEntries: 10,
  newAccountDailyEntries: 3,
  newAccountMs: 7n * 86_400_000n,
  maxEntrants: 1_000,
  /** Paid places: the top 15% (at least 1); the pool in credits; the cap on all credits ever minted. */
  paidBps: 1_500,
  prizePool: 342n,
  creditsCap: 150_000_000n,
  /** Of a prize: 20% usable at once, the rest vesting over 180 days; expiry after 180 days without play. */
  unlockedBps: 2_000,
  vestingMs: 180n * 86_400_000n,
  expiryMs: 180n * 86_400_000n,
} as const;

export const TournamentPhase = { registering: 0, running: 1, ended: 2 } as const;

/** When tournament `id` opens registration, starts play and ends (block time, ms). */
export function tournamentSchedule(id: bigint): { registrationStartMs: bigint; playStartMs: bigint; endMs: bigint } {
  const start = id * TournamentRules.periodMs;
  return { registrationStartMs: start, playStartMs: start + TournamentRules.registrationMs, endMs: start + TournamentRules.periodMs };
}

export const tournament = {
  join: (tournamentId: bigint): Instruction => ({ op: "tournamentJoin", tournamentId }),
  /** The permissionless cranks: succeed only at the scheduled time. */
  start: (tournamentId: bigint): Instruction => ({ op: "tournamentStart", tournamentId }),
  end: (tournamentId: bigint): Instruction => ({ op: "tournamentEnd", tournamentId }),
  /** Admin only: a player's daily entries (the auth service sets 10 for members, 1 when it lapses). */
  setFreerollLimit: (player: Uint8Array, limit: number): Instruction => ({ op: "adminSetFreerollLimit", player, limit }),
  /** Any game's GameStart, played in the running tournament against the stack; a hand's modifiers go here. */
  play: (start: GameStartInstruction, modifiers?: Modifiers): GameStartInstruction => ({
    ...start,
    mode: "tournament",
    ...(modifiers ? { modifiers } : {}),
  }),
  /** A table round (a spin, a deal, a roll) with Shield and/or Double. */
  round: (move: GameMoveInstruction, modifiers: Modifiers): GameMoveInstruction => ({ ...move, modifiers }),
} as const;
