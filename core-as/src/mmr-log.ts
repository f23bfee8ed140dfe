// A log commitment that can prove: the wasm's full-form MMR (docs/mmr.md) behind a typed API,
// for hosts that serve proofs of the transaction or event log (relays, validators' archives).
import { concatBytes } from "./crypto/sha256.js";
import { encodeMmrIndices } from "./proof/mmr.js";
import { compileCore, WasmInstance } from "./wasm/instance.js";

export class MmrLog {
  private handle: number;

  private constructor(private readonly wasm: WasmInstance) {
    this.handle = wasm.invoke("mmr_new");
  }

  /** A log in its own wasm instance (so its memory is not shared with a state machine's). */
  static async create(wasmBytes: Uint8Array | ArrayBuffer): Promise<MmrLog> {
    return new MmrLog(await WasmInstance.create(await compileCore(wasmBytes)));
  }

  /** Appends item digests (each 32 bytes: sha256 of a transaction or event); returns the new leaf count. */
  append(digests: Uint8Array[]): bigint {
    for (const d of digests) if (d.length !== 32) throw new TypeError("MMR items are 32-byte digests");
    const out = this.wasm.call("mmr_append", concatBytes(...digests), this.live());
    return new DataView(out.buffer, out.byteOffset, 8).getBigUint64(0, true);
  }

  get leafCount(): bigint {
    const out = this.wasm.call("mmr_leaf_count", undefined, this.live());
    return new DataView(out.buffer, out.byteOffset, 8).getBigUint64(0, true);
  }

  root(): Uint8Array {
    return this.wasm.call("mmr_root", undefined, this.live());
  }

  /** A multi-proof for sorted, distinct leaf indices (verify with verifyMmrMulti). */
  prove(indices: readonly (number | bigint)[]): Uint8Array {
    return this.wasm.call("mmr_prove", encodeMmrIndices(indices), this.live());
  }

  /** A proof for the leaves [start, end) (verify with verifyMmrRange). */
  proveRange(start: number, end: number): Uint8Array {
    return this.wasm.call("mmr_prove_range", undefined, this.live(), start, end);
  }

  /** Releases the log's memory in the wasm; the object is unusable afterwards. */
  free(): void {
    if (this.handle) this.wasm.invoke("mmr_free", undefined, this.handle);
    this.handle = 0;
  }

  private live(): number {
    if (!this.handle) throw new Error("MmrLog used after free()");
    return this.handle;
  }
}
