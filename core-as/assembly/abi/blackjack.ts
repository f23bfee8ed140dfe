// ABI: blackjack's whole rules on given cards, for known-answer tests and client-side re-settling.
// A session's events list every card in draw order; with the player's actions they replay the
// hand exactly, through the same game code the executor runs (games/blackjack.ts), dealing the
// given cards in order instead of drawing them.
import { inputPtr } from "../io";
import { Writer } from "../codec/writer";
import { BetList } from "../codec/bets";
import { MAX_BETS } from "../codec/limits";
import { Session } from "../games/session";
import { RoundReport } from "../games/round";
import { GameId } from "../games/catalogue";
import { checkHandStart } from "../games/hand";
import { Blackjack } from "../games/blackjack";
import { decksOf } from "../games/blackjack-settle";
import { RandomStream } from "../random/stream";
import { fail, E_BAD_ARGUMENTS, E_INVALID_VALUE, E_INVALID_OPTIONS, E_SESSION_FINISHED } from "../errors";

const out = new Writer(1024);
const game = new Blackjack();
const report = new RoundReport();
const sideBets = new BetList();
/** Never read: a replay's cards come from the input. */
const noStream = new RandomStream(new Uint8Array(48), 0, 0);
const noBets = new BetList();
const counts = new StaticArray<i32>(52);

/** u16le code ‖ (code 0:) u8 bets ‖ bets × (u8 kind ‖ u8 target ‖ u64le stake ‖ u64le return ‖ u8 status) ‖ u8 draws ‖ u8 info ‖ info × u64le ‖ u8 finished. */
function writeMove(w: Writer, code: u16, sess: Session): void {
  w.u16le(code);
  if (code != 0) return;
  w.u8(<u8>report.betCount);
  for (let i = 0; i < report.betCount; i++) {
    w.u8(report.kinds[i]).u8(<u8>report.targets[i]).u64le(report.stakes[i]).u64le(report.returns[i]).u8(report.statuses[i]);
  }
  w.u8(<u8>report.drawCount).u8(<u8>report.infoCount);
  for (let i = 0; i < report.infoCount; i++) w.u64le(report.info[i]);
  w.bool(sess.finished);
}

/**
 * Input: u64le stake ‖ u8 k ‖ k × (u8 kind ‖ u64le amount) side bets ‖ u8 n ‖ n cards (0–51, in
 * draw order) ‖ one byte per action. Output: one record per move — the deal, then each action —
 * as writeMove, stopping after a refused move (its code: the executor's, e.g. WRONG_PHASE) or once
 * the hand is finished (a further action is SESSION_FINISHED). Fails INVALID_VALUE on a card past
 * 51, more copies of a card than the shoe holds, or too few cards for the actions.
 */
export function games_blackjack(len: u32, options: u32): i32 {
  const p = inputPtr();
  if (len < 10) return fail(E_BAD_ARGUMENTS);
  const stake = load<u64>(p);
  const k = <u32>load<u8>(p + 8);
  if (k > <u32>MAX_BETS || len < 10 + k * 9) return fail(E_BAD_ARGUMENTS);
  sideBets.clear();
  for (let i: u32 = 0; i < k; i++) sideBets.push(load<u8>(p + 9 + i * 9), 0, load<u64>(p + 10 + i * 9));
  const at: u32 = 9 + k * 9;
  const n = <u32>load<u8>(p + at);
  if (len < at + 1 + n) return fail(E_BAD_ARGUMENTS);
  const cards = new Uint8Array(<i32>n);
  memory.copy(cards.dataStart, p + at + 1, n);
  for (let c = 0; c < 52; c++) counts[c] = 0;
  const decks = game.isValidOptions(options) ? decksOf(options) : 8;
  for (let i = 0; i < <i32>n; i++) {
    if (cards[i] > 51 || ++counts[cards[i]] > decks) return fail(E_INVALID_VALUE);
  }
  game.forced = cards;
  game.forcedAt = 0;
  game.exhausted = false;
  const sess = new Session();
  sess.game = GameId.BLACKJACK;
  sess.options = options;
  sess.stake = stake;
  const w = out.reset();
  let code: u16 = game.isValidOptions(options) ? checkHandStart(game, GameId.BLACKJACK, stake, sideBets) : E_INVALID_OPTIONS;
  if (code == 0) game.open(sess, sideBets, noStream, report.reset(0));
  writeMove(w, code, sess);
  for (let i: u32 = at + 1 + n; i < len && code == 0; i++) {
    code = sess.finished ? E_SESSION_FINISHED : game.checkMove(sess, load<u8>(p + i), noBets);
    if (code == 0) {
      sess.moves++;
      game.play(sess, load<u8>(p + i), noStream, report.reset(sess.moves));
    }
    writeMove(w, code, sess);
  }
  game.forced = null;
  if (game.exhausted) return fail(E_INVALID_VALUE);
  return w.toOutput();
}
