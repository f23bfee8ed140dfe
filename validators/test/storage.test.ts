// Storage: one contract, two implementations (memory for the simulator, files for the process),
// plus the crash model of SimStorage that the journal's recovery tests depend on.

import { mkdtempSync, rmSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { FsStorage } from "../src/runtime/fs-storage.js";
import { IoThread } from "../src/runtime/io-thread.js";
import { SimStorage } from "../src/runtime/sim-storage.js";
import { type Storage, StorageError } from "../src/runtime/storage.js";
import { seeded } from "./support/storage-faults.js";

const bytes = (...xs: number[]) => new Uint8Array(xs);
const text = (s: string) => new TextEncoder().encode(s);

async function expectCode(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toSatisfy((e: unknown) => e instanceof StorageError && e.code === code);
}

const tempDirs: string[] = [];
const ioThread = new IoThread();
afterAll(async () => {
  await ioThread.close();
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "nullspace-storage-"));
  tempDirs.push(d);
  return d;
}

interface Subject {
  storage: Storage;
  /** The same data seen by a fresh process (handles of the old one are gone). */
  reopen(): Storage;
}

const implementations: [string, () => Subject][] = [
  [
    "SimStorage",
    () => {
      const sim = new SimStorage();
      return {
        storage: sim,
        reopen: () => {
          sim.restart();
          return sim;
        },
      };
    },
  ],
  [
    "FsStorage",
    () => {
      const dir = tempDir();
      return { storage: new FsStorage(join(dir, "nested", "store")), reopen: () => new FsStorage(join(dir, "nested", "store")) };
    },
  ],
  [
    "FsStorage with an io thread",
    () => {
      const dir = join(tempDir(), "threaded");
      return {
        storage: new FsStorage(dir, { ioThread }),
        reopen: () => new FsStorage(dir, { ioThread }),
      };
    },
  ],
];

describe.each(implementations)("Storage contract: %s", (_name, make) => {
  it("creates on open, appends, reads, reports size", async () => {
    const { storage } = make();
    const blob = await storage.open("a.0");
    expect(await blob.size()).toBe(0);
    await blob.append(text("hello "));
    await blob.append(text("world"));
    await blob.append(new Uint8Array(0));
    expect(await blob.size()).toBe(11);
    expect(new TextDecoder().decode(await blob.read(0, 11))).toBe("hello world");
    expect(new TextDecoder().decode(await blob.read(6, 5))).toBe("world");
    expect(await blob.read(11, 0)).toEqual(new Uint8Array(0));
    await blob.sync();
    await blob.close();
    await blob.close(); // idempotent
  });

  it("copies appended data: the caller may reuse its buffer", async () => {
    const { storage } = make();
    const blob = await storage.open("copy");
    const buf = bytes(1, 2, 3);
    await blob.append(buf);
    buf.fill(9);
    expect(await blob.read(0, 3)).toEqual(bytes(1, 2, 3));
    await blob.close();
  });

  it("refuses reads out of range", async () => {
    const { storage } = make();
    const blob = await storage.open("r");
    await blob.append(bytes(1, 2, 3));
    await expectCode(blob.read(2, 2), "STORAGE_OUT_OF_RANGE");
    await expectCode(blob.read(-1, 1), "STORAGE_OUT_OF_RANGE");
    await expectCode(blob.read(0, 1.5), "STORAGE_OUT_OF_RANGE");
    await blob.close();
  });

  it("truncates, then appends at the new end", async () => {
    const { storage } = make();
    const blob = await storage.open("t");
    await blob.append(bytes(1, 2, 3, 4, 5));
    await blob.truncate(2);
    expect(await blob.size()).toBe(2);
    await blob.append(bytes(9));
    expect(await blob.read(0, 3)).toEqual(bytes(1, 2, 9));
    await expectCode(blob.truncate(4), "STORAGE_OUT_OF_RANGE");
    await blob.truncate(0);
    expect(await blob.size()).toBe(0);
    await blob.close();
  });

  it("lists by prefix in sorted order and removes", async () => {
    const { storage } = make();
    for (const n of ["j.0000000002", "j.0000000000", "k.0", "j.0000000001"]) await (await storage.open(n)).close();
    expect(await storage.list("j.")).toEqual(["j.0000000000", "j.0000000001", "j.0000000002"]);
    expect(await storage.list()).toEqual(["j.0000000000", "j.0000000001", "j.0000000002", "k.0"]);
    expect(await storage.remove("j.0000000001")).toBe(true);
    expect(await storage.remove("j.0000000001")).toBe(false);
    expect(await storage.list("j.")).toEqual(["j.0000000000", "j.0000000002"]);
  });

  it("open({create:false}) of a missing blob is STORAGE_NOT_FOUND and creates nothing", async () => {
    const { storage } = make();
    await expectCode(storage.open("missing", { create: false }), "STORAGE_NOT_FOUND");
    expect(await storage.list()).toEqual([]);
  });

  it("refuses names that are not plain file names", async () => {
    const { storage } = make();
    for (const bad of ["", ".", "..", ".hidden", "a/b", "../x", "a\\b", "a b", "é", "x".repeat(256)]) {
      await expectCode(storage.open(bad), "STORAGE_INVALID_NAME");
      await expectCode(storage.remove(bad), "STORAGE_INVALID_NAME");
    }
  });

  it("refuses to remove a blob with an open handle", async () => {
    const { storage } = make();
    const blob = await storage.open("busy");
    await expectCode(storage.remove("busy"), "STORAGE_BUSY");
    await blob.close();
    expect(await storage.remove("busy")).toBe(true);
  });

  it("refuses a closed handle", async () => {
    const { storage } = make();
    const blob = await storage.open("c");
    await blob.close();
    await expectCode(blob.append(bytes(1)), "STORAGE_CLOSED");
    await expectCode(blob.size(), "STORAGE_CLOSED");
    await expectCode(blob.sync(), "STORAGE_CLOSED");
  });

  it("two handles on one blob see each other's writes", async () => {
    const { storage } = make();
    const a = await storage.open("shared");
    const b = await storage.open("shared");
    await a.append(bytes(1, 2));
    expect(await b.size()).toBe(2);
    await b.append(bytes(3));
    expect(await a.read(0, 3)).toEqual(bytes(1, 2, 3));
    await a.close();
    await expectCode(storage.remove("shared"), "STORAGE_BUSY");
    await b.close();
  });

  it("synced contents survive a fresh process", async () => {
    const subject = make();
    const blob = await subject.storage.open("keep");
    await blob.append(text("durable"));
    await blob.sync();
    await blob.close();
    const again = subject.reopen();
    const reopened = await again.open("keep", { create: false });
    expect(new TextDecoder().decode(await reopened.read(0, await reopened.size()))).toBe("durable");
    await reopened.close();
  });
});

describe("FsStorage specifics", () => {
  it("is plain files: one per blob, byte for byte", async () => {
    const dir = tempDir();
    const storage = new FsStorage(dir);
    const blob = await storage.open("x.1");
    await blob.append(bytes(0xde, 0xad));
    await blob.sync();
    await blob.close();
    expect(new Uint8Array(await readFile(join(dir, "x.1")))).toEqual(bytes(0xde, 0xad));
    await writeFile(join(dir, ".editor-swap"), "x");
    expect(await storage.list()).toEqual(["x.1"]); // names that cannot be blobs are not listed
    expect((await readdir(dir)).sort()).toEqual([".editor-swap", "x.1"]);
  });
});

describe("SimStorage crash model", () => {
  it("a crash without rng keeps exactly the synced image", async () => {
    const sim = new SimStorage();
    const blob = await sim.open("s");
    await blob.append(bytes(1, 2, 3));
    await blob.sync();
    await blob.append(bytes(4, 5));
    await blob.truncate(1);
    await blob.append(bytes(7));
    expect(sim.contents("s")).toEqual(bytes(1, 7));
    expect(sim.durableContents("s")).toEqual(bytes(1, 2, 3));
    sim.crash();
    expect(sim.contents("s")).toEqual(bytes(1, 2, 3));
    expect(sim.stats.crashes).toBe(1);
  });

  it("creation and removal are durable at once; contents are not", async () => {
    const sim = new SimStorage();
    const a = await sim.open("a");
    await a.append(bytes(1));
    await a.close();
    await (await sim.open("gone")).close();
    await sim.remove("gone");
    sim.crash();
    expect(await sim.list()).toEqual(["a"]);
    expect(sim.contents("a")).toEqual(new Uint8Array(0));
  });

  it("handles from before a crash or restart are stale", async () => {
    const sim = new SimStorage();
    const old = await sim.open("h");
    sim.crash();
    await expectCode(old.append(bytes(1)), "STORAGE_STALE_HANDLE");
    await old.close(); // closing a dead handle is harmless
    const fresh = await sim.open("h");
    sim.restart();
    await expectCode(fresh.read(0, 0), "STORAGE_STALE_HANDLE");
    expect(await sim.remove("h")).toBe(true); // dead handles do not keep a blob busy
  });

  it("restart (process kill) keeps unsynced writes", async () => {
    const sim = new SimStorage();
    const blob = await sim.open("k");
    await blob.append(bytes(1, 2));
    sim.restart();
    expect(sim.contents("k")).toEqual(bytes(1, 2));
  });

  it("a torn crash leaves the durable image plus an ordered prefix of the unsynced tail, maybe with zeros", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer(),
        fc.uint8Array({ maxLength: 40 }),
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { maxLength: 6 }),
        async (seed, synced, unsynced) => {
          const sim = new SimStorage({ rng: seeded(seed) });
          const blob = await sim.open("b");
          await blob.append(synced);
          await blob.sync();
          for (const u of unsynced) await blob.append(u);
          const live = sim.contents("b")!;
          sim.crash();
          const after = sim.contents("b")!;
          // Never loses synced bytes, never grows past what was written.
          expect(after.length).toBeGreaterThanOrEqual(synced.length);
          expect(after.length).toBeLessThanOrEqual(live.length);
          expect(after.subarray(0, synced.length)).toEqual(synced);
          // Every byte after the synced image is either what was written there or zero.
          for (let i = synced.length; i < after.length; i++) expect(after[i] === live[i] || after[i] === 0).toBe(true);
          // And it is now the durable image.
          expect(sim.durableContents("b")).toEqual(after);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("torn crashes actually tear: over many seeds, lengths fall strictly between synced and live", async () => {
    const seen = new Set<number>();
    let zeros = 0;
    for (let seed = 0; seed < 200; seed++) {
      const sim = new SimStorage({ rng: seeded(seed) });
      const blob = await sim.open("b");
      await blob.append(bytes(1, 1, 1, 1));
      await blob.sync();
      await blob.append(new Uint8Array(16).fill(5));
      sim.crash();
      const after = sim.contents("b")!;
      seen.add(after.length);
      if (after.subarray(4).includes(0)) zeros++;
    }
    expect([...seen].some((n) => n > 4 && n < 20)).toBe(true);
    expect(seen.has(4)).toBe(true);
    expect(seen.has(20)).toBe(true);
    expect(zeros).toBeGreaterThan(0);
  });

  it("is deterministic: one seed and one operation sequence give byte-identical blobs", async () => {
    type Op =
      | { kind: "append"; blob: number; data: Uint8Array }
      | { kind: "sync"; blob: number }
      | { kind: "truncate"; blob: number; to: number }
      | { kind: "crash" };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant("append" as const), blob: fc.nat(2), data: fc.uint8Array({ minLength: 1, maxLength: 30 }) }),
      fc.record({ kind: fc.constant("sync" as const), blob: fc.nat(2) }),
      fc.record({ kind: fc.constant("truncate" as const), blob: fc.nat(2), to: fc.nat(40) }),
      fc.constant({ kind: "crash" as const }),
    );
    const run = async (seed: number, ops: Op[]) => {
      const sim = new SimStorage({ rng: seeded(seed) });
      const trace: string[] = [];
      for (const o of ops) {
        if (o.kind === "crash") {
          sim.crash();
          continue;
        }
        const blob = await sim.open(`blob${o.blob}`);
        if (o.kind === "append") await blob.append(o.data);
        else if (o.kind === "sync") await blob.sync();
        else await blob.truncate(Math.min(o.to, await blob.size()));
        await blob.close();
        trace.push(JSON.stringify([...sim.snapshot()].map(([n, b]) => [n, Buffer.from(b).toString("hex")])));
      }
      return { snapshot: sim.snapshot(), trace };
    };
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.array(op, { maxLength: 40 }), async (seed, ops) => {
        const a = await run(seed, ops);
        const b = await run(seed, ops);
        expect(b.trace).toEqual(a.trace);
        expect([...b.snapshot.keys()]).toEqual([...a.snapshot.keys()]);
        for (const [name, content] of a.snapshot) expect(Buffer.from(b.snapshot.get(name)!).equals(Buffer.from(content))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
