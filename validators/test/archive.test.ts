// The archive against the real wasm codec, real blocks from a LocalChain and certificates signed by
// 4 test validators: round trips, idempotence and conflicts, ordering, checkpoints and pruning,
// recovery after restarts and after power losses at random points (fast-check on SimStorage, and a
// power loss at every storage operation of a scripted workload), and a smoke test on real files.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Codec, Core, type FinalizedView, fromHex, LocalChain, SignatureKind, type Signer, signingPayload } from "@nullspace/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Archive, type ArchiveOptions } from "../src/archive/archive.js";
import { ArchiveError, type ArchiveErrorCode } from "../src/archive/errors.js";
import { checkpointBlobName, checkpointPrefix, encodeSigmaRecord } from "../src/archive/format.js";
import { Journal } from "../src/journal/journal.js";
import { FsStorage } from "../src/runtime/fs-storage.js";
import { SimStorage } from "../src/runtime/sim-storage.js";
import type { Storage } from "../src/runtime/storage.js";
import { DyingStorage, seeded } from "./support/storage-faults.js";
import { WASM_BYTES as WASM } from "./support/wasm.js";

const CHAIN_ID = 1n;
const N = 4;
const HEIGHTS = 12;

interface Height {
  height: bigint;
  block: Uint8Array;
  finalization: Uint8Array;
  /** The same block finalized by another quorum: different bytes, same value. */
  otherFinalization: Uint8Array;
  sigma: Uint8Array;
  progress: Uint8Array;
  otherProgress: Uint8Array;
  /** A progress certificate of a different record (another state root) for the same block. */
  wrongProgress: Uint8Array;
  snapshot: Uint8Array;
}

let codec: Codec;
let validators: Signer[];
let genesisDigest: Uint8Array;
const chain: Height[] = [];
let fork: { block: Uint8Array; finalization: Uint8Array }[] = [];

function sign(kind: SignatureKind, body: Uint8Array, indices: number[]) {
  return indices.map((index) => ({ index, signature: validators[index]!.signSync!(signingPayload(kind, CHAIN_ID, body)) }));
}

function finalize(block: Uint8Array, indices = [0, 1, 2]): Uint8Array {
  const { header, digest } = codec.decodeBlock(block);
  const body = codec.voteBody({
    kind: "finalize",
    view: header.view,
    height: header.height,
    parent: fromHex(header.parent),
    digest: fromHex(digest),
  });
  return codec.encodeCertificate("finalization", body, N, sign(SignatureKind.FINALIZE, body, indices));
}

function certifyProgress(record: Uint8Array, indices = [0, 1, 3]): Uint8Array {
  return codec.encodeProgressCertificate(record, N, sign(SignatureKind.PROGRESS, record, indices));
}

/** Builds `count` heights of a chain whose players are `offset` onwards (another offset: a fork). */
async function buildChain(count: number, offset: number) {
  const c = await LocalChain.create({ wasm: WASM });
  const out = [];
  for (let i = 0; i < count; i++) {
    c.submit(LocalChain.signer(offset + i), { op: "register", name: `p${offset + i}` });
    if (i % 3 === 2) c.submit(LocalChain.signer(offset), { op: "faucet" });
    const r = c.seal();
    out.push({ ...r, snapshot: c.core.snapshot() });
  }
  return { chain: c, heights: out };
}

beforeAll(async () => {
  codec = (await Core.load(WASM)).codec;
  validators = Array.from({ length: N }, (_, i) => LocalChain.signer(500 + i));
  const built = await buildChain(HEIGHTS, 10);
  genesisDigest = fromHex(codec.decodeBlock(built.heights[0]!.block).header.parent);
  for (const [i, r] of built.heights.entries()) {
    const wrongRecord = r.progress!.slice();
    wrongRecord[67]! ^= 1; // first byte of stateRoot (version, chain, height, blockDigest, beaconHash before it)
    chain.push({
      height: BigInt(i + 1),
      block: r.block,
      finalization: finalize(r.block),
      otherFinalization: finalize(r.block, [1, 2, 3]),
      sigma: r.sigma,
      progress: certifyProgress(r.progress!),
      otherProgress: certifyProgress(r.progress!, [0, 2, 3]),
      wrongProgress: certifyProgress(wrongRecord),
      snapshot: r.snapshot,
    });
  }
  fork = (await buildChain(2, 900)).heights.map((r) => ({ block: r.block, finalization: finalize(r.block) }));
});

const at = (h: number | bigint) => chain[Number(h) - 1]!;
const allParts = (x: Height) => ({ height: x.height, block: x.block, finalization: x.finalization, sigma: x.sigma, progress: x.progress });

async function expectCode(p: Promise<unknown>, code: ArchiveErrorCode): Promise<ArchiveError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(ArchiveError);
  expect((caught as ArchiveError).code, (caught as Error).message).toBe(code);
  return caught as ArchiveError;
}

function open(storage: Storage, o: Partial<ArchiveOptions> = {}): Promise<Archive> {
  return Archive.open(storage, { codec, ...o });
}

/** Puts heights 1..to with every part. */
async function fill(archive: Archive, to: number, parts = { sigma: true, progress: true }): Promise<void> {
  for (let h = 1; h <= to; h++) {
    const x = at(h);
    await archive.putFinalized(x.height, x.block, x.finalization);
    if (parts.sigma) await archive.putSigma(x.height, x.sigma);
    if (parts.progress) await archive.putProgress(x.height, x.progress);
  }
}

describe("Archive: put, get, bundle", () => {
  it("completeBundle calls a bundle complete only when its bytes hold the certificate, also when it lands mid-read", async () => {
    const archive = await open(new SimStorage(), { genesisDigest });
    await fill(archive, HEIGHTS, { sigma: true, progress: false });
    // Reads and certificate writes interleave: whatever each read saw, its flag must agree with it.
    const reads = chain.map((x) => archive.completeBundle(x.height));
    const writes = chain.map((x) => archive.putProgress(x.height, x.progress));
    const later = chain.map((x) => archive.completeBundle(x.height));
    await Promise.all(writes);
    for (const b of [...(await Promise.all(reads)), ...(await Promise.all(later))]) {
      expect(b).toBeDefined();
      expect(codec.decodeFinalized(b!.bytes).progress !== undefined).toBe(b!.hasProgress);
    }
    for (const x of chain) expect((await archive.completeBundle(x.height))?.hasProgress).toBe(true);
    expect(await archive.completeBundle(BigInt(HEIGHTS + 1))).toBeUndefined();
  });

  it("round-trips every part, in any arrival order of σ and progress across heights", async () => {
    const sim = new SimStorage();
    const archive = await open(sim, { genesisDigest });
    expect(archive.tip()).toBe(0n);
    expect(await archive.get(1n)).toBeUndefined();
    expect(await archive.bundle(1n)).toBeUndefined();
    for (const x of chain) expect(await archive.putFinalized(x.height, x.block, x.finalization)).toBe(true);
    // σ and progress certificates arrive late and out of order.
    for (const h of [5, 2, 12, 1, 7, 3]) expect(await archive.putSigma(at(h).height, at(h).sigma)).toBe(true);
    for (const h of [3, 12, 4, 1]) expect(await archive.putProgress(at(h).height, at(h).progress)).toBe(true);
    expect(archive.tip()).toBe(BigInt(HEIGHTS));
    expect(archive.status(3n)).toEqual({ finalized: true, sigma: true, progress: true });
    expect(archive.status(4n)).toEqual({ finalized: true, sigma: false, progress: true });
    expect(archive.status(13n)).toEqual({ finalized: false, sigma: false, progress: false });
    for (const x of chain) {
      const got = (await archive.get(x.height))!;
      expect(got.block).toEqual(x.block);
      expect(got.finalization).toEqual(x.finalization);
      expect(got.sigma).toEqual(archive.status(x.height).sigma ? x.sigma : undefined);
      expect(got.progress).toEqual(archive.status(x.height).progress ? x.progress : undefined);
      const bundle = (await archive.bundle(x.height))!;
      expect(bundle).toEqual(codec.encodeFinalized(got));
      const view: FinalizedView = codec.decodeFinalized(bundle);
      expect(view.height).toBe(x.height);
      expect(view.block).toEqual(x.block);
    }
    const range = [];
    for await (const b of archive.bundles(0n, 100n)) range.push(b);
    expect(range.map((b) => b.height)).toEqual(chain.map((x) => x.height));
    expect(range[4]!.bundle).toEqual(await archive.bundle(5n));
    const part = [];
    for await (const b of archive.bundles(4n, 6n)) part.push(b.height);
    expect(part).toEqual([4n, 5n, 6n]);
    await archive.close();
  });

  it("recovers everything after a clean close, a process kill after sync, and across many small segments", async () => {
    const sim = new SimStorage();
    const options = { maxSegmentBytes: 1000 }; // a few records a segment: reads span many segments
    const a = await open(sim, options);
    await fill(a, HEIGHTS);
    await a.close();
    expect((await sim.list("archive.")).length).toBeGreaterThan(10);
    const b = await open(sim, options);
    expect(b.recovery.tip).toBe(BigInt(HEIGHTS));
    for (const x of chain) expect(await b.bundle(x.height)).toEqual(codec.encodeFinalized(allParts(x)));
    await b.putCheckpoint(6n, at(6).snapshot);
    sim.restart(); // kill -9: handles die, written bytes stay
    const c = await open(sim, options);
    expect(c.tip()).toBe(BigInt(HEIGHTS));
    expect((await c.latestCheckpoint())?.bytes).toEqual(at(6).snapshot);
    expect(await c.putFinalized(1n, at(1).block, at(1).finalization)).toBe(false);
    await c.close();
  });

  it("is idempotent for identical bytes and refuses different ones with ARCHIVE_CONFLICT", async () => {
    const archive = await open(new SimStorage());
    await fill(archive, 3);
    const x = at(2);
    expect(await archive.putFinalized(x.height, x.block, x.finalization)).toBe(false);
    expect(await archive.putSigma(x.height, x.sigma)).toBe(false);
    expect(await archive.putProgress(x.height, x.progress)).toBe(false);
    const reasons: [Promise<unknown>, string][] = [
      [archive.putFinalized(x.height, x.block, x.otherFinalization), "certificate"],
      [archive.putFinalized(1n, fork[0]!.block, fork[0]!.finalization), "block"],
      [archive.putSigma(x.height, at(3).sigma), "sigma"],
      [archive.putProgress(x.height, x.otherProgress), "certificate"],
      [archive.putProgress(x.height, x.wrongProgress), "record"],
    ];
    for (const [p, reason] of reasons) {
      const e = await expectCode(p, "ARCHIVE_CONFLICT");
      expect(e.details).toMatchObject({ reason });
    }
    // Nothing was overwritten.
    expect(await archive.get(x.height)).toEqual(allParts(x));
    await archive.putCheckpoint(2n, x.snapshot);
    expect(await archive.putCheckpoint(2n, x.snapshot)).toBe(false);
    expect((await expectCode(archive.putCheckpoint(2n, at(3).snapshot), "ARCHIVE_CONFLICT")).details.reason).toBe("snapshot");
    await archive.close();
  });

  it("stores blocks in order, each extending the last, and parts only of finalized heights", async () => {
    const archive = await open(new SimStorage(), { genesisDigest });
    await expectCode(archive.putFinalized(2n, at(2).block, at(2).finalization), "ARCHIVE_OUT_OF_ORDER");
    await expectCode(archive.putSigma(1n, at(1).sigma), "ARCHIVE_NOT_FINALIZED");
    await expectCode(archive.putProgress(1n, at(1).progress), "ARCHIVE_NOT_FINALIZED");
    await expectCode(archive.putCheckpoint(1n, at(1).snapshot), "ARCHIVE_NOT_FINALIZED");
    await fill(archive, 1);
    // The fork's block 2 is validly finalized, but its parent is the fork's block 1, not ours.
    const e = await expectCode(archive.putFinalized(2n, fork[1]!.block, fork[1]!.finalization), "ARCHIVE_CONFLICT");
    expect(e.details).toEqual({ height: 2n, part: "finalized", reason: "parent" });
    await expectCode(archive.putFinalized(3n, at(3).block, at(3).finalization), "ARCHIVE_OUT_OF_ORDER");
    await fill(archive, 4);
    await archive.putCheckpoint(4n, at(4).snapshot);
    await expectCode(archive.putCheckpoint(3n, at(3).snapshot), "ARCHIVE_OUT_OF_ORDER");
    expect(archive.tip()).toBe(4n);
    await archive.close();
    // Block 1 must have the genesis digest as its parent when the archive is told it, and an
    // archive of another chain is refused on open.
    const other = await open(new SimStorage(), { genesisDigest: new Uint8Array(32) });
    await expectCode(other.putFinalized(1n, at(1).block, at(1).finalization), "ARCHIVE_CONFLICT");
    await other.close();
    const sim = new SimStorage();
    const first = await open(sim, { genesisDigest });
    await fill(first, 1);
    await first.close();
    const wrong = await expectCode(open(sim, { genesisDigest: new Uint8Array(32) }), "ARCHIVE_CONFLICT");
    expect(wrong.details.reason).toBe("genesis");
    await (await open(sim, { genesisDigest })).close();
  });

  it("refuses parts the codec refuses (ARCHIVE_INVALID with the core's code) and bad arguments", async () => {
    const archive = await open(new SimStorage());
    const invalid = async (p: Promise<unknown>, coreCode?: number) => {
      const e = await expectCode(p, "ARCHIVE_INVALID");
      if (coreCode !== undefined) expect(e.details.coreCode).toBe(coreCode);
    };
    await invalid(archive.putFinalized(2n, at(2).block, at(1).finalization), 110); // PARTS_MISMATCH: an ancestor's certificate
    await invalid(archive.putFinalized(1n, at(2).block, at(2).finalization), 110);
    await invalid(archive.putFinalized(1n, at(1).block.subarray(1), at(1).finalization));
    await fill(archive, 2, { sigma: false, progress: false });
    await invalid(archive.putSigma(1n, at(1).sigma.subarray(1)));
    await invalid(archive.putProgress(1n, at(2).progress), 110);
    await invalid(archive.putProgress(1n, at(1).progress.subarray(2)));
    await expectCode(archive.putFinalized(-1n, at(1).block, at(1).finalization), "ARCHIVE_BAD_ARGUMENT");
    await expectCode(archive.putFinalized(0n, at(1).block, at(1).finalization), "ARCHIVE_BAD_ARGUMENT");
    await expectCode(archive.putSigma(1 as unknown as bigint, at(1).sigma), "ARCHIVE_BAD_ARGUMENT");
    await expectCode(archive.putSigma(1n, "x" as unknown as Uint8Array), "ARCHIVE_BAD_ARGUMENT");
    await expectCode(archive.putCheckpoint(1n, new Uint8Array(0)), "ARCHIVE_BAD_ARGUMENT");
    await expectCode(archive.get(2n ** 60n), "ARCHIVE_BAD_ARGUMENT");
    expect(archive.tip()).toBe(2n); // refusals change nothing and do not fail the archive
    await archive.putSigma(1n, at(1).sigma);
    await archive.close();
    await expectCode(archive.get(1n), "ARCHIVE_CLOSED");
    await expectCode(archive.putSigma(2n, at(2).sigma), "ARCHIVE_CLOSED");
    await expectCode(open(new SimStorage(), { keepCheckpoints: 0 }), "ARCHIVE_BAD_ARGUMENT");
    await expectCode(open(new SimStorage(), { name: "bad.name" }), "ARCHIVE_BAD_ARGUMENT");
  });

  it("runs concurrent puts in call order, and reads alongside them", async () => {
    const archive = await open(new SimStorage());
    const puts = chain
      .slice(0, 6)
      .flatMap((x) => [
        archive.putFinalized(x.height, x.block, x.finalization),
        archive.putProgress(x.height, x.progress),
        archive.bundle(x.height),
      ]);
    const results = await Promise.all(puts);
    expect(results.filter((r) => r === true)).toHaveLength(12);
    expect(archive.tip()).toBe(6n);
    expect(await Promise.all([1n, 6n, 3n].map((h) => archive.bundle(h)))).toEqual(
      [1, 6, 3].map((h) => codec.encodeFinalized({ ...allParts(at(h)), sigma: undefined })),
    );
    await archive.close();
  });

  it("fails for good after a storage error during a write (ARCHIVE_FAILED), and a reopen recovers", async () => {
    const storage = new DyingStorage(new SimStorage(), seeded(1));
    const archive = await open(storage, { writeBufferBytes: 0 });
    await fill(archive, 2);
    await archive.sync();
    storage.budget = 0;
    await expectCode(archive.putFinalized(3n, at(3).block, at(3).finalization), "ARCHIVE_FAILED");
    storage.revive();
    await expectCode(archive.putSigma(2n, at(2).sigma), "ARCHIVE_FAILED");
    await expectCode(archive.get(2n), "ARCHIVE_FAILED"); // the journal underneath failed too
    await archive.close();
    const again = await open(storage);
    expect(again.tip()).toBe(2n);
    expect(await again.putFinalized(3n, at(3).block, at(3).finalization)).toBe(true);
    await again.close();
  });

  it("refuses a record larger than a segment with ARCHIVE_TOO_LARGE and writes nothing", async () => {
    const sim = new SimStorage();
    const archive = await open(sim, { maxSegmentBytes: at(1).block.length + 64 });
    await expectCode(archive.putFinalized(1n, at(1).block, at(1).finalization), "ARCHIVE_TOO_LARGE");
    expect(archive.tip()).toBe(0n);
    await archive.close();
    expect(sim.contents("archive.0000000000")).toEqual(new Uint8Array(0));
  });
});

describe("Archive: checkpoints", () => {
  it("keeps the newest keepCheckpoints, removes older blobs durably, and reopens with fewer", async () => {
    const sim = new SimStorage();
    const archive = await open(sim);
    await fill(archive, 8, { sigma: false, progress: false });
    expect(await archive.latestCheckpoint()).toBeUndefined();
    for (const h of [2, 4, 6, 8]) expect(await archive.putCheckpoint(BigInt(h), at(h).snapshot)).toBe(true);
    expect(archive.checkpointHeights()).toEqual([6n, 8n]);
    expect(await sim.list(checkpointPrefix("archive"))).toEqual([checkpointBlobName("archive", 6), checkpointBlobName("archive", 8)]);
    expect(await archive.latestCheckpoint()).toEqual({ height: 8n, bytes: at(8).snapshot, skipped: [] });
    sim.crash(); // every checkpoint was durable when putCheckpoint resolved
    const again = await open(sim, { keepCheckpoints: 1 });
    expect(again.recovery.checkpoints).toEqual({ retained: [8n], removed: [checkpointBlobName("archive", 6)], lost: [] });
    expect(await again.latestCheckpoint()).toMatchObject({ height: 8n });
    // The snapshot restores into a fresh core: the checkpoint is a usable state.
    const core = await Core.load(WASM);
    core.restore((await again.latestCheckpoint())!.bytes);
    expect(core.meta().height).toBe(8n);
    await again.close();
  });

  it("falls back to an older checkpoint when the newest is damaged or missing, and reports it", async () => {
    const sim = new SimStorage();
    const archive = await open(sim);
    await fill(archive, 4, { sigma: false, progress: false });
    await archive.putCheckpoint(2n, at(2).snapshot);
    await archive.putCheckpoint(4n, at(4).snapshot);
    await archive.close();
    const name = checkpointBlobName("archive", 4);
    const blob = await sim.open(name);
    const bytes = await blob.read(0, await blob.size());
    bytes[10]! ^= 1;
    await blob.truncate(0);
    await blob.append(bytes);
    await blob.sync();
    await blob.close();
    const damaged = await open(sim);
    expect(await damaged.latestCheckpoint()).toEqual({ height: 2n, bytes: at(2).snapshot, skipped: [{ height: 4n, reason: "hash" }] });
    // Putting the same checkpoint again repairs it under its existing commit record.
    expect(await damaged.putCheckpoint(4n, at(4).snapshot)).toBe(true);
    expect((await damaged.latestCheckpoint())?.height).toBe(4n);
    await damaged.close();
    await sim.remove(name);
    const missing = await open(sim);
    expect(missing.recovery.checkpoints.lost).toEqual([{ height: 4n, reason: "missing" }]);
    expect((await missing.latestCheckpoint())?.skipped).toEqual([{ height: 4n, reason: "missing" }]);
    await missing.close();
    await (await sim.open(`${checkpointPrefix("archive")}junk`)).close();
    await expectCode(open(sim), "ARCHIVE_CORRUPT");
  });
});

describe("Archive: corruption", () => {
  it("refuses a journal whose records break the archive's order, with ARCHIVE_CORRUPT", async () => {
    const sim = new SimStorage();
    const journal = await Journal.open(sim, { name: "archive" });
    await journal.appendAndSync(encodeSigmaRecord(1, at(1).sigma)); // σ of a height never finalized
    await journal.close();
    await expectCode(open(sim), "ARCHIVE_CORRUPT");
    const unknown = new SimStorage();
    const j2 = await Journal.open(unknown, { name: "archive" });
    await j2.appendAndSync(Uint8Array.of(9, 1, 0, 0, 0, 0, 0, 0, 0));
    await j2.close();
    await expectCode(open(unknown), "ARCHIVE_CORRUPT");
  });

  it("serves the same parts from memory and from storage, whatever the memory's bound", async () => {
    for (const recentBytes of [0, at(1).block.length + 200, 1 << 24]) {
      const sim = new SimStorage();
      const archive = await open(sim, { recentBytes });
      await fill(archive, 4);
      const served = [];
      for (let h = 1n; h <= 4n; h++) served.push(await archive.get(h));
      await archive.close();
      const reopened = await open(sim, { recentBytes: 0 });
      for (let h = 1n; h <= 4n; h++) {
        const x = at(Number(h));
        const want = { height: h, block: x.block, finalization: x.finalization, sigma: x.sigma, progress: x.progress };
        expect(served[Number(h) - 1], `height ${h}, ${recentBytes} bytes`).toEqual(want);
        expect(await reopened.get(h)).toEqual(want);
      }
      await reopened.close();
    }
    await expectCode(open(new SimStorage(), { recentBytes: -1 }), "ARCHIVE_BAD_ARGUMENT");
  });

  it("reports a damaged record behind the index as ARCHIVE_CORRUPT on read", async () => {
    const sim = new SimStorage();
    const archive = await open(sim, { recentBytes: 0 }); // reads from storage, not from memory
    await fill(archive, 2);
    await archive.sync();
    const blob = await sim.open("archive.0000000000");
    const bytes = await blob.read(0, await blob.size());
    bytes[20]! ^= 1; // inside height 1's block
    await blob.truncate(0);
    await blob.append(bytes);
    await blob.close();
    await expectCode(archive.get(1n), "ARCHIVE_CORRUPT");
    expect((await archive.get(2n))?.block).toEqual(at(2).block); // reads do not fail the archive
    await archive.close();
  });
});

// ---- crashes ----

type Command =
  | { k: "finalize" | "sync" | "checkpoint" | "kill" }
  | { k: "sigma" | "progress"; pick: number }
  | { k: "crash"; loses: "torn" | "unsynced" | "nothing"; dieInOpen?: number }
  | { k: "dieAfter"; ops: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ k: "finalize" as const }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constantFrom("sigma" as const, "progress" as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.constant({ k: "sync" as const }) },
  { weight: 1, arbitrary: fc.constant({ k: "checkpoint" as const }) },
  { weight: 1, arbitrary: fc.constant({ k: "kill" as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("crash" as const),
      loses: fc.constantFrom("torn" as const, "unsynced" as const, "nothing" as const),
      dieInOpen: fc.option(fc.nat(5), { nil: undefined }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("dieAfter" as const), ops: fc.nat(8) }) },
);

interface State {
  tip: number;
  sigma: Set<number>;
  progress: Set<number>;
  checkpoint: number;
}
const copy = (s: State): State => ({ ...s, sigma: new Set(s.sigma), progress: new Set(s.progress) });

/**
 * Runs commands against an archive on `storage`, recovering after every crash and checking, each
 * time, that the archive holds at least what was durable and nothing that was not put.
 */
async function runCommands(storage: DyingStorage, commands: Command[], options: Partial<ArchiveOptions>): Promise<number> {
  const keep = options.keepCheckpoints ?? 2;
  let archive = await open(storage, options);
  let written: State = { tip: 0, sigma: new Set(), progress: new Set(), checkpoint: 0 };
  let durable = copy(written);
  let attempted = { tip: 0, checkpoint: 0 };

  const recover = async (dieInOpen?: number) => {
    storage.revive();
    if (dieInOpen !== undefined) {
      storage.budget = dieInOpen;
      try {
        archive = await open(storage, options);
      } catch (e) {
        if (!storage.isDead) throw e;
      }
      storage.revive();
    }
    archive = await open(storage, options);
    const tip = Number(archive.tip());
    expect(tip).toBeGreaterThanOrEqual(durable.tip);
    expect(tip).toBeLessThanOrEqual(attempted.tip);
    const now: State = { tip, sigma: new Set(), progress: new Set(), checkpoint: 0 };
    for (let h = 1; h <= tip; h++) {
      const got = (await archive.get(BigInt(h)))!;
      const x = at(h);
      expect(got.block).toEqual(x.block);
      expect(got.finalization).toEqual(x.finalization);
      if (got.sigma) expect(got.sigma).toEqual(x.sigma);
      if (got.progress) expect(got.progress).toEqual(x.progress);
      if (durable.sigma.has(h)) expect(got.sigma).toBeDefined();
      if (durable.progress.has(h)) expect(got.progress).toBeDefined();
      if (got.sigma) now.sigma.add(h);
      if (got.progress) now.progress.add(h);
      // Idempotent after recovery: re-putting what is there writes nothing and conflicts with nothing.
      expect(await archive.putFinalized(x.height, x.block, x.finalization)).toBe(false);
      if (got.sigma) expect(await archive.putSigma(x.height, x.sigma)).toBe(false);
    }
    const latest = await archive.latestCheckpoint();
    if (durable.checkpoint > 0) expect(Number(latest?.height)).toBeGreaterThanOrEqual(durable.checkpoint);
    if (latest) {
      expect(Number(latest.height)).toBeLessThanOrEqual(attempted.checkpoint);
      expect(latest.bytes).toEqual(at(latest.height).snapshot);
      expect(latest.skipped).toEqual([]);
      now.checkpoint = Number(latest.height);
    }
    // No uncommitted or pruned blob survives open.
    const blobs = await storage.list(checkpointPrefix("archive"));
    expect(blobs.length).toBeLessThanOrEqual(keep);
    expect(blobs).toEqual(archive.checkpointHeights().map((h) => checkpointBlobName("archive", Number(h))));
    // open() synced what it found: all of it is durable now.
    written = now;
    durable = copy(now);
    attempted = { tip, checkpoint: now.checkpoint };
  };

  for (const cmd of commands) {
    try {
      switch (cmd.k) {
        case "finalize": {
          if (written.tip >= HEIGHTS) break;
          const x = at(written.tip + 1);
          attempted.tip = Math.max(attempted.tip, written.tip + 1);
          await archive.putFinalized(x.height, x.block, x.finalization);
          written.tip++;
          break;
        }
        case "sigma":
        case "progress": {
          const set = written[cmd.k];
          const missing = Array.from({ length: written.tip }, (_, i) => i + 1).filter((h) => !set.has(h));
          if (missing.length === 0) break;
          const h = missing[cmd.pick % missing.length]!;
          if (cmd.k === "sigma") await archive.putSigma(BigInt(h), at(h).sigma);
          else await archive.putProgress(BigInt(h), at(h).progress);
          set.add(h);
          break;
        }
        case "sync":
          await archive.sync();
          durable = copy(written);
          break;
        case "checkpoint": {
          if (written.tip <= written.checkpoint) break;
          attempted.checkpoint = written.tip;
          await archive.putCheckpoint(BigInt(written.tip), at(written.tip).snapshot);
          written.checkpoint = written.tip;
          durable = copy(written); // its commit record was synced, and with it every earlier record
          break;
        }
        case "kill":
          storage.sim.restart();
          await recover();
          break;
        case "crash":
          // A random torn prefix of the unsynced writes (the storage's seeded rng), none, or all.
          storage.sim.crash(cmd.loses === "torn" ? {} : { rng: cmd.loses === "unsynced" ? () => 0 : () => 0.999 });
          await recover(cmd.dieInOpen);
          break;
        case "dieAfter":
          storage.budget = cmd.ops;
          break;
      }
    } catch (e) {
      if (!storage.isDead) throw e;
      await recover();
    }
  }
  const ticks = storage.ticks;
  storage.sim.crash();
  await recover();
  return ticks;
}

describe("Archive: recovery after crashes", () => {
  it("after any crash, every height up to the tip is intact, everything synced is there, nothing conflicts", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer(),
        fc.constantFrom(1000, 4000, 1 << 20),
        fc.constantFrom(0, 1 << 16),
        fc.integer({ min: 1, max: 3 }),
        fc.array(command, { minLength: 1, maxLength: 50 }),
        async (seed, maxSegmentBytes, writeBufferBytes, keepCheckpoints, commands) => {
          const rng = seeded(seed);
          const storage = new DyingStorage(new SimStorage({ rng }), rng);
          await runCommands(storage, commands, { maxSegmentBytes, writeBufferBytes, keepCheckpoints });
        },
      ),
      // ARCHIVE_RUNS=5000 for a longer campaign.
      { numRuns: Number(process.env.ARCHIVE_RUNS ?? 150) },
    );
  });

  it("a power loss at every single storage operation of a scripted workload recovers correctly", async () => {
    // Six heights, σ for each, progress for every other, a checkpoint every other height (keep 2,
    // so the third prunes the first), two syncs, small segments (rollovers).
    const workload: Command[] = [];
    for (let h = 1; h <= 6; h++) {
      workload.push({ k: "finalize" }, { k: "sigma", pick: 0 });
      if (h % 2 === 0) workload.push({ k: "progress", pick: 0 }, { k: "checkpoint" });
      if (h === 3 || h === 5) workload.push({ k: "sync" });
    }
    const options = { maxSegmentBytes: 1000, writeBufferBytes: 0 };
    const ops = await runCommands(new DyingStorage(new SimStorage(), seeded(0)), workload, options);
    expect(ops).toBeGreaterThan(40);
    for (let dieAt = 0; dieAt < ops; dieAt++) {
      for (const seed of [dieAt, dieAt + 7919]) {
        const rng = seeded(seed);
        const storage = new DyingStorage(new SimStorage({ rng }), rng);
        await runCommands(storage, [{ k: "dieAfter", ops: dieAt }, ...workload], options);
      }
    }
  });
});

describe("Archive on FsStorage", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("round-trips heights and checkpoints as plain files across a reopen", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nullspace-archive-"));
    dirs.push(dir);
    const archive = await open(new FsStorage(dir), { maxSegmentBytes: 4000 });
    await fill(archive, 5);
    await archive.putCheckpoint(3n, at(3).snapshot);
    await archive.putCheckpoint(5n, at(5).snapshot);
    await archive.close();
    const again = await open(new FsStorage(dir), { maxSegmentBytes: 4000 });
    expect(again.tip()).toBe(5n);
    for (let h = 1; h <= 5; h++) expect(await again.bundle(BigInt(h))).toEqual(codec.encodeFinalized(allParts(at(h))));
    expect(await again.latestCheckpoint()).toEqual({ height: 5n, bytes: at(5).snapshot, skipped: [] });
    await again.close();
  });
});
