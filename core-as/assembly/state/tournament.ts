// Tournament records (economy.md "Tournaments", docs/tournaments.md): the schedule, a tournament
// (09), a player's entry with its stack and modifiers (0a), the entrant list (0b), a player's
// freeroll record (0c: entry limit, joins, play history, credits) and the credit totals (0d).
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Json } from "../codec/json";
import { FORMAT_VERSION } from "../codec/limits";
import { E_UNKNOWN_VERSION, E_INVALID_VALUE, E_TOO_MANY_ITEMS } from "../errors";
import { DAY_MS, TOTAL_SUPPLY } from "./policy";

// ---- schedule and constants (economy.md) ----------------------------------------------------
// Tournament `id` owns block time [id·PERIOD, (id+1)·PERIOD): 60 s registration, then 300 s of
// play; 240 a day. Ids come from time, so the schedule is fixed, not a policy field.
export const TOURNAMENT_PERIOD_MS: u64 = 360_000;
export const REGISTRATION_MS: u64 = 60_000;
export const TOURNAMENTS_PER_DAY: u64 = DAY_MS / TOURNAMENT_PERIOD_MS;
/** The largest tournament id whose period fits in u64 milliseconds. */
export const MAX_TOURNAMENT_ID: u64 = U64.MAX_VALUE / TOURNAMENT_PERIOD_MS - 1;
export const TOURNAMENT_STACK: u64 = 1_000;
export const SHIELDS: u8 = 3;
export const DOUBLES: u8 = 3;
/** Daily entries without a membership, the most an admin may set, and the cap for new accounts. */
export const FREE_DAILY_ENTRIES: u32 = 1;
export const MAX_DAILY_ENTRIES: u32 = 100;
export const NEW_ACCOUNT_MS: u64 = 7 * DAY_MS;
export const NEW_ACCOUNT_DAILY_ENTRIES: u32 = 3;
/** Entrants a tournament takes: bounds the work of the end crank (one transaction ranks them all). */
export const MAX_ENTRANTS: u32 = 1_000;
/** Prize pool: total supply × 3% a year ÷ 365 ÷ 240, floored (342). */
export const PRIZE_POOL: u64 = (TOTAL_SUPPLY * 300) / (10_000 * 365 * TOURNAMENTS_PER_DAY);
/** Credits ever minted for prizes stay within 15% of supply. */
export const CREDITS_CAP: u64 = (TOTAL_SUPPLY * 1_500) / 10_000;
/** Paid places: the top 15% of entrants, at least one. */
export const PAID_BPS: u64 = 1_500;
/** Of a prize, 20% is unlocked at once; the rest vests linearly over 180 days. */
export const UNLOCKED_BPS: u64 = 2_000;
export const VESTING_MS: u64 = 180 * DAY_MS;
/** Credits expire after 180 days without tournament play. */
export const CREDIT_EXPIRY_MS: u64 = 180 * DAY_MS;
/** Proof-of-play: full at 10 sessions and at 30 minutes of play, from 0.2 to 1.0; never below 0.05 after the age scale. */
export const FULL_SESSIONS: u64 = 10;
export const FULL_PLAY_MS: u64 = 1_800_000;
export const MIN_WEIGHT_BPS: u64 = 500;
/** Grants a freeroll record keeps (fully vested ones fold into the unlocked balance): 10 a day for 180 days. */
export const MAX_GRANTS: u32 = 1_800;

export function registrationStartMs(id: u64): u64 {
  return id * TOURNAMENT_PERIOD_MS;
}

export function playStartMs(id: u64): u64 {
  return id * TOURNAMENT_PERIOD_MS + REGISTRATION_MS;
}

export function endMs(id: u64): u64 {
  return (id + 1) * TOURNAMENT_PERIOD_MS;
}

/** The tournament whose period holds `nowMs`. */
export function tournamentAt(nowMs: u64): u64 {
  return nowMs / TOURNAMENT_PERIOD_MS;
}

// ---- tournament (09 ‖ id) --------------------------------------------------------------------
export namespace TournamentPhase {
  export const REGISTERING: u8 = 0;
  export const RUNNING: u8 = 1;
  export const ENDED: u8 = 2;
}

export class Tournament {
  phase: u8 = TournamentPhase.REGISTERING;
  entrants: u32 = 0;
  /** Set by the end crank: the pool minted for it and what its winners were paid (≤ pool). */
  prizePool: u64 = 0;
  paid: u64 = 0;
  winners: u32 = 0;
}

export function encodeTournament(t: Tournament, w: Writer): void {
  w.u8(FORMAT_VERSION).u8(t.phase).varint(<u64>t.entrants).varint(t.prizePool).varint(t.paid).varint(<u64>t.winners);
}

export function decodeTournament(r: Reader): Tournament | null {
  const t = new Tournament();
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  t.phase = r.u8();
  t.entrants = r.varintMax(MAX_ENTRANTS, E_TOO_MANY_ITEMS);
  t.prizePool = r.varint();
  t.paid = r.varint();
  t.winners = r.varintMax(MAX_ENTRANTS, E_TOO_MANY_ITEMS);
  if (r.ok && t.phase > TournamentPhase.ENDED) r.fail(E_INVALID_VALUE);
  return r.finish() ? t : null;
}

export function tournamentToJson(id: u64, t: Tournament, j: Json): void {
  j.big("tournamentId", id).num("phase", t.phase).num("entrants", t.entrants).big("prizePool", t.prizePool).big("paid", t.paid);
  j.num("winners", t.winners).big("registrationStartMs", registrationStartMs(id)).big("playStartMs", playStartMs(id));
  j.big("endMs", endMs(id));
}

// ---- entry (0a ‖ id ‖ player) ----------------------------------------------------------------
export class Entry {
  /** Join order (0-based): the entrant list's index, and the tie-break of equal stacks. */
  index: u32 = 0;
  stack: u64 = TOURNAMENT_STACK;
  shields: u8 = SHIELDS;
  doubles: u8 = DOUBLES;
  /** Sessions finished and moves made in this tournament, and when play began and last moved. */
  sessions: u32 = 0;
  moves: u32 = 0;
  firstPlayMs: u64 = 0;
  lastPlayMs: u64 = 0;
}

export function encodeEntry(e: Entry, w: Writer): void {
  w.u8(FORMAT_VERSION).varint(<u64>e.index).varint(e.stack).u8(e.shields).u8(e.doubles);
  w.varint(<u64>e.sessions).varint(<u64>e.moves).varint(e.firstPlayMs).varint(e.lastPlayMs);
}

export function decodeEntry(r: Reader): Entry | null {
  const e = new Entry();
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  e.index = r.varintMax(MAX_ENTRANTS - 1, E_INVALID_VALUE);
  e.stack = r.varint();
  e.shields = r.u8();
  e.doubles = r.u8();
  e.sessions = r.varintMax(0xffff_ffff);
  e.moves = r.varintMax(0xffff_ffff);
  e.firstPlayMs = r.varint();
  e.lastPlayMs = r.varint();
  if (r.ok && (e.shields > SHIELDS || e.doubles > DOUBLES)) r.fail(E_INVALID_VALUE);
  return r.finish() ? e : null;
}

export function entryToJson(e: Entry, j: Json): void {
  j.num("index", e.index).big("stack", e.stack).num("shields", e.shields).num("doubles", e.doubles);
  j.num("sessions", e.sessions).num("moves", e.moves).big("firstPlayMs", e.firstPlayMs).big("lastPlayMs", e.lastPlayMs);
}

// ---- freeroll record (0c ‖ player) -----------------------------------------------------------
export class Freeroll {
  /** Daily entry limit set by the admin (membership); 0 = never set, i.e. FREE_DAILY_ENTRIES. */
  limit: u32 = 0;
  /** The UTC day (block time ÷ 1 day) `joinsToday` counts, and the last join's time. */
  day: u64 = 0;
  joinsToday: u32 = 0;
  lastJoinMs: u64 = 0;
  /** Tournament play over the account's life: what proof-of-play reads. */
  sessions: u64 = 0;
  playMs: u64 = 0;
  lastPlayMs: u64 = 0;
  /** Credits usable now (the 20% of each prize, and grants fully vested), and the vesting grants. */
  creditsUnlocked: u64 = 0;
  grantAmounts: u64[] = [];
  grantStarts: u64[] = [];
}

export function dailyLimit(f: Freeroll): u32 {
  return f.limit == 0 ? FREE_DAILY_ENTRIES : f.limit;
}

/** Credits of the grants vested at `nowMs` (linear, floored: rounding favours the system). */
export function vestedOfGrants(f: Freeroll, nowMs: u64): u64 {
  let v: u64 = 0;
  for (let i = 0; i < f.grantAmounts.length; i++) v += vestedOf(f.grantAmounts[i], f.grantStarts[i], nowMs);
  return v;
}

function vestedOf(amount: u64, startMs: u64, nowMs: u64): u64 {
  if (nowMs <= startMs) return 0;
  const t = nowMs - startMs;
  if (t >= VESTING_MS) return amount;
  // amount ≤ PRIZE_POOL and t < 1.6·10^10: the product stays far below 2^64.
  return (amount * t) / VESTING_MS;
}

/** Moves fully vested grants into the unlocked balance (keeps the grant list short). */
export function foldVested(f: Freeroll, nowMs: u64): void {
  const amounts: u64[] = [];
  const starts: u64[] = [];
  for (let i = 0; i < f.grantAmounts.length; i++) {
    if (nowMs >= f.grantStarts[i] + VESTING_MS) f.creditsUnlocked += f.grantAmounts[i];
    else {
      amounts.push(f.grantAmounts[i]);
      starts.push(f.grantStarts[i]);
    }
  }
  f.grantAmounts = amounts;
  f.grantStarts = starts;
}

/** Whether every credit of the record has expired at `nowMs` (180 days without tournament play). */
export function creditsExpired(f: Freeroll, nowMs: u64): bool {
  return f.lastPlayMs != 0 && nowMs > f.lastPlayMs + CREDIT_EXPIRY_MS;
}

/** Credits held (unlocked + still vesting). */
export function creditsHeld(f: Freeroll): u64 {
  let v = f.creditsUnlocked;
  for (let i = 0; i < f.grantAmounts.length; i++) v += f.grantAmounts[i];
  return v;
}

export function encodeFreeroll(f: Freeroll, w: Writer): void {
  w.u8(FORMAT_VERSION).varint(<u64>f.limit).varint(f.day).varint(<u64>f.joinsToday).varint(f.lastJoinMs);
  w.varint(f.sessions).varint(f.playMs).varint(f.lastPlayMs).varint(f.creditsUnlocked);
  w.varint(<u64>f.grantAmounts.length);
  for (let i = 0; i < f.grantAmounts.length; i++) w.varint(f.grantAmounts[i]).varint(f.grantStarts[i]);
}

export function decodeFreeroll(r: Reader): Freeroll | null {
  const f = new Freeroll();
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  f.limit = r.varintMax(MAX_DAILY_ENTRIES, E_INVALID_VALUE);
  f.day = r.varint();
  f.joinsToday = r.varintMax(MAX_DAILY_ENTRIES, E_INVALID_VALUE);
  f.lastJoinMs = r.varint();
  f.sessions = r.varint();
  f.playMs = r.varint();
  f.lastPlayMs = r.varint();
  f.creditsUnlocked = r.varint();
  const n = r.varintMax(MAX_GRANTS, E_TOO_MANY_ITEMS);
  for (let i: u32 = 0; i < n && r.ok; i++) {
    f.grantAmounts.push(r.varint());
    f.grantStarts.push(r.varint());
  }
  return r.finish() ? f : null;
}

/** The record as seen at `nowMs`: credits vested and expired as of then. */
export function freerollToJson(f: Freeroll, nowMs: u64, j: Json): void {
  const expired = creditsExpired(f, nowMs);
  const vested = expired ? 0 : vestedOfGrants(f, nowMs);
  const unlocked = expired ? 0 : f.creditsUnlocked;
  j.num("limit", dailyLimit(f)).big("day", f.day).num("joinsToday", f.joinsToday).big("lastJoinMs", f.lastJoinMs);
  j.big("sessions", f.sessions).big("playMs", f.playMs).big("lastPlayMs", f.lastPlayMs);
  j.big("creditsUsable", unlocked + vested).big("creditsVesting", expired ? 0 : creditsHeld(f) - f.creditsUnlocked - vested);
  j.bool("creditsExpired", expired && creditsHeld(f) != 0).num("grants", f.grantAmounts.length);
}

// ---- credit totals (0d) ----------------------------------------------------------------------
export class FreerollTotals {
  creditsMinted: u64 = 0;
  creditsExpired: u64 = 0;
}

export function encodeFreerollTotals(t: FreerollTotals, w: Writer): void {
  w.u8(FORMAT_VERSION).varint(t.creditsMinted).varint(t.creditsExpired);
}

export function decodeFreerollTotals(r: Reader): FreerollTotals | null {
  const t = new FreerollTotals();
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  t.creditsMinted = r.varint();
  t.creditsExpired = r.varint();
  return r.finish() ? t : null;
}
