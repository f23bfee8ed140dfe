// Freeroll tournaments (economy.md "Tournaments", docs/tournaments.md): joining, the permissionless
// start and end cranks with ranking and prizes, and the admin's per-player entry limit. Play
// against the stack: tournament-play.ts; records in the store: tournament-records.ts.
import { Tx } from "../codec/tx";
import { Ev } from "../codec/event";
import { Account } from "../state/account";
import { tournamentEntrantKey } from "../state/keys";
import { DAY_MS } from "../state/policy";
import {
  Tournament, TournamentPhase, Entry, Freeroll, registrationStartMs, playStartMs, endMs, dailyLimit, MAX_ENTRANTS,
  MAX_DAILY_ENTRIES, NEW_ACCOUNT_MS, NEW_ACCOUNT_DAILY_ENTRIES, PRIZE_POOL, CREDITS_CAP, PAID_BPS, UNLOCKED_BPS, FULL_SESSIONS,
  FULL_PLAY_MS, MIN_WEIGHT_BPS, MAX_GRANTS, MAX_TOURNAMENT_ID,
} from "../state/tournament";
import { State } from "./state";
import { EventSink, TxContext } from "./events";
import {
  loadTournament, saveTournament, loadEntry, saveEntry, loadFreeroll, saveFreeroll, loadTotals, saveTotals,
} from "./tournament-records";
import {
  E_UNKNOWN_ACCOUNT, E_NOT_ADMIN, E_POLICY_OUT_OF_BOUNDS, E_TOURNAMENT_NOT_OPEN, E_TOURNAMENT_ALREADY_JOINED,
  E_FREEROLL_LIMIT_REACHED, E_TOURNAMENT_FULL, E_TOURNAMENT_TOO_EARLY, E_TOURNAMENT_NOT_FOUND, E_TOURNAMENT_CLOSED,
  E_INVALID_VALUE,
} from "../errors";


// ---- transactions ---------------------------------------------------------------------------

/** TournamentJoin: during the registration minute, within the player's daily entries. */
export function joinTournament(s: State, ctx: TxContext, tx: Tx, a: Account, ev: EventSink): u16 {
  if (!a.registered) return E_UNKNOWN_ACCOUNT;
  const id = tx.tournamentId;
  const now = ctx.timestampMs;
  if (id > MAX_TOURNAMENT_ID || now < registrationStartMs(id) || now >= playStartMs(id)) return E_TOURNAMENT_NOT_OPEN;
  let t = loadTournament(s, id);
  if (t == null) t = new Tournament();
  if (loadEntry(s, id, tx.signer) != null) return E_TOURNAMENT_ALREADY_JOINED;
  if (t.entrants >= MAX_ENTRANTS) return E_TOURNAMENT_FULL;
  const f = loadFreeroll(s, tx.signer);
  const day = now / DAY_MS;
  const joinsToday = f.day == day ? f.joinsToday : 0;
  let limit = dailyLimit(f);
  if (now - a.registeredAtMs < NEW_ACCOUNT_MS && limit > NEW_ACCOUNT_DAILY_ENTRIES) limit = NEW_ACCOUNT_DAILY_ENTRIES;
  if (joinsToday >= limit) return E_FREEROLL_LIMIT_REACHED;
  // economy.md's 5 minutes between joins holds by construction: registration minutes are 6 minutes
  // apart, so two joins are at least 5 minutes apart (docs/tournaments.md).

  const e = new Entry();
  e.index = t.entrants;
  saveEntry(s, id, tx.signer, e);
  s.store.set(tournamentEntrantKey(id, t.entrants), tx.signer);
  t.entrants++;
  saveTournament(s, id, t);
  f.day = day;
  f.joinsToday = joinsToday + 1;
  f.lastJoinMs = now;
  f.lastPlayMs = now; // joining is tournament play for credit expiry
  saveFreeroll(s, tx.signer, f, now);
  ev.begin(ctx, Ev.TOURNAMENT_JOINED).varint(id).varint(<u64>e.index).varint(e.stack).u8(e.shields).u8(e.doubles);
  ev.end();
  return 0;
}

/** TournamentStart: anyone, once registration is over and before the tournament's end. */
export function startTournament(s: State, ctx: TxContext, tx: Tx, ev: EventSink): u16 {
  const id = tx.tournamentId;
  if (id > MAX_TOURNAMENT_ID) return E_TOURNAMENT_NOT_FOUND;
  const t = loadTournament(s, id);
  if (t == null) return E_TOURNAMENT_NOT_FOUND;
  if (t.phase != TournamentPhase.REGISTERING || ctx.timestampMs >= endMs(id)) return E_TOURNAMENT_CLOSED;
  if (ctx.timestampMs < playStartMs(id)) return E_TOURNAMENT_TOO_EARLY;
  t.phase = TournamentPhase.RUNNING;
  saveTournament(s, id, t);
  ev.begin(ctx, Ev.TOURNAMENT_STARTED).varint(id).varint(<u64>t.entrants);
  ev.end();
  return 0;
}

/**
 * TournamentEnd: anyone, from the tournament's end. A tournament that ran ranks its entrants by
 * stack (join order breaks ties) and pays the top 15% in freeroll credits; one nobody started
 * pays nothing (nobody could play it).
 */
export function endTournament(s: State, ctx: TxContext, tx: Tx, ev: EventSink): u16 {
  const id = tx.tournamentId;
  if (id > MAX_TOURNAMENT_ID) return E_TOURNAMENT_NOT_FOUND;
  const t = loadTournament(s, id);
  if (t == null) return E_TOURNAMENT_NOT_FOUND;
  if (t.phase == TournamentPhase.ENDED) return E_TOURNAMENT_CLOSED;
  const now = ctx.timestampMs;
  if (now < endMs(id)) return E_TOURNAMENT_TOO_EARLY;
  const ran = t.phase == TournamentPhase.RUNNING;
  t.phase = TournamentPhase.ENDED;
  if (!ran || t.entrants == 0) {
    saveTournament(s, id, t);
    ev.begin(ctx, Ev.TOURNAMENT_ENDED).varint(id).varint(<u64>t.entrants).varint(0).varint(0).varint(0);
    ev.end();
    return 0;
  }
  const n = <i32>t.entrants;
  const players = new Array<Uint8Array>(n);
  const entries = new Array<Entry>(n);
  for (let i = 0; i < n; i++) {
    // Both records are written by every join.
    const key = s.store.get(tournamentEntrantKey(id, <u32>i));
    if (key == null) return E_INVALID_VALUE;
    const en = loadEntry(s, id, key);
    if (en == null) return E_INVALID_VALUE;
    players[i] = key;
    entries[i] = en;
  }
  const order = rankByStack(entries);
  let paidPlaces = <i32>((<u64>n * PAID_BPS) / 10_000);
  if (paidPlaces < 1) paidPlaces = 1;

  // Every entrant's play goes into its freeroll history (proof-of-play reads it).
  const freerolls = new Array<Freeroll>(n);
  for (let i = 0; i < n; i++) {
    const f = loadFreeroll(s, players[i]);
    const en = entries[i];
    f.sessions += <u64>en.sessions;
    if (en.firstPlayMs != 0) f.playMs += en.lastPlayMs - en.firstPlayMs;
    if (en.lastPlayMs > f.lastPlayMs) f.lastPlayMs = en.lastPlayMs;
    freerolls[i] = f;
  }

  // Shares: 1/rank × weight on a common scale (weight ≤ 10^4, × 10^9: summed over ≤ 150 places
  // and multiplied by a pool ≤ 342, far below 2^64). Prizes are floored: dust is never minted.
  const totals = loadTotals(s);
  const room = CREDITS_CAP - totals.creditsMinted;
  const pool = PRIZE_POOL < room ? PRIZE_POOL : room;
  const weights = new Array<u64>(paidPlaces);
  const shares = new Array<u64>(paidPlaces);
  let total: u64 = 0;
  for (let r = 0; r < paidPlaces; r++) {
    const i = order[r];
    const acct = s.account(players[i]);
    const ageMs = acct == null || now < acct.registeredAtMs ? 0 : now - acct.registeredAtMs;
    weights[r] = weightBps(freerolls[i], ageMs);
    shares[r] = (weights[r] * 1_000_000_000) / <u64>(r + 1);
    total += shares[r];
  }
  const prizes = new Array<u64>(paidPlaces);
  let paid: u64 = 0;
  for (let r = 0; r < paidPlaces; r++) {
    prizes[r] = (pool * shares[r]) / total; // total > 0: every weight is at least MIN_WEIGHT_BPS
    paid += prizes[r];
  }

  const e = ev.begin(ctx, Ev.TOURNAMENT_ENDED).varint(id).varint(<u64>t.entrants).varint(pool).varint(paid);
  e.varint(<u64>paidPlaces);
  for (let r = 0; r < paidPlaces; r++) {
    const i = order[r];
    e.varint(<u64>(r + 1)).bytes(players[i]).varint(entries[i].stack).varint(weights[r]).varint(prizes[r]);
    grantCredits(freerolls[i], prizes[r], now);
  }
  ev.end();
  for (let i = 0; i < n; i++) saveFreeroll(s, players[i], freerolls[i], now);
  if (paid != 0) {
    totals.creditsMinted += paid;
    saveTotals(s, totals);
  }
  t.prizePool = pool;
  t.paid = paid;
  t.winners = <u32>paidPlaces;
  saveTournament(s, id, t);
  return 0;
}

/** Entrant indices, larger stack first, earlier join first among equal stacks (insertion sort: n ≤ 1,000). */
function rankByStack(entries: Array<Entry>): Array<i32> {
  const n = entries.length;
  const order = new Array<i32>(n);
  for (let i = 0; i < n; i++) {
    const stack = entries[i].stack;
    let j = i;
    // Joined later than everything placed so far: it goes after every stack ≥ its own.
    while (j > 0 && entries[order[j - 1]].stack < stack) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  return order;
}

/** A prize in credits: 20% usable at once, the rest vesting linearly over 180 days from now. */
function grantCredits(f: Freeroll, prize: u64, now: u64): void {
  if (prize == 0) return;
  const unlocked = (prize * UNLOCKED_BPS) / 10_000;
  f.creditsUnlocked += unlocked;
  if (prize == unlocked) return;
  if (<u32>f.grantAmounts.length < MAX_GRANTS) {
    f.grantAmounts.push(prize - unlocked);
    f.grantStarts.push(now);
  } else f.creditsUnlocked += prize - unlocked; // unreachable within the entry limits (10 a day, 180 days)
}

/**
 * Proof-of-play weight in basis points: 0.2 → 1.0 with the average of sessions (full at 10) and
 * play time (full at 30 minutes) over the account's tournament life, scaled by account age up to
 * 7 days, never below 0.05.
 */
export function weightBps(f: Freeroll, ageMs: u64): u64 {
  const sessions = f.sessions < FULL_SESSIONS ? f.sessions : FULL_SESSIONS;
  const playMs = f.playMs < FULL_PLAY_MS ? f.playMs : FULL_PLAY_MS;
  const progress = ((sessions * 10_000) / FULL_SESSIONS + (playMs * 10_000) / FULL_PLAY_MS) / 2;
  const pop = 2_000 + (progress * 8_000) / 10_000;
  const age = ageMs < NEW_ACCOUNT_MS ? ageMs : NEW_ACCOUNT_MS;
  const w = (pop * age) / NEW_ACCOUNT_MS;
  return w < MIN_WEIGHT_BPS ? MIN_WEIGHT_BPS : w;
}

/** AdminSetFreerollLimit: the auth service's membership sync (10 for members, 1 when it lapses). */
export function setFreerollLimit(s: State, ctx: TxContext, tx: Tx, ev: EventSink): u16 {
  if (!s.admins.has(tx.signer)) return E_NOT_ADMIN;
  if (tx.freerollLimit == 0 || <u32>tx.freerollLimit > MAX_DAILY_ENTRIES) return E_POLICY_OUT_OF_BOUNDS;
  const f = loadFreeroll(s, tx.player);
  f.limit = tx.freerollLimit;
  saveFreeroll(s, tx.player, f, ctx.timestampMs);
  ev.begin(ctx, Ev.FREEROLL_LIMIT_SET).bytes(tx.player).u8(tx.freerollLimit);
  ev.end();
  return 0;
}

