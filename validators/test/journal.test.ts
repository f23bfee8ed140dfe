// Journal: framing, recovery after crashes (property-tested on SimStorage, including crashes in the
// middle of the journal's own operations), torn tails, corruption, limits, and a subset on real files.

import { mkdtempSync, rmSync } from "node:fs";
import { readdir, readFile, stat, truncate as truncateFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { crc32c, decodeRecord, encodeRecord, parseSegmentName, RECORD_OVERHEAD, segmentName } from "../src/journal/format.js";
import { Journal, JournalError, type JournalOptions, type JournalRecord } from "../src/journal/journal.js";
import { FsStorage } from "../src/runtime/fs-storage.js";
import { SimStorage } from "../src/runtime/sim-storage.js";
import type { Storage } from "../src/runtime/storage.js";
import { StorageError } from "../src/runtime/storage.js";
import { DyingStorage, seeded } from "./support/storage-faults.js";

// ---- helpers ----

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const text = (s: string) => new TextEncoder().encode(s);

/** A payload that names itself: u32le sequence number, then a pattern, so reorders show. */
function payload(seq: number, size: number): Uint8Array {
  const out = new Uint8Array(Math.max(4, size));
  new DataView(out.buffer).setUint32(0, seq, true);
  for (let i = 4; i < out.length; i++) out[i] = (seq * 31 + i) & 0xff;
  return out;
}

async function readAll(journal: Journal, fromSegment?: number): Promise<JournalRecord[]> {
  const out: JournalRecord[] = [];
  for await (const r of journal.records(fromSegment)) out.push(r);
  return out;
}

async function payloads(journal: Journal): Promise<string[]> {
  return (await readAll(journal)).map((r) => hex(r.payload));
}

async function expectJournalCode(p: Promise<unknown>, code: string): Promise<JournalError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(JournalError);
  expect((caught as JournalError).code).toBe(code);
  return caught as JournalError;
}

/** Replaces a blob's whole content (tests only: storage is append-only). */
async function rewrite(storage: Storage, name: string, edit: (b: Uint8Array) => Uint8Array): Promise<void> {
  const blob = await storage.open(name, { create: false });
  const content = await blob.read(0, await blob.size());
  await blob.truncate(0);
  await blob.append(edit(content));
  await blob.sync();
  await blob.close();
}

/** Records of one segment blob, decoded independently of the journal (checks nothing spans). */
function decodeSegment(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    const r = decodeRecord(bytes, at);
    if (r.kind === "end") return out;
    if (r.kind === "bad") throw new Error(`bad record at ${at}: ${r.reason}`);
    out.push(r.payload.slice());
    at += r.size;
  }
}

/** Bitwise CRC32C straight from the definition, to check the table-driven one. */
function crc32cBitwise(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

// ---- format ----

describe("format", () => {
  it("CRC32C matches the published check value and RFC 3720 B.4 vectors", () => {
    expect(crc32c(text("123456789"))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    // Why the checksum covers the length field: four zero bytes do not checksum to zero.
    expect(crc32c(new Uint8Array(4))).toBe(0x48674bc7);
  });

  it("CRC32C (slicing-by-8) equals the bitwise definition and composes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        expect(crc32c(a)).toBe(crc32cBitwise(a));
        const ab = new Uint8Array(a.length + b.length);
        ab.set(a);
        ab.set(b, a.length);
        expect(crc32c(b, crc32c(a))).toBe(crc32c(ab));
      }),
      { numRuns: 300 },
    );
  });

  it("frames a record as len u32le ‖ payload ‖ CRC32C(len ‖ payload) u32le (golden bytes)", () => {
    expect(hex(encodeRecord(text("abc")))).toBe("03000000" + "616263" + "f8831455");
    expect(hex(encodeRecord(new Uint8Array(0)))).toBe("00000000" + "c74b6748");
    expect(RECORD_OVERHEAD).toBe(8);
  });

  it("decodes records and names every way one can be bad", () => {
    const rec = encodeRecord(text("hello"));
    expect(decodeRecord(rec, 0)).toMatchObject({ kind: "record", size: 13 });
    expect(decodeRecord(rec, rec.length)).toEqual({ kind: "end" });
    expect(decodeRecord(rec.subarray(0, 3), 0)).toEqual({ kind: "bad", reason: "torn-header" });
    expect(decodeRecord(rec.subarray(0, 12), 0)).toEqual({ kind: "bad", reason: "torn-record" });
    const flipped = rec.slice();
    flipped[6]! ^= 1;
    expect(decodeRecord(flipped, 0)).toEqual({ kind: "bad", reason: "checksum" });
    expect(decodeRecord(new Uint8Array(16), 0)).toEqual({ kind: "bad", reason: "checksum" }); // zeros
  });

  it("names segments name.NNNNNNNNNN and parses only canonical names", () => {
    expect(segmentName("votes", 0)).toBe("votes.0000000000");
    expect(segmentName("votes", 12345678901)).toBe("votes.12345678901");
    expect(parseSegmentName("votes", "votes.0000000042")).toBe(42);
    expect(parseSegmentName("votes", "votes.12345678901")).toBe(12345678901);
    for (const n of ["votes.42", "votes.00000000042", "votes.000000004x", "votes2.0000000001", "votes.0000000001.tmp"]) {
      expect(parseSegmentName("votes", n)).toBeUndefined();
    }
  });
});

// ---- journal on SimStorage ----

const SMALL: JournalOptions = { name: "votes", maxSegmentBytes: 64 };

describe("Journal basics", () => {
  it("creates segment 0 on first open and round-trips records across a reopen", async () => {
    const sim = new SimStorage();
    const j = await Journal.open(sim, { name: "votes" });
    expect(j.recovery).toEqual({ segments: 1, records: 0 });
    expect(await sim.list()).toEqual(["votes.0000000000"]);
    expect(await j.append(text("a"))).toEqual({ segment: 0, offset: 0 });
    expect(await j.append(new Uint8Array(0))).toEqual({ segment: 0, offset: 9 });
    expect(await j.appendAndSync(text("ccc"))).toEqual({ segment: 0, offset: 17 });
    await j.close();
    const again = await Journal.open(sim, { name: "votes" });
    expect(again.recovery).toEqual({ segments: 1, records: 3 });
    expect(await readAll(again)).toEqual([
      { segment: 0, offset: 0, payload: text("a") },
      { segment: 0, offset: 9, payload: new Uint8Array(0) },
      { segment: 0, offset: 17, payload: text("ccc") },
    ]);
    await again.close();
  });

  it("records() includes buffered, unsynced records", async () => {
    const sim = new SimStorage();
    const j = await Journal.open(sim, { name: "votes" });
    await j.append(text("x"));
    await j.append(text("y"));
    expect(sim.stats.syncs).toBe(0);
    expect(await payloads(j)).toEqual([hex(text("x")), hex(text("y"))]);
    await j.close();
  });

  it("rolls segments over at maxSegmentBytes; records never span segments", async () => {
    const sim = new SimStorage();
    const j = await Journal.open(sim, SMALL); // 64-byte segments: two 20-byte payloads (28 framed) each
    const positions = [];
    for (let i = 0; i < 7; i++) positions.push(await j.append(payload(i, 20)));
    await j.sync();
    expect(positions).toEqual([
      { segment: 0, offset: 0 },
      { segment: 0, offset: 28 },
      { segment: 1, offset: 0 },
      { segment: 1, offset: 28 },
      { segment: 2, offset: 0 },
      { segment: 2, offset: 28 },
      { segment: 3, offset: 0 },
    ]);
    expect(j.lastSegment).toBe(3);
    const names = await sim.list("votes.");
    expect(names).toHaveLength(4);
    const fromBlobs = names.flatMap((n) => {
      const bytes = sim.contents(n)!;
      expect(bytes.length).toBeLessThanOrEqual(64);
      return decodeSegment(bytes).map(hex);
    });
    expect(fromBlobs).toEqual(Array.from({ length: 7 }, (_, i) => hex(payload(i, 20))));
    expect((await readAll(j, 2)).map((r) => r.segment)).toEqual([2, 2, 3]);
    await j.close();
  });

  it("a record of exactly maxRecordBytes fills a segment by itself", async () => {
    const sim = new SimStorage();
    const j = await Journal.open(sim, SMALL);
    expect(j.maxRecordBytes).toBe(56);
    expect(await j.append(payload(1, 56))).toEqual({ segment: 0, offset: 0 });
    expect(await j.append(payload(2, 0))).toEqual({ segment: 1, offset: 0 });
    expect(await j.append(payload(3, 56))).toEqual({ segment: 2, offset: 0 });
    await j.close();
    const again = await Journal.open(sim, SMALL);
    expect((await readAll(again)).length).toBe(3);
    await again.close();
  });

  it("refuses an oversized record with a typed error and writes nothing", async () => {
    const sim = new SimStorage();
    const j = await Journal.open(sim, { name: "votes", maxSegmentBytes: 1024, maxRecordBytes: 100 });
    await j.appendAndSync(payload(1, 100));
    const before = { bytes: sim.stats.bytesAppended, content: hex(sim.contents("votes.0000000000")!) };
    const err = await expectJournalCode(j.append(new Uint8Array(101)), "JOURNAL_RECORD_TOO_LARGE");
    expect(err.name).toBe("JournalError");
    await expectJournalCode(j.appendAndSync(new Uint8Array(5000)), "JOURNAL_RECORD_TOO_LARGE");
    await j.sync();
    expect(sim.stats.bytesAppended).toBe(before.bytes);
    expect(hex(sim.contents("votes.0000000000")!)).toBe(before.content);
    // The journal is still fine.
    await j.appendAndSync(payload(2, 10));
    expect((await readAll(j)).length).toBe(2);
    await j.close();
  });

  it("reads back intact records larger than a later, smaller maxRecordBytes", async () => {
    const sim = new SimStorage();
    const j = await Journal.open(sim, { name: "votes", maxRecordBytes: 100 });
    await j.appendAndSync(payload(1, 100));
    await j.close();
    const small = await Journal.open(sim, { name: "votes", maxRecordBytes: 10 });
    expect(small.recovery.truncated).toBeUndefined();
    expect(seqs(await readAll(small))).toEqual([1]);
    await expectJournalCode(small.append(new Uint8Array(11)), "JOURNAL_RECORD_TOO_LARGE");
  });

  it("validates its options", async () => {
    const sim = new SimStorage();
    for (const bad of [
      { name: "" },
      { name: "has.dot" },
      { name: "../x" },
      { name: "ok", maxSegmentBytes: 8 },
      { name: "ok", maxSegmentBytes: 2 ** 31 },
      { name: "ok", maxSegmentBytes: 100, maxRecordBytes: 93 },
      { name: "ok", maxRecordBytes: -1 },
      { name: "ok", writeBufferBytes: 1.5 },
    ]) {
      await expectJournalCode(Journal.open(sim, bad), "JOURNAL_BAD_OPTIONS");
    }
    expect(await sim.list()).toEqual([]);
  });

  it("keeps journals apart even when one name is a prefix of another", async () => {
    const sim = new SimStorage();
    const a = await Journal.open(sim, { name: "votes" });
    const b = await Journal.open(sim, { name: "votes2" });
    await a.appendAndSync(text("a"));
    await b.appendAndSync(text("b"));
    await a.close();
    await b.close();
    expect(await payloads(await Journal.open(sim, { name: "votes" }))).toEqual([hex(text("a"))]);
  });

  it("concurrent appendAndSync calls keep call order and share fsyncs (group commit)", async () => {
    const sim = new SimStorage();
    const j = await Journal.open(sim, { name: "votes" });
    const syncsBefore = sim.stats.syncs;
    const positions = await Promise.all(Array.from({ length: 20 }, (_, i) => j.appendAndSync(payload(i, 10))));
    expect(positions.map((p) => p.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i * 18));
    expect(sim.stats.syncs - syncsBefore).toBe(1);
    sim.crash();
    const again = await Journal.open(sim, { name: "votes" });
    expect((await readAll(again)).map((r) => new DataView(r.payload.buffer).getUint32(0, true))).toEqual([...Array(20).keys()]);
  });

  it("a sync() called while another fsync is in flight waits for its own fsync", async () => {
    const sim = new SimStorage();
    let release = () => {};
    let entered = () => {};
    const isInside = new Promise<void>((r) => {
      entered = r;
    });
    let isGated = false;
    const slow = wrapStorage(sim, {
      sync: () => {
        if (!isGated) return;
        entered();
        return new Promise<void>((r) => {
          release = r;
        });
      },
    });
    const j = await Journal.open(slow, { name: "votes" });
    isGated = true;
    const first = j.appendAndSync(text("first"));
    await isInside; // the first fsync is running; "second" is not part of it
    isGated = false;
    const second = j.appendAndSync(text("second"));
    release();
    await Promise.all([first, second]);
    sim.crash();
    expect(await payloads(await Journal.open(sim, { name: "votes" }))).toEqual([hex(text("first")), hex(text("second"))]);
  });

  it("close() syncs; a closed journal refuses work", async () => {
    const sim = new SimStorage();
    const j = await Journal.open(sim, { name: "votes" });
    await j.append(text("kept"));
    await j.close();
    await j.close();
    await expectJournalCode(j.append(text("x")), "JOURNAL_CLOSED");
    await expectJournalCode(j.sync(), "JOURNAL_CLOSED");
    sim.crash(); // no rng: only synced bytes survive
    expect(await payloads(await Journal.open(sim, { name: "votes" }))).toEqual([hex(text("kept"))]);
  });

  it("prunes whole segments from the front, never the one being written", async () => {
    const sim = new SimStorage();
    const j = await Journal.open(sim, SMALL);
    for (let i = 0; i < 8; i++) await j.append(payload(i, 20)); // segments 0..3, two records each
    await j.sync();
    expect(await j.prune(2)).toBe(2);
    expect(j.firstSegment).toBe(2);
    expect(await sim.list("votes.")).toEqual(["votes.0000000002", "votes.0000000003"]);
    expect((await readAll(j)).map((r) => new DataView(r.payload.buffer).getUint32(0, true))).toEqual([4, 5, 6, 7]);
    expect(await j.prune(1_000)).toBe(1); // clamped: segment 3 is the tail
    expect(await j.prune(0)).toBe(0);
    await j.appendAndSync(payload(8, 20));
    sim.crash();
    const again = await Journal.open(sim, SMALL);
    expect(again.firstSegment).toBe(3);
    expect((await readAll(again)).map((r) => new DataView(r.payload.buffer).getUint32(0, true))).toEqual([6, 7, 8]);
  });

  it("pruning a segment an iterator holds fails with STORAGE_BUSY and leaves the journal usable", async () => {
    const sim = new SimStorage();
    const j = await Journal.open(sim, SMALL);
    for (let i = 0; i < 6; i++) await j.append(payload(i, 20));
    await j.sync();
    const it = j.records();
    await it.next(); // holds segment 0 open
    await expect(j.prune(2)).rejects.toSatisfy((e: unknown) => e instanceof StorageError && e.code === "STORAGE_BUSY");
    await it.return(undefined);
    expect(await j.prune(2)).toBe(2);
    await j.appendAndSync(payload(9, 1));
  });

  it("a storage failure fails the journal for good (JOURNAL_FAILED), and a reopen recovers", async () => {
    const sim = new SimStorage();
    let failSync = false;
    const flaky = wrapStorage(sim, {
      sync: () => {
        if (failSync) throw new StorageError("STORAGE_IO", "fdatasync: EIO");
      },
    });
    const j = await Journal.open(flaky, { name: "votes" });
    await j.appendAndSync(text("one"));
    failSync = true;
    const err = await expectJournalCode(j.appendAndSync(text("two")), "JOURNAL_FAILED");
    expect(err.cause).toBeInstanceOf(StorageError);
    failSync = false;
    // No retrying a failed fsync: its pages may be gone while the retry reports success.
    await expectJournalCode(j.sync(), "JOURNAL_FAILED");
    await expectJournalCode(j.append(text("three")), "JOURNAL_FAILED");
    await j.close().catch(() => {});
    sim.crash();
    const again = await Journal.open(sim, { name: "votes" });
    expect(await payloads(again)).toEqual([hex(text("one"))]);
  });
});

// ---- torn tails and corruption ----

/** Three synced records in segment 1 (the last), two in segment 0. Returns the last record's offset. */
async function threeRecordTail(storage: Storage): Promise<{ lastOffset: number; lastSize: number }> {
  const j = await Journal.open(storage, { name: "votes", maxSegmentBytes: 100 });
  for (let i = 0; i < 2; i++) await j.append(payload(i, 40)); // 48 framed: two fill segment 0
  await j.append(payload(2, 10));
  await j.append(payload(3, 10));
  const last = await j.append(payload(4, 20));
  await j.close();
  expect(last.segment).toBe(1);
  return { lastOffset: last.offset, lastSize: RECORD_OVERHEAD + 20 };
}

const LAST = "votes.0000000001";
const seqs = (records: JournalRecord[]) => records.map((r) => new DataView(r.payload.buffer, r.payload.byteOffset).getUint32(0, true));

async function expectRecoveredTo(storage: Storage, cutAt: number, reason?: string): Promise<void> {
  const j = await Journal.open(storage, { name: "votes", maxSegmentBytes: 100 });
  expect(seqs(await readAll(j))).toEqual([0, 1, 2, 3]);
  expect(j.recovery.records).toBe(4);
  expect(j.recovery.truncated?.offset).toBe(cutAt);
  if (reason) expect(j.recovery.truncated?.reason).toBe(reason);
  // Appends after recovery land right after the last intact record and read back.
  expect(await j.appendAndSync(payload(5, 3))).toEqual({ segment: 1, offset: cutAt });
  await j.close();
  const again = await Journal.open(storage, { name: "votes", maxSegmentBytes: 100 });
  expect(again.recovery.truncated).toBeUndefined();
  expect(seqs(await readAll(again))).toEqual([0, 1, 2, 3, 5]);
  await again.close();
}

describe("torn tail of the last segment", () => {
  it("cut anywhere inside the last record: truncated to the last intact record", async () => {
    const { lastOffset, lastSize } = await threeRecordTail(new SimStorage());
    for (let keep = 1; keep < lastSize; keep++) {
      const sim = new SimStorage();
      await threeRecordTail(sim);
      await rewrite(sim, LAST, (b) => b.subarray(0, lastOffset + keep));
      await expectRecoveredTo(sim, lastOffset, keep < 4 ? "torn-header" : "torn-record");
    }
  });

  it("a cut exactly at a record boundary needs no truncation", async () => {
    const sim = new SimStorage();
    const { lastOffset } = await threeRecordTail(sim);
    await rewrite(sim, LAST, (b) => b.subarray(0, lastOffset));
    const j = await Journal.open(sim, { name: "votes", maxSegmentBytes: 100 });
    expect(j.recovery.truncated).toBeUndefined();
    expect(seqs(await readAll(j))).toEqual([0, 1, 2, 3]);
  });

  it("every single-bit flip in the last record (length, payload, checksum) is caught", async () => {
    const { lastOffset, lastSize } = await threeRecordTail(new SimStorage());
    for (let byte = 0; byte < lastSize; byte++) {
      for (const bit of [0, 3, 7]) {
        const sim = new SimStorage();
        await threeRecordTail(sim);
        await rewrite(sim, LAST, (b) => {
          const c = b.slice();
          c[lastOffset + byte]! ^= 1 << bit;
          return c;
        });
        await expectRecoveredTo(sim, lastOffset);
      }
    }
  });

  it("a zero-filled or garbage tail after the last record is cut off", async () => {
    const ends = [new Uint8Array(100), new Uint8Array(3), Uint8Array.from({ length: 50 }, (_, i) => (i * 73) & 0xff)];
    for (const junk of ends) {
      const sim = new SimStorage();
      const { lastOffset, lastSize } = await threeRecordTail(sim);
      await rewrite(sim, LAST, (b) => {
        const c = new Uint8Array(b.length + junk.length);
        c.set(b);
        c.set(junk, b.length);
        return c;
      });
      const j = await Journal.open(sim, { name: "votes", maxSegmentBytes: 100 });
      expect(seqs(await readAll(j))).toEqual([0, 1, 2, 3, 4]);
      expect(j.recovery.truncated).toMatchObject({ segment: 1, offset: lastOffset + lastSize, bytes: junk.length });
      await j.close();
    }
  });

  it("the truncation is synced: a power loss right after open does not bring the torn tail back", async () => {
    const sim = new SimStorage();
    const { lastOffset } = await threeRecordTail(sim);
    await rewrite(sim, LAST, (b) => b.subarray(0, lastOffset + 5));
    await Journal.open(sim, { name: "votes", maxSegmentBytes: 100 });
    expect(sim.durableContents(LAST)!.length).toBe(lastOffset);
  });
});

describe("corruption outside the tail", () => {
  it("a bad record in a non-final segment is JOURNAL_CORRUPT, and nothing is repaired", async () => {
    for (const [at, reason] of [
      [0, "torn-record"], // length field of the first record
      [10, "checksum"], // payload of the first record
      [48 + 47, "checksum"], // checksum of the second record
    ] as const) {
      const sim = new SimStorage();
      await threeRecordTail(sim);
      await rewrite(sim, "votes.0000000000", (b) => {
        const c = b.slice();
        c[at]! ^= 0x80;
        return c;
      });
      const before = [...sim.snapshot()].map(([n, b]) => [n, hex(b)]);
      const err = await expectJournalCode(Journal.open(sim, { name: "votes", maxSegmentBytes: 100 }), "JOURNAL_CORRUPT");
      expect(err.details).toEqual({ segment: 0, offset: at < 48 ? 0 : 48, reason });
      expect([...sim.snapshot()].map(([n, b]) => [n, hex(b)])).toEqual(before);
    }
  });

  it("a torn tail in a non-final segment is corruption, not a crash artefact", async () => {
    const sim = new SimStorage();
    await threeRecordTail(sim);
    await rewrite(sim, "votes.0000000000", (b) => b.subarray(0, 60));
    const err = await expectJournalCode(Journal.open(sim, { name: "votes", maxSegmentBytes: 100 }), "JOURNAL_CORRUPT");
    expect(err.details).toEqual({ segment: 0, offset: 48, reason: "torn-record" });
  });

  it("a missing middle segment or a foreign blob in the namespace is JOURNAL_CORRUPT", async () => {
    const sim = new SimStorage();
    const j = await Journal.open(sim, SMALL);
    for (let i = 0; i < 6; i++) await j.append(payload(i, 20));
    await j.close();
    await sim.remove("votes.0000000001");
    const gap = await expectJournalCode(Journal.open(sim, SMALL), "JOURNAL_CORRUPT");
    expect(gap.details).toEqual({ segment: 1, reason: "gap" });

    const other = new SimStorage();
    await (await other.open("votes.0000000000")).close();
    await (await other.open("votes.tmp")).close();
    const foreign = await expectJournalCode(Journal.open(other, SMALL), "JOURNAL_CORRUPT");
    expect(foreign.details.reason).toBe("foreign-blob");
  });
});

// ---- the recovery property ----

/** Wraps a storage with hooks run before blob operations (for fault injection). */
function wrapStorage(inner: Storage, hooks: { sync?: () => void | Promise<void> }): Storage {
  return {
    open: async (name, options) => {
      const b = await inner.open(name, options);
      return {
        name: b.name,
        size: () => b.size(),
        read: (o, l) => b.read(o, l),
        append: (d) => b.append(d),
        sync: async () => {
          await hooks.sync?.();
          return b.sync();
        },
        truncate: (s) => b.truncate(s),
        close: () => b.close(),
      };
    },
    list: (p) => inner.list(p),
    remove: (n) => inner.remove(n),
  };
}

type Command =
  | { k: "append"; size: number }
  | { k: "appendAndSync"; size: number }
  | { k: "sync" }
  | { k: "crash"; torn: boolean }
  | { k: "kill" }
  | { k: "dieAfter"; ops: number }
  | { k: "prune" }
  | { k: "read" };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ k: fc.constant("append" as const), size: fc.integer({ min: 4, max: 90 }) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("appendAndSync" as const), size: fc.integer({ min: 4, max: 90 }) }) },
  { weight: 3, arbitrary: fc.constant({ k: "sync" as const }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("crash" as const), torn: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ k: "kill" as const }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("dieAfter" as const), ops: fc.nat(6) }) },
  { weight: 1, arbitrary: fc.constant({ k: "prune" as const }) },
  { weight: 1, arbitrary: fc.constant({ k: "read" as const }) },
);

const seqOf = (p: Uint8Array) => new DataView(p.buffer, p.byteOffset).getUint32(0, true);

/** Positions must be the framing of consecutive records: no gaps, no overlaps. */
function expectContiguous(records: JournalRecord[]): void {
  for (let i = 1; i < records.length; i++) {
    const prev = records[i - 1]!;
    const cur = records[i]!;
    const next = prev.offset + RECORD_OVERHEAD + prev.payload.length;
    if (cur.segment === prev.segment) expect(cur.offset).toBe(next);
    else {
      expect(cur.segment).toBe(prev.segment + 1);
      expect(cur.offset).toBe(0);
    }
  }
}

describe("recovery property", () => {
  it("after any crash, the journal holds a prefix of the appends that contains every synced one", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer(),
        fc.integer({ min: 100, max: 400 }),
        fc.constantFrom(0, 50, 1 << 16),
        fc.array(command, { minLength: 1, maxLength: 60 }),
        async (seed, maxSegmentBytes, writeBufferBytes, commands) => {
          const sim = new SimStorage();
          const storage = new DyingStorage(sim, seeded(seed));
          const options = { name: "votes", maxSegmentBytes, writeBufferBytes };
          let seq = 0;
          let history: Uint8Array[] = []; // every record appended since the oldest surviving one
          let durable = 0; // history[0..durable) must survive any crash
          let pruneBound = 0; // segments below this may have been pruned
          let isPruneUnsettled = false; // a prune died midway: some front segments may be gone

          /** Open after a crash (retrying if the crash budget fires inside open) and check the model. */
          const reopen = async (): Promise<Journal> => {
            let j: Journal;
            for (;;) {
              try {
                j = await Journal.open(storage, options);
                break;
              } catch (e) {
                if (!storage.isDead) throw e;
                storage.revive();
              }
            }
            const got = await readAll(j);
            expectContiguous(got);
            expect(j.firstSegment).toBeLessThanOrEqual(Math.max(pruneBound, 0));
            // After a prune that died midway, records of the segments it removed are gone: drop
            // them from the model. Without one, nothing may be missing from the front.
            const firstSeq = got.length > 0 ? seqOf(got[0]!.payload) : undefined;
            if (isPruneUnsettled) {
              const skip = firstSeq === undefined ? history.length : history.findIndex((p) => seqOf(p) === firstSeq);
              expect(skip).toBeGreaterThanOrEqual(0);
              history = history.slice(skip);
              durable = Math.max(0, durable - skip);
              isPruneUnsettled = false;
            } else if (firstSeq !== undefined && history.length > 0) {
              expect(firstSeq).toBe(seqOf(history[0]!));
            }
            expect(got.length).toBeGreaterThanOrEqual(durable);
            expect(got.length).toBeLessThanOrEqual(history.length);
            for (let i = 0; i < got.length; i++) expect(hex(got[i]!.payload)).toBe(hex(history[i]!));
            history = got.map((r) => r.payload);
            durable = got.length; // open() synced what it found
            return j;
          };

          let journal = await Journal.open(storage, options);
          /** Runs one journal call; if the storage died under it, recovers. */
          const attempt = async (f: () => Promise<unknown>): Promise<boolean> => {
            try {
              await f();
              return true;
            } catch (e) {
              if (!storage.isDead) throw e;
              storage.revive();
              journal = await reopen();
              return false;
            }
          };

          for (const c of commands) {
            switch (c.k) {
              case "append":
              case "appendAndSync": {
                const p = payload(seq++, c.size);
                history.push(p);
                const isDone = await attempt(() => (c.k === "append" ? journal.append(p) : journal.appendAndSync(p)));
                if (isDone && c.k === "appendAndSync") durable = history.length;
                break;
              }
              case "sync":
                if (await attempt(() => journal.sync())) durable = history.length;
                break;
              case "crash":
                sim.crash(c.torn ? { rng: seeded(seed ^ seq) } : {});
                storage.revive();
                journal = await reopen();
                break;
              case "kill":
                sim.restart();
                storage.revive();
                journal = await reopen();
                break;
              case "dieAfter":
                storage.budget = c.ops;
                break;
              case "prune": {
                const bound = journal.lastSegment;
                pruneBound = Math.max(pruneBound, bound);
                isPruneUnsettled = true;
                await attempt(async () => {
                  await journal.prune(bound);
                  const left = await readAll(journal);
                  const skip = left.length > 0 ? history.findIndex((p) => seqOf(p) === seqOf(left[0]!.payload)) : history.length;
                  expect(skip).toBeGreaterThanOrEqual(0);
                  history = history.slice(skip);
                  durable = Math.max(0, durable - skip);
                  isPruneUnsettled = false;
                });
                break;
              }
              case "read":
                await attempt(async () => {
                  const got = await readAll(journal);
                  expect(got.map((r) => hex(r.payload))).toEqual(history.map(hex));
                });
                break;
            }
          }
          // Appending continues correctly after all that: a final sync makes everything durable.
          storage.budget = Number.POSITIVE_INFINITY;
          await journal.sync();
          sim.crash({ rng: seeded(seed + 1) });
          const final = await Journal.open(sim, options);
          expect((await readAll(final)).map((r) => hex(r.payload))).toEqual(history.map(hex));
        },
      ),
      // JOURNAL_RUNS=20000 for a longer campaign.
      { numRuns: Number(process.env.JOURNAL_RUNS ?? 400) },
    );
  });

  it("a power loss at every single storage operation of a scripted workload recovers correctly", async () => {
    // The workload: 30 appends with a sync every 4, segment rollovers, and a prune of 3 segments
    // in the middle. Count its mutating storage operations, then crash at each one in turn.
    const options = { name: "votes", maxSegmentBytes: 80, writeBufferBytes: 0 };
    const workload = async (storage: Storage, onDurable: (n: number) => void, onPruneStart: () => void) => {
      const j = await Journal.open(storage, options);
      for (let i = 0; i < 30; i++) {
        await j.append(payload(i, 4 + (i % 5) * 6));
        if (i % 4 === 3) {
          await j.sync();
          onDurable(i + 1);
        }
        if (i === 20) {
          onPruneStart();
          expect(await j.prune(3)).toBe(3);
        }
      }
      await j.sync();
      onDurable(30);
    };
    // Count the workload's mutating storage operations (a budget that never runs out).
    const counter = new DyingStorage(new SimStorage(), seeded(0));
    counter.budget = 1e9;
    await workload(
      counter,
      () => {},
      () => {},
    );
    const ops = 1e9 - counter.budget;
    expect(ops).toBeGreaterThan(40);
    for (let dieAt = 0; dieAt <= ops; dieAt++) {
      for (const seed of [dieAt, dieAt + 1000]) {
        const sim = new SimStorage();
        const storage = new DyingStorage(sim, seeded(seed));
        storage.budget = dieAt;
        let durable = 0;
        let isPruneStarted = false;
        await workload(
          storage,
          (n) => {
            durable = n;
          },
          () => {
            isPruneStarted = true;
          },
        ).catch((e) => {
          if (!storage.isDead) throw e;
        });
        const j = await Journal.open(sim, options);
        const got = seqs(await readAll(j));
        // A contiguous run of sequence numbers: a prefix of the appends, minus a pruned front.
        got.forEach((s, i) => {
          expect(s).toBe(got[0]! + i);
        });
        const first = got[0] ?? 0;
        if (!isPruneStarted || j.firstSegment === 0) expect(first).toBe(0);
        // Every record synced before the crash is there (unless pruned away).
        expect(first + got.length).toBeGreaterThanOrEqual(durable);
        expect(first + got.length).toBeLessThanOrEqual(30);
        // And appending after recovery works.
        await j.appendAndSync(payload(99, 4));
        expect(seqs(await readAll(j)).at(-1)).toBe(99);
        await j.close();
      }
    }
  });

  it("is deterministic: the same seed and commands give byte-identical blobs", async () => {
    const run = async (seed: number) => {
      const sim = new SimStorage({ rng: seeded(seed) });
      let j = await Journal.open(sim, SMALL);
      for (let i = 0; i < 200; i++) {
        await j.append(payload(i, 4 + ((i * 7) % 40)));
        if (i % 5 === 0) await j.sync();
        if (i % 37 === 36) {
          sim.crash();
          j = await Journal.open(sim, SMALL);
        }
        if (i % 50 === 49) await j.prune(j.lastSegment - 2);
      }
      return [...sim.snapshot()].map(([n, b]) => `${n}:${hex(b)}`);
    };
    for (const seed of [1, 2, 99]) expect(await run(seed)).toEqual(await run(seed));
  });
});

describe("Journal.read", () => {
  it("reads any record by position, with or without its length, buffered or not, across segments", async () => {
    const sim = new SimStorage();
    const j = await Journal.open(sim, SMALL);
    const written: { at: { segment: number; offset: number }; payload: Uint8Array }[] = [];
    for (let i = 0; i < 40; i++) {
      const p = payload(i, 4 + (i % 3) * 8);
      written.push({ at: await j.append(p), payload: p });
    }
    expect(j.lastSegment).toBeGreaterThan(8); // more segments than read handles kept open
    for (const { at, payload: p } of [...written].reverse()) {
      expect(hex(await j.read(at))).toBe(hex(p));
      expect(hex(await j.read(at, p.length))).toBe(hex(p));
    }
    // Reading buffered records hands them to storage (a rollover syncs the segment it leaves, as
    // always) but never syncs the tail.
    const tail = segmentName("votes", j.lastSegment);
    expect(sim.durableContents(tail)!.length).toBeLessThan(sim.contents(tail)!.length);
    expect(await Promise.all(written.map((w) => j.read(w.at, w.payload.length).then(hex)))).toEqual(written.map((w) => hex(w.payload)));
    await j.close();
  });

  it("refuses positions outside the journal and reports damage or a wrong length as JOURNAL_CORRUPT", async () => {
    const sim = new SimStorage();
    const j = await Journal.open(sim, SMALL);
    const a = await j.append(payload(1, 20));
    const b = await j.append(payload(2, 20));
    await expectJournalCode(j.read({ segment: 5, offset: 0 }), "JOURNAL_BAD_OPTIONS");
    await expectJournalCode(j.read({ segment: 0, offset: 1000 }), "JOURNAL_BAD_OPTIONS");
    await expectJournalCode(j.read({ segment: -1, offset: 0 }), "JOURNAL_BAD_OPTIONS");
    await expectJournalCode(j.read(a, 21), "JOURNAL_CORRUPT");
    await expectJournalCode(j.read({ segment: 0, offset: 4 }, 20), "JOURNAL_CORRUPT");
    await j.sync();
    await rewrite(sim, "votes.0000000000", (bytes) => {
      bytes[b.offset + 10]! ^= 1;
      return bytes;
    });
    const err = await expectJournalCode(j.read(b, 20), "JOURNAL_CORRUPT");
    expect(err.details).toEqual({ segment: 0, offset: b.offset, reason: "checksum" });
    expect(hex(await j.read(a))).toBe(hex(payload(1, 20))); // a read error does not fail the journal
    await j.appendAndSync(payload(3, 4));
    await j.close();
    await expectJournalCode(j.read(a), "JOURNAL_CLOSED");
  });

  it("prune releases the read handles of the segments it removes", async () => {
    const sim = new SimStorage();
    const j = await Journal.open(sim, SMALL);
    const positions = [];
    for (let i = 0; i < 8; i++) positions.push(await j.append(payload(i, 20)));
    await j.sync();
    for (const at of positions) await j.read(at, 20);
    expect(await j.prune(2)).toBe(2);
    await expectJournalCode(j.read(positions[0]!), "JOURNAL_BAD_OPTIONS");
    expect(seqOf(await j.read(positions[7]!))).toBe(7);
    await j.close();
    expect(await sim.remove("votes.0000000003")).toBe(true); // close released every handle
  });
});

// ---- the same, on real files ----

describe("Journal on FsStorage", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const fresh = () => {
    const d = mkdtempSync(join(tmpdir(), "nullspace-journal-"));
    dirs.push(d);
    return d;
  };

  it("round-trips across segments and reopens, as plain files", async () => {
    const dir = fresh();
    const j = await Journal.open(new FsStorage(dir), SMALL);
    for (let i = 0; i < 7; i++) await j.append(payload(i, 20));
    await j.close();
    expect((await readdir(dir)).sort()).toEqual([0, 1, 2, 3].map((i) => segmentName("votes", i)));
    const first = new Uint8Array(await readFile(join(dir, "votes.0000000000")));
    expect(decodeSegment(first).map(hex)).toEqual([hex(payload(0, 20)), hex(payload(1, 20))]);
    const again = await Journal.open(new FsStorage(dir), SMALL);
    expect(seqs(await readAll(again))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(await again.prune(2)).toBe(2);
    expect((await readdir(dir)).sort()).toEqual(["votes.0000000002", "votes.0000000003"]);
    await again.close();
  });

  it("truncates a torn tail (cut and garbage) and keeps appending", async () => {
    const dir = fresh();
    const storage = new FsStorage(dir);
    const { lastOffset } = await threeRecordTail(storage);
    const path = join(dir, LAST);
    await truncateFile(path, lastOffset + 9);
    await expectRecoveredTo(new FsStorage(dir), lastOffset, "torn-record");
    const size = (await stat(path)).size;
    await writeFile(path, new Uint8Array(37), { flag: "a" }); // zeros: size reached disk, data did not
    const j = await Journal.open(new FsStorage(dir), { name: "votes", maxSegmentBytes: 100 });
    expect(j.recovery.truncated).toMatchObject({ offset: size, bytes: 37, reason: "checksum" });
    expect((await stat(path)).size).toBe(size);
    await j.close();
  });

  it("reports corruption in a non-final segment with JOURNAL_CORRUPT", async () => {
    const dir = fresh();
    await threeRecordTail(new FsStorage(dir));
    const path = join(dir, "votes.0000000000");
    const bytes = new Uint8Array(await readFile(path));
    bytes[60]! ^= 0xff;
    await writeFile(path, bytes);
    const err = await expectJournalCode(Journal.open(new FsStorage(dir), { name: "votes", maxSegmentBytes: 100 }), "JOURNAL_CORRUPT");
    expect(err.details).toEqual({ segment: 0, offset: 48, reason: "checksum" });
  });

  it("refuses an oversized record and writes nothing", async () => {
    const dir = fresh();
    const j = await Journal.open(new FsStorage(dir), { name: "votes", maxRecordBytes: 64 });
    await j.appendAndSync(payload(1, 64));
    await expectJournalCode(j.appendAndSync(new Uint8Array(65)), "JOURNAL_RECORD_TOO_LARGE");
    await j.close();
    expect((await stat(join(dir, "votes.0000000000"))).size).toBe(72);
  });
});
