// A list of bets as it travels in GameStart and GameMove: `varint k` (≤ MAX_BETS) ‖ k × (u8 kind ‖
// varint target ‖ varint amount). Fixed-capacity arrays, so decoding a transaction allocates nothing.
import { Reader } from "./reader";
import { Writer } from "./writer";
import { Json } from "./json";
import { MAX_BETS } from "./limits";
import { E_TOO_MANY_ITEMS } from "../errors";

export class BetList {
  count: i32 = 0;
  kinds: StaticArray<u8> = new StaticArray<u8>(MAX_BETS);
  targets: StaticArray<u32> = new StaticArray<u32>(MAX_BETS);
  amounts: StaticArray<u64> = new StaticArray<u64>(MAX_BETS);

  @inline kind(i: i32): u8 {
    return unchecked(this.kinds[i]);
  }

  @inline target(i: i32): u32 {
    return unchecked(this.targets[i]);
  }

  @inline amount(i: i32): u64 {
    return unchecked(this.amounts[i]);
  }

  clear(): void {
    this.count = 0;
  }

  /** Appends a bet; false when the list is full. */
  push(kind: u8, target: u32, amount: u64): bool {
    if (this.count >= MAX_BETS) return false;
    const i = this.count++;
    unchecked((this.kinds[i] = kind));
    unchecked((this.targets[i] = target));
    unchecked((this.amounts[i] = amount));
    return true;
  }
}

/** Decodes into `list`; failures are recorded on the reader. */
export function decodeBets(r: Reader, list: BetList): void {
  list.clear();
  const k = r.varintMax(<u64>MAX_BETS, E_TOO_MANY_ITEMS);
  for (let i: u32 = 0; i < k && r.ok; i++) {
    const kind = r.u8();
    const target = r.varintMax(0xffff_ffff);
    const amount = r.varint();
    if (r.ok) list.push(kind, target, amount);
  }
}

export function encodeBets(list: BetList, w: Writer): void {
  w.varint(<u64>list.count);
  for (let i = 0; i < list.count; i++) w.u8(list.kind(i)).varint(<u64>list.target(i)).varint(list.amount(i));
}

export function betsToJson(list: BetList, j: Json): void {
  j.arr("bets");
  for (let i = 0; i < list.count; i++) {
    j.itemObj().num("kind", list.kind(i)).num("target", list.target(i)).big("amount", list.amount(i)).end();
  }
  j.endArray();
}
