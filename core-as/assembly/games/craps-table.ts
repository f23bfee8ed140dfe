// A craps sitting's public state (sess.data): the point, whether the shooter has set a point yet,
// and every bet left on the table with its own target and progress. Only rolled dice shape it;
// nothing undrawn is ever stored.
//
// Bytes: u8 point (0 = come-out) ‖ u8 flags (bit 0: the shooter has had a point) ‖ varint k ‖
// k × (u8 kind ‖ varint target ‖ varint amount ‖ varint progress). A fresh table (no point, new
// shooter, nothing held) is stored as no bytes at all.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { isPointNumber } from "./craps-rules";

/** Bets a table holds at most: 40 records of at most 9 bytes stay far under the 512-byte session
 * data limit. A roll that could leave more is refused (TABLE_FULL). */
export const MAX_HELD: i32 = 40;

const SHOOTER_HAS_POINT: u8 = 1;

export class CrapsTable {
  /** The point (4, 5, 6, 8, 9, 10), or 0 before the come-out roll. */
  point: u32 = 0;
  /** Whether the current shooter has set a point; bonus bets close once they have, until the seven-out. */
  shooterHasPoint: bool = false;
  count: i32 = 0;
  kinds: StaticArray<u8> = new StaticArray<u8>(MAX_HELD);
  targets: StaticArray<u32> = new StaticArray<u32>(MAX_HELD);
  amounts: StaticArray<u64> = new StaticArray<u64>(MAX_HELD);
  progress: StaticArray<u32> = new StaticArray<u32>(MAX_HELD);

  clear(): CrapsTable {
    this.point = 0;
    this.shooterHasPoint = false;
    this.count = 0;
    return this;
  }

  @inline kind(i: i32): u8 {
    return unchecked(this.kinds[i]);
  }

  @inline target(i: i32): u32 {
    return unchecked(this.targets[i]);
  }

  @inline amount(i: i32): u64 {
    return unchecked(this.amounts[i]);
  }

  @inline progressOf(i: i32): u32 {
    return unchecked(this.progress[i]);
  }

  /** Appends a held bet (callers keep count ≤ MAX_HELD: see checkCrapsBatch). */
  push(kind: u8, target: u32, amount: u64, progress: u32): void {
    const i = this.count++;
    unchecked((this.kinds[i] = kind));
    unchecked((this.targets[i] = target));
    unchecked((this.amounts[i] = amount));
    unchecked((this.progress[i] = progress));
  }

  /** Sum of the held bets of `kind` on `target`. */
  total(kind: u8, target: u32): u64 {
    let sum: u64 = 0;
    for (let i = 0; i < this.count; i++) if (this.kind(i) == kind && this.target(i) == target) sum += this.amount(i);
    return sum;
  }

  isFresh(): bool {
    return this.point == 0 && !this.shooterHasPoint && this.count == 0;
  }
}

export function encodeCrapsTable(t: CrapsTable, w: Writer): void {
  if (t.isFresh()) return;
  w.u8(<u8>t.point).u8(t.shooterHasPoint ? SHOOTER_HAS_POINT : 0).varint(<u64>t.count);
  for (let i = 0; i < t.count; i++) {
    w.u8(t.kind(i)).varint(<u64>t.target(i)).varint(t.amount(i)).varint(<u64>t.progressOf(i));
  }
}

/** Reads `bytes` into `t`; false if they are not a table this module wrote. */
export function decodeCrapsTable(bytes: Uint8Array, t: CrapsTable): bool {
  t.clear();
  if (bytes.length == 0) return true;
  const r = Reader.of(bytes);
  const point = <u32>r.u8();
  const flags = r.u8();
  const k = r.varintMax(<u64>MAX_HELD);
  for (let i: u32 = 0; i < k && r.ok; i++) {
    const kind = r.u8();
    const target = r.varintMax(0xffff_ffff);
    const amount = r.varint();
    const progress = r.varintMax(0xffff_ffff);
    if (r.ok) t.push(kind, target, amount, progress);
  }
  if (!r.finish() || flags > SHOOTER_HAS_POINT || (point != 0 && !isPointNumber(point))) return false;
  t.point = point;
  t.shooterHasPoint = flags == SHOOTER_HAS_POINT;
  return true;
}
