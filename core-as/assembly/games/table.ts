// One round of a table game (games.md, "Common session model"): a batch of up to 20 bets placed
// and resolved atomically against one outcome. Everything is checked before anything is written,
// so a refused round changes nothing but the nonce.
import { Account } from "../state/account";
import { State } from "../exec/state";
import { EventSink, TxContext } from "../exec/events";
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { BetList, decodeBets, encodeBets } from "../codec/bets";
import { BetStatus } from "../codec/game-event";
import { RandomStream } from "../random/stream";
import { Session } from "./session";
import { TableGame } from "./table-game";
import { RoundReport } from "./round";
import { closeSitting, emitRound } from "./sitting";
import { MIN_BET, maxBet } from "./catalogue";
import { canCover, takeStake, payReturn, addSaturating } from "./ledger";
import {
  E_NO_RANDOMNESS, E_BET_BELOW_MINIMUM, E_BET_OVER_LIMIT, E_NO_BETS, E_INSUFFICIENT_CHIPS, E_SUPPLY_EXHAUSTED,
  E_BETS_PENDING, E_INVALID_VALUE,
} from "../errors";

const report = new RoundReport();
const stream = new RandomStream(new Uint8Array(48), 0, 0);
const held = new BetList();
const nextHeld = new BetList();
const dataWriter = new Writer(64);

/** Reads the bets a session holds over from an earlier round (En Prison); false if corrupt. */
function loadHeld(sess: Session): bool {
  held.clear();
  if (sess.data.length == 0) return true;
  const r = Reader.of(sess.data);
  decodeBets(r, held);
  return r.finish();
}

/** Checks a batch against the game's bets and the table limits: 0 or an error code. */
export function checkBatch(game: TableGame, gameId: u8, options: u32, bets: BetList): u16 {
  const limit = maxBet(gameId);
  for (let i = 0; i < bets.count; i++) {
    const code = game.checkBet(bets.kind(i), bets.target(i), options);
    if (code != 0) return code;
    const amount = bets.amount(i);
    if (amount < MIN_BET) return E_BET_BELOW_MINIMUM;
    if (amount > limit) return E_BET_OVER_LIMIT;
  }
  return 0;
}

export function playTableRound(
  s: State, ctx: TxContext, ev: EventSink, a: Account, sess: Session, game: TableGame, bets: BetList, sessionId: u64,
): u16 {
  if (ctx.sigma.length == 0) return E_NO_RANDOMNESS;
  if (!loadHeld(sess)) return E_INVALID_VALUE;
  const code = checkBatch(game, sess.game, sess.options, bets);
  if (code != 0) return code;
  if (bets.count == 0 && held.count == 0) return E_NO_BETS;
  // Amounts are ≤ 10,000 and there are ≤ 20 of each list: these sums cannot overflow.
  let staked: u64 = 0;
  let maxReturn: u64 = 0;
  for (let i = 0; i < bets.count; i++) {
    staked += bets.amount(i);
    maxReturn = addSaturating(maxReturn, game.maxReturn(bets.kind(i), bets.target(i), bets.amount(i), sess.options));
  }
  for (let i = 0; i < held.count; i++) maxReturn += held.amount(i);
  if (staked > a.chips) return E_INSUFFICIENT_CHIPS;
  if (!canCover(s, staked, maxReturn)) return E_SUPPLY_EXHAUSTED;

  // From here on the round happens.
  takeStake(s, a, staked);
  sess.moves++;
  const r = report.reset(sess.moves);
  r.staked = staked;
  game.deal(stream.reset(ctx.sigma, sess.serial, sess.moves), r, sess.options);
  for (let i = 0; i < held.count; i++) {
    const ret = game.settle(held.kind(i), held.target(i), held.amount(i), sess.options, true);
    r.bet(held.kind(i), held.target(i), held.amount(i), ret, BetStatus.RELEASED);
  }
  nextHeld.clear();
  for (let i = 0; i < bets.count; i++) {
    const ret = game.settle(bets.kind(i), bets.target(i), bets.amount(i), sess.options, false);
    r.bet(bets.kind(i), bets.target(i), bets.amount(i), ret, game.status);
    if (game.status == BetStatus.HELD) nextHeld.push(bets.kind(i), bets.target(i), bets.amount(i));
  }
  game.describe(r);
  payReturn(s, a, r.returned);
  if (nextHeld.count == 0) sess.data = new Uint8Array(0);
  else {
    encodeBets(nextHeld, dataWriter.reset());
    sess.data = dataWriter.toBytes();
  }
  emitRound(ctx, ev, report, sessionId, sess, a, false);
  return 0;
}

/** Leaves the table. Refused while a bet is held for a later spin. */
export function closeTable(ctx: TxContext, ev: EventSink, a: Account, sess: Session, sessionId: u64): u16 {
  if (!loadHeld(sess)) return E_INVALID_VALUE;
  if (held.count != 0) return E_BETS_PENDING;
  closeSitting(ctx, ev, report, a, sess, sessionId);
  return 0;
}
