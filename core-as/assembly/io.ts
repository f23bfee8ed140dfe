// The host ABI: one input buffer and one output buffer in raw (non-GC) memory.
//
// The host asks for an input buffer of `len` bytes with `io_input`, writes its arguments there,
// and calls an exported function. Every exported API function returns an i32: a value >= 0 is
// the length of its result, now in the output buffer; a negative value is minus an error code
// from errors.ts. Raw memory keeps the host free of GC pinning: nothing it holds can move.

let inPtr: usize = 0;
let inCap: u32 = 0;
let inLen: u32 = 0;
let outPtr: usize = 0;
let outCap: u32 = 0;
let outLen: u32 = 0;

/** Host: reserve `len` bytes of input; returns where to write them. */
export function io_input(len: u32): usize {
  if (len > inCap) {
    const cap = max<u32>(len, inCap << 1);
    inPtr = inPtr == 0 ? heap.alloc(cap) : heap.realloc(inPtr, cap);
    inCap = cap;
  }
  inLen = len;
  return inPtr;
}

/** Host: where the last call's result starts. */
export function io_output(): usize {
  return outPtr;
}

export function inputPtr(): usize {
  return inPtr;
}

export function inputLen(): u32 {
  return inLen;
}

/** Copies `len` bytes at `src` into the output buffer and returns `len` (an ABI return value). */
export function output(src: usize, len: u32): i32 {
  reserveOutput(len);
  memory.copy(outPtr, src, len);
  outLen = len;
  return <i32>len;
}

/** Grows the output buffer to at least `len` bytes; returns its start. */
export function reserveOutput(len: u32): usize {
  if (len > outCap) {
    const cap = max<u32>(len, max<u32>(64, outCap << 1));
    outPtr = outPtr == 0 ? heap.alloc(cap) : heap.realloc(outPtr, cap);
    outCap = cap;
  }
  return outPtr;
}

export function outputBytes(bytes: Uint8Array): i32 {
  return output(bytes.dataStart, <u32>bytes.length);
}
