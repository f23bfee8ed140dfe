// A stretch of a live devnet's chain, kept to be served again (chain-replay.ts): the complete
// bundles (block, finalization certificate, σ, progress certificate) of heights 1..n, read from a
// validator's /stream, and their file form, `u32le length ‖ bundle` per height in order.
import { readFileSync, writeFileSync } from "node:fs";
import WebSocket from "ws";
import { decodeStreamFrame, StreamTag } from "../src/follow/stream-frame.js";

/**
 * Reads heights 1..`to` from the validator at `apiUrl` (its /stream from height 1), keeping each
 * height's COMPLETED bundle; resolves once all are there. `say` hears every 200th height.
 */
export function recordChain(o: { apiUrl: string; to: number; say: (line: string) => void; timeoutMs?: number }): Promise<Uint8Array[]> {
  const bundles: (Uint8Array | undefined)[] = new Array(o.to).fill(undefined);
  let complete = 0;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${o.apiUrl.replace(/^http/, "ws")}/stream?from=1`);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`recording: ${complete} of ${o.to} heights complete after ${o.timeoutMs ?? 600_000} ms`));
    }, o.timeoutMs ?? 600_000);
    ws.on("message", (data: Buffer) => {
      const f = decodeStreamFrame(new Uint8Array(data));
      const h = Number(f.height);
      if (f.tag !== StreamTag.COMPLETED || h > o.to || bundles[h - 1] !== undefined) return;
      bundles[h - 1] = f.bundle.slice();
      complete++;
      if (complete % 200 === 0) o.say(`recording the chain: ${complete} of ${o.to} heights`);
      if (complete === o.to) {
        clearTimeout(timer);
        ws.close();
        resolve(bundles as Uint8Array[]);
      }
    });
    ws.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

export function writeRecording(path: string, bundles: readonly Uint8Array[]): void {
  const size = bundles.reduce((a, b) => a + 4 + b.length, 0);
  const out = Buffer.alloc(size);
  let at = 0;
  for (const b of bundles) {
    out.writeUInt32LE(b.length, at);
    out.set(b, at + 4);
    at += 4 + b.length;
  }
  writeFileSync(path, out);
}

/** The bundles of a recording file, height 1 first; throws on a truncated file. */
export function readRecording(path: string): Uint8Array[] {
  const bytes = readFileSync(path);
  const bundles: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; ) {
    if (at + 4 > bytes.length) throw new Error(`recording ${path}: truncated length at byte ${at}`);
    const length = bytes.readUInt32LE(at);
    if (at + 4 + length > bytes.length) throw new Error(`recording ${path}: height ${bundles.length + 1} truncated`);
    bundles.push(new Uint8Array(bytes.buffer, bytes.byteOffset + at + 4, length));
    at += 4 + length;
  }
  return bundles;
}
