// One bet as GameStart (side bets) and GameMove (a batch) carry it (docs/formats.md).

export interface Bet {
  /** The game's bet kind (see each game's catalogue entry). */
  kind: number;
  /** What the bet is on: a pocket, a face, a total… 0 for bets without a target. */
  target: number;
  /** Chips, 1 up to the table maximum. */
  amount: bigint;
}

/** The ABI frame of the wasm builders: u8 kind ‖ u32le target ‖ u64le amount per bet. Not a wire
 * format: the wasm encodes the transaction itself. */
export function betEntries(bets: readonly Bet[]): Uint8Array {
  const out = new Uint8Array(bets.length * 13);
  const view = new DataView(out.buffer);
  bets.forEach((b, i) => {
    if (!Number.isInteger(b.kind) || b.kind < 0 || b.kind > 255) throw new RangeError(`bet kind ${b.kind} is not a byte`);
    if (!Number.isInteger(b.target) || b.target < 0 || b.target > 0xffff_ffff) throw new RangeError(`bet target ${b.target} is not a u32`);
    if (b.amount < 0n || b.amount >= 1n << 64n) throw new RangeError(`bet amount ${b.amount} is not a u64`);
    view.setUint8(i * 13, b.kind);
    view.setUint32(i * 13 + 1, b.target, true);
    view.setBigUint64(i * 13 + 5, b.amount, true);
  });
  return out;
}
