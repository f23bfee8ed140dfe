// Craps bets and moves, so clients never hand-encode a kind or a target. A roll places a batch of
// up to 20 bets and throws the dice; bets not decided stay on the table (the session's data).
import type { GameMoveInstruction, GameStartInstruction } from "../codec.js";
import type { Bet } from "./bet.js";
import { GameId, TableAction } from "./catalogue.js";
import { CrapsBet } from "./craps-catalogue.js";

type PointNumber = 4 | 5 | 6 | 8 | 9 | 10;

const plain =
  (kind: number) =>
  (amount: bigint): Bet => ({ kind, target: 0, amount });
const on =
  (kind: number) =>
  (n: number, amount: bigint): Bet => ({ kind, target: n, amount });

export const craps = {
  /** Come-out rolls only. */
  pass: plain(CrapsBet.pass),
  dontPass: plain(CrapsBet.dontPass),
  /** Only while a point is on. */
  come: plain(CrapsBet.come),
  dontCome: plain(CrapsBet.dontCome),
  /** Behind the Pass line, up to 3x/4x/5x the line bet. */
  passOdds: plain(CrapsBet.passOdds),
  /** Behind Don't Pass, up to 6x the line bet (to win 3x/4x/5x). */
  dontPassOdds: plain(CrapsBet.dontPassOdds),
  /** Behind the Come bet(s) on `n`. */
  comeOdds: on(CrapsBet.comeOdds) as (n: PointNumber, amount: bigint) => Bet,
  dontComeOdds: on(CrapsBet.dontComeOdds) as (n: PointNumber, amount: bigint) => Bet,
  field: plain(CrapsBet.field),
  hard: on(CrapsBet.hard) as (n: 4 | 6 | 8 | 10, amount: bigint) => Bet,
  /** `n` (2–12 but 7) before a 7. */
  yes: on(CrapsBet.yes),
  /** A 7 before `n`. */
  no: on(CrapsBet.no),
  /** The next roll totals `total` (2–12). */
  next: on(CrapsBet.next),
  // Bonus bets: before the shooter's first point only.
  fire: plain(CrapsBet.fire),
  allSmall: plain(CrapsBet.allSmall),
  allTall: plain(CrapsBet.allTall),
  makeEmAll: plain(CrapsBet.makeEmAll),
  muggsy: plain(CrapsBet.muggsy),
  differentDoubles: plain(CrapsBet.differentDoubles),
  rideTheLine: plain(CrapsBet.rideTheLine),
  replay: plain(CrapsBet.replay),
  hotRoller: plain(CrapsBet.hotRoller),

  /** Sits at a table (no stake). */
  start: (sessionId: bigint): GameStartInstruction => ({ op: "gameStart", game: GameId.craps, sessionId }),
  /** Places the batch (may be empty while bets are on the table) and rolls. */
  roll: (sessionId: bigint, bets: Bet[]): GameMoveInstruction => ({ op: "gameMove", sessionId, action: TableAction.play, bets }),
  /** Leaves; refused with BETS_PENDING while a bet is on the table. */
  close: (sessionId: bigint): GameMoveInstruction => ({ op: "gameMove", sessionId, action: TableAction.close }),
};
