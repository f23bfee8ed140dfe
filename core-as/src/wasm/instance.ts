// Instantiates core.wasm from its bytes, the same way in Node, browsers and workers, and
// wraps the ABI of assembly/io.ts: write input, call, read output or a coded error.
import { CoreError, CoreTrap } from "../errors.js";

type Fn = (...args: (number | bigint)[]) => number;

export interface CoreExports {
  memory: WebAssembly.Memory;
  io_input(len: number): number;
  io_output(): number;
  [name: string]: unknown;
}

const modules = new WeakMap<object, Promise<WebAssembly.Module>>();

/** Compiles once per byte buffer; instances are cheap after that. */
export function compileCore(bytes: Uint8Array | ArrayBuffer): Promise<WebAssembly.Module> {
  const key = bytes as object;
  let m = modules.get(key);
  if (!m) {
    m = WebAssembly.compile(bytes as BufferSource);
    modules.set(key, m);
  }
  return m;
}

/** One instance of the state machine: its own memory, its own state. */
export class WasmInstance {
  readonly exports: CoreExports;
  private u8: Uint8Array;

  private constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as CoreExports;
    this.u8 = new Uint8Array(this.exports.memory.buffer);
  }

  static async create(module: WebAssembly.Module): Promise<WasmInstance> {
    let self: WasmInstance | undefined;
    const abort = (msg: number, file: number, line: number, col: number): never => {
      const text = self ? `${self.readString(msg)} at ${self.readString(file)}:${line}:${col}` : "abort";
      throw new CoreTrap(text);
    };
    const instance = await WebAssembly.instantiate(module, { env: { abort } });
    self = new WasmInstance(instance);
    return self;
  }

  /** The current view of memory (it is replaced whenever memory grows). */
  memory(): Uint8Array {
    if (this.u8.buffer !== this.exports.memory.buffer) this.u8 = new Uint8Array(this.exports.memory.buffer);
    return this.u8;
  }

  fn(name: string): Fn {
    const f = this.exports[name];
    if (typeof f !== "function") throw new CoreError(900, `core.wasm has no export ${name}`);
    return f as Fn;
  }

  /** Writes `input` to the input buffer, calls `name(input.length, ...extra)`, returns a copy of the result. */
  call(name: string, input: Uint8Array = EMPTY, ...extra: (number | bigint)[]): Uint8Array {
    const n = this.invoke(name, input, ...extra);
    const ptr = this.exports.io_output() >>> 0;
    return this.memory().slice(ptr, ptr + n);
  }

  /** Like `call`, but a result of −`absent` (e.g. NOT_FOUND) is `undefined` instead of an error:
   * lookups that miss often must not pay for building an Error and its stack. */
  callOrAbsent(absent: number, name: string, input: Uint8Array = EMPTY, ...extra: (number | bigint)[]): Uint8Array | undefined {
    const f = this.fn(name);
    const ptr = this.exports.io_input(input.length) >>> 0;
    this.memory().set(input, ptr);
    const n = f(input.length, ...extra);
    if (n === -absent) return undefined;
    if (n < 0) throw CoreError.fromCode(-n);
    const out = this.exports.io_output() >>> 0;
    return this.memory().slice(out, out + n);
  }

  /** Like `call`, but returns only the non-negative status/length. */
  invoke(name: string, input: Uint8Array = EMPTY, ...extra: (number | bigint)[]): number {
    const f = this.fn(name);
    const ptr = this.exports.io_input(input.length) >>> 0;
    this.memory().set(input, ptr);
    const r = f(input.length, ...extra);
    if (r < 0) throw CoreError.fromCode(-r);
    return r;
  }

  /** Reads an AssemblyScript string (UTF-16, byte length at ptr-4) for abort messages. */
  private readString(ptr: number): string {
    if (!ptr) return "";
    const mem = this.memory();
    const len = new DataView(mem.buffer).getUint32(ptr - 4, true);
    return new TextDecoder("utf-16le").decode(mem.subarray(ptr, ptr + len));
  }
}

const EMPTY = new Uint8Array(0);
