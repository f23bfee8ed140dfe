/** Whether `len` bytes at `p` are well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
export function isValidUtf8(p: usize, len: usize): bool {
  const end = p + len;
  while (p < end) {
    const b0 = <u32>load<u8>(p);
    if (b0 < 0x80) {
      p += 1;
      continue;
    }
    let n: usize = 0;
    let min: u32 = 0;
    let cp: u32 = 0;
    if ((b0 & 0xe0) == 0xc0) {
      n = 1; min = 0x80; cp = b0 & 0x1f;
    } else if ((b0 & 0xf0) == 0xe0) {
      n = 2; min = 0x800; cp = b0 & 0x0f;
    } else if ((b0 & 0xf8) == 0xf0) {
      n = 3; min = 0x10000; cp = b0 & 0x07;
    } else return false;
    if (end - p <= n) return false;
    for (let i: usize = 1; i <= n; i++) {
      const b = <u32>load<u8>(p + i);
      if ((b & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    p += n + 1;
  }
  return true;
}
