// Tournament play (games.md "Tournament play, Shield and Double"): a tournament GameStart or
// GameMove runs the game's own code with the account's chips swapped for the entry's stack (and
// s.tournamentPlay set, so the ledger leaves supply alone); the swap is undone whatever the
// outcome, and the entry is written only if the move happened.
import { Modifier } from "../codec/tx";
import { Ev } from "../codec/event";
import { BetStatus } from "../codec/game-event";
import { Account } from "../state/account";
import { Entry, TournamentPhase, playStartMs, endMs, tournamentAt, MAX_TOURNAMENT_ID } from "../state/tournament";
import { RoundReport, takeLastRound } from "../games/round";
import { Session } from "../games/session";
import { State } from "./state";
import { EventSink, TxContext } from "./events";
import { loadTournament, loadEntry, saveEntry } from "./tournament-records";
import { E_TOURNAMENT_NOT_ACTIVE, E_MODIFIER_NOT_ALLOWED } from "../errors";


class Seat {
  id: u64 = 0;
  player: Uint8Array = new Uint8Array(32);
  entry: Entry = new Entry();
  chips: u64 = 0;
  sessionsBefore: u64 = 0;
}

const seat = new Seat();

/** Seats the signer at tournament `id` for this transaction: 0, or a code having changed nothing. */
export function enterPlay(s: State, ctx: TxContext, id: u64, a: Account, modifiers: u8): u16 {
  const now = ctx.timestampMs;
  if (id > MAX_TOURNAMENT_ID || now < playStartMs(id) || now >= endMs(id)) return E_TOURNAMENT_NOT_ACTIVE;
  const t = loadTournament(s, id);
  if (t == null || t.phase != TournamentPhase.RUNNING) return E_TOURNAMENT_NOT_ACTIVE;
  const e = loadEntry(s, id, ctx.signer);
  if (e == null) return E_TOURNAMENT_NOT_ACTIVE;
  if ((modifiers & Modifier.SHIELD) != 0 && e.shields == 0) return E_MODIFIER_NOT_ALLOWED;
  if ((modifiers & Modifier.DOUBLE) != 0 && e.doubles == 0) return E_MODIFIER_NOT_ALLOWED;
  seat.id = id;
  memory.copy(seat.player.dataStart, ctx.signer.dataStart, 32);
  seat.entry = e;
  seat.chips = a.chips;
  seat.sessionsBefore = a.sessionsPlayed;
  a.chips = e.stack;
  s.tournamentPlay = true;
  takeLastRound(); // forget any earlier report
  return 0;
}

/** Undoes enterPlay's swap; if the move happened, spends `modifiers` and saves the entry. */
export function leavePlay(s: State, ctx: TxContext, a: Account, happened: bool, modifiers: u8): void {
  s.tournamentPlay = false;
  const e = seat.entry;
  if (happened) {
    e.stack = a.chips;
    if ((modifiers & Modifier.SHIELD) != 0) e.shields--;
    if ((modifiers & Modifier.DOUBLE) != 0) e.doubles--;
    e.sessions += <u32>(a.sessionsPlayed - seat.sessionsBefore);
    e.moves++;
    if (e.firstPlayMs == 0) e.firstPlayMs = ctx.timestampMs;
    e.lastPlayMs = ctx.timestampMs;
    saveEntry(s, seat.id, seat.player, e);
  }
  a.chips = seat.chips;
}

/** The stakes and returns of the bets a round settled (a bet held for a later round counts there). */
function settledStaked(r: RoundReport): u64 {
  let v: u64 = 0;
  for (let i = 0; i < r.betCount; i++) if (r.statuses[i] != BetStatus.HELD) v += r.stakes[i];
  return v;
}

function settledReturned(r: RoundReport): u64 {
  let v: u64 = 0;
  for (let i = 0; i < r.betCount; i++) if (r.statuses[i] != BetStatus.HELD) v += r.returns[i];
  return v;
}

/**
 * After a table round (or craps roll) in tournament play: Shield and Double declared on this move
 * apply to the bets the round settled.
 */
export function afterTableRound(ctx: TxContext, ev: EventSink, a: Account, sessionId: u64, modifiers: u8): void {
  const r = takeLastRound();
  if (r == null || modifiers == 0) return;
  applyModifiers(ctx, ev, a, sessionId, modifiers, settledStaked(r), settledReturned(r));
}

/**
 * After a hand's start or move in tournament play: the hand's stakes and returns accumulate in the
 * session, and when the hand settles the modifiers declared at its start apply to the whole hand.
 */
export function afterHandMove(ctx: TxContext, ev: EventSink, a: Account, sess: Session, sessionId: u64): void {
  const r = takeLastRound();
  if (r == null) return;
  sess.handStaked += r.staked;
  sess.handReturned += r.returned;
  if (sess.finished && sess.modifiers != 0) {
    applyModifiers(ctx, ev, a, sessionId, sess.modifiers, sess.handStaked, sess.handReturned);
  }
}

/** Shield: a losing round returns its stake. Double: a winning round's net win is doubled. */
function applyModifiers(ctx: TxContext, ev: EventSink, a: Account, sessionId: u64, modifiers: u8, staked: u64, returned: u64): void {
  let extra: u64 = 0;
  if ((modifiers & Modifier.SHIELD) != 0 && returned < staked) extra = staked - returned;
  if ((modifiers & Modifier.DOUBLE) != 0 && returned > staked) extra = returned - staked;
  a.chips += extra; // the tournament stack (enterPlay swapped it in)
  ev.begin(ctx, Ev.MODIFIER_APPLIED).varint(sessionId).varint(seat.id).u8(modifiers).varint(staked).varint(returned).varint(extra).varint(a.chips);
  ev.end();
}

/** The tournament a GameStart in tournament mode plays in: the one whose period holds the block. */
export function currentTournament(ctx: TxContext): u64 {
  return tournamentAt(ctx.timestampMs);
}
