// What every table sitting (roulette, sic bo, baccarat, craps) does with its round report: emit it
// as the move's gameRound event, and close the sitting once nothing is held on the table.
import { Account } from "../state/account";
import { EventSink, TxContext } from "../exec/events";
import { Ev } from "../codec/event";
import { Session } from "./session";
import { RoundReport, noteRound } from "./round";

/** Emits `report` as the gameRound event of this move, with the balance after it. */
export function emitRound(
  ctx: TxContext, ev: EventSink, report: RoundReport, sessionId: u64, sess: Session, a: Account, finished: bool,
): void {
  const w = ev.begin(ctx, Ev.GAME_ROUND);
  report.encode(w, sessionId, sess.game, sess.phase, a.chips, finished);
  ev.end();
  noteRound(report);
}

/** Closes a sitting the caller found with nothing held: one more move, finished, an empty closing round. */
export function closeSitting(ctx: TxContext, ev: EventSink, report: RoundReport, a: Account, sess: Session, sessionId: u64): void {
  // A sitting counts as a session played once it had a round (the faucet's eligibility rule).
  if (sess.moves > 0) a.sessionsPlayed++;
  sess.moves++;
  sess.finished = true;
  report.reset(sess.moves);
  emitRound(ctx, ev, report, sessionId, sess, a, true);
}
