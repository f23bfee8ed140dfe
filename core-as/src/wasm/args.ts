// Checks for wasm call arguments: wasm parameters wrap silently (a u32 of 2^32 + 4 arrives as 4),
// so a value out of its field's range must fail on the host with BAD_ARGUMENTS instead.
import { CoreError } from "../errors.js";

export function checkUint(name: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new CoreError(900, `${name} must be an integer in 0..${max}`);
}

export function checkU64(name: string, v: bigint): void {
  if (v < 0n || v >= 1n << 64n) throw new CoreError(900, `${name} must be a u64`);
}
