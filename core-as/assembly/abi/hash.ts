import { sha256Raw } from "../crypto/sha256";
import { inputLen, inputPtr, reserveOutput, output } from "../io";

/** sha256 of the input. */
export function sha256_digest(len: u32): i32 {
  const out = reserveOutput(32);
  sha256Raw(inputPtr(), len, out);
  return 32;
}

/** Hashes `count` consecutive messages of `size` bytes each (benchmarks); returns the last digest. */
export function sha256_repeat(len: u32, size: u32, count: u32): i32 {
  if (size > inputLen()) return -900;
  const out = reserveOutput(32);
  for (let i: u32 = 0; i < count; i++) sha256Raw(inputPtr(), size, out);
  return output(out, 32);
}
