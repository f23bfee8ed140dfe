// What one move revealed and settled, collected while it runs and written as a gameRound event
// (docs/formats.md): every draw with its move and index, every bet with stake, return and status.
import { Writer } from "../codec/writer";
import { MAX_ROUND_DRAWS, MAX_ROUND_BETS, MAX_ROUND_INFO } from "../codec/game-event";

export class RoundReport {
  drawCount: i32 = 0;
  drawMoves: StaticArray<u32> = new StaticArray<u32>(MAX_ROUND_DRAWS);
  drawIndices: StaticArray<u32> = new StaticArray<u32>(MAX_ROUND_DRAWS);
  drawValues: StaticArray<u8> = new StaticArray<u8>(MAX_ROUND_DRAWS);
  betCount: i32 = 0;
  kinds: StaticArray<u8> = new StaticArray<u8>(MAX_ROUND_BETS);
  targets: StaticArray<u32> = new StaticArray<u32>(MAX_ROUND_BETS);
  stakes: StaticArray<u64> = new StaticArray<u64>(MAX_ROUND_BETS);
  returns: StaticArray<u64> = new StaticArray<u64>(MAX_ROUND_BETS);
  statuses: StaticArray<u8> = new StaticArray<u8>(MAX_ROUND_BETS);
  infoCount: i32 = 0;
  info: StaticArray<u64> = new StaticArray<u64>(MAX_ROUND_INFO);
  staked: u64 = 0;
  returned: u64 = 0;
  /** The draw index the next draw of this move gets. */
  private nextIndex: u32 = 0;
  private move: u32 = 0;

  reset(move: u32): RoundReport {
    this.drawCount = 0;
    this.betCount = 0;
    this.infoCount = 0;
    this.staked = 0;
    this.returned = 0;
    this.nextIndex = 0;
    this.move = move;
    return this;
  }

  /** Records a value drawn at this move (a card 0–51, a die 1–6, a pocket 0–37). */
  draw(value: u8): void {
    const i = this.drawCount++;
    unchecked((this.drawMoves[i] = this.move));
    unchecked((this.drawIndices[i] = this.nextIndex++));
    unchecked((this.drawValues[i] = value));
  }

  bet(kind: u8, target: u32, stake: u64, ret: u64, status: u8): void {
    const i = this.betCount++;
    unchecked((this.kinds[i] = kind));
    unchecked((this.targets[i] = target));
    unchecked((this.stakes[i] = stake));
    unchecked((this.returns[i] = ret));
    unchecked((this.statuses[i] = status));
    this.returned += ret;
  }

  addInfo(v: u64): void {
    unchecked((this.info[this.infoCount++] = v));
  }

  /** sessionId ‖ game ‖ move ‖ phase ‖ draws ‖ bets ‖ info ‖ staked ‖ returned ‖ chips ‖ finished. */
  encode(w: Writer, sessionId: u64, game: u8, phase: u8, chips: u64, finished: bool): void {
    w.varint(sessionId).u8(game).varint(<u64>this.move).u8(phase);
    w.varint(<u64>this.drawCount);
    for (let i = 0; i < this.drawCount; i++) {
      w.varint(<u64>unchecked(this.drawMoves[i])).varint(<u64>unchecked(this.drawIndices[i])).u8(unchecked(this.drawValues[i]));
    }
    w.varint(<u64>this.betCount);
    for (let i = 0; i < this.betCount; i++) {
      w.u8(unchecked(this.kinds[i])).varint(<u64>unchecked(this.targets[i]));
      w.varint(unchecked(this.stakes[i])).varint(unchecked(this.returns[i])).u8(unchecked(this.statuses[i]));
    }
    w.varint(<u64>this.infoCount);
    for (let i = 0; i < this.infoCount; i++) w.varint(unchecked(this.info[i]));
    w.varint(this.staked).varint(this.returned).varint(chips).bool(finished);
  }
}

/** The last round emitted in this transaction: tournament play reads what it settled (Shield, Double). */
let lastReport: RoundReport | null = null;

export function noteRound(r: RoundReport): void {
  lastReport = r;
}

/** Returns and forgets the last round emitted (null if none). */
export function takeLastRound(): RoundReport | null {
  const r = lastReport;
  lastReport = null;
  return r;
}
