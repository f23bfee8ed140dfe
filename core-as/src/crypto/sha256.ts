// Synchronous sha256 for TypeScript verifiers: node:crypto where the runtime has it (reached
// through process.getBuiltinModule, so browser bundles never import it), @noble/hashes elsewhere.
import { sha256 as nobleSha256 } from "@noble/hashes/sha2.js";

type NodeCrypto = typeof import("node:crypto");

function findNodeCrypto(): NodeCrypto | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.("node:crypto") as NodeCrypto | undefined;
}

const nodeCrypto = findNodeCrypto();
const nodeHash =
  nodeCrypto && "hash" in nodeCrypto ? (nodeCrypto.hash as (alg: string, data: Uint8Array, enc: "buffer") => Buffer) : undefined;

/** sha256 of the concatenation of `parts`. */
export function sha256(...parts: Uint8Array[]): Uint8Array {
  if (nodeCrypto) {
    if (parts.length === 1 && nodeHash) return asUint8Array(nodeHash("sha256", parts[0] as Uint8Array, "buffer"));
    const h = nodeCrypto.createHash("sha256");
    for (const p of parts) h.update(p);
    return asUint8Array(h.digest());
  }
  if (parts.length === 1) return nobleSha256(parts[0] as Uint8Array);
  return nobleSha256(concatBytes(...parts));
}

/** A plain Uint8Array view of a Buffer's bytes (no copy), so callers never see Buffer semantics. */
function asUint8Array(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Which implementation `sha256` uses here (reported by benchmarks). */
export const sha256Backend: "node:crypto" | "noble" = nodeCrypto ? "node:crypto" : "noble";

const NODE_SCRATCH = new Uint8Array(65);

/** sha256(prefix ‖ a ‖ b) for 32-byte a and b: the node hash of every Merkle structure here. */
export function hashNode(prefix: number, a: Uint8Array, b: Uint8Array): Uint8Array {
  NODE_SCRATCH[0] = prefix;
  NODE_SCRATCH.set(a, 1);
  NODE_SCRATCH.set(b, 33);
  return sha256(NODE_SCRATCH);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number);
  return d === 0;
}

const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function toHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += HEX_BYTES[b[i] as number];
  return s;
}

/** Value of each ASCII hex digit, -1 for every other code unit below 128. */
const HEX_VALUE = (() => {
  const v = new Int8Array(128).fill(-1);
  for (let d = 0; d < 16; d++) {
    v[d.toString(16).charCodeAt(0)] = d;
    v[d.toString(16).toUpperCase().charCodeAt(0)] = d;
  }
  return v;
})();

function hexDigit(h: string, i: number): number {
  const c = h.charCodeAt(i);
  return c < 128 ? (HEX_VALUE[c] as number) : -1;
}

// Validators decode a signer key per admitted transaction: a table and char codes, not a regex
// and a parseInt per byte (that was 3% of a validator's time at 1,000 tx/s).
export function fromHex(h: string): Uint8Array {
  if (h.length % 2 !== 0) throw new TypeError("invalid hex");
  const out = new Uint8Array(h.length >>> 1);
  for (let i = 0; i < out.length; i++) {
    const hi = hexDigit(h, 2 * i);
    const lo = hexDigit(h, 2 * i + 1);
    if ((hi | lo) < 0) throw new TypeError("invalid hex");
    out[i] = (hi << 4) | lo;
  }
  return out;
}
