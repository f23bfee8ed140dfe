// The data folder's lock against the ways a killed relay's lock is left behind: naming this very
// pid (a containerized relay is pid 1 again after a restart), naming a pid that another process
// took since (reuse), naming a process of an earlier boot, or a process that is gone. Each is taken
// over; a lock naming a process that runs, the one that wrote it, is refused, as is a second lock
// of one folder within this process. (Across real processes: pglite-thread.test.ts, crash.test.ts.)
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { fuzzRuns } from "../../core-as/test/support/fuzz.js";
import { isHolderAlive, lockDataFolder, parseLock, startTimeInStat, startTimeOf, thisProcess } from "../src/store/data-lock.js";

const dirs: string[] = [];
const children: ChildProcess[] = [];
function folder(): string {
  const d = mkdtempSync(join(tmpdir(), "relay-lock-"));
  dirs.push(d);
  return d;
}
async function otherProcess(): Promise<ChildProcess> {
  const p = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
  children.push(p);
  await new Promise((r) => p.once("spawn", r));
  return p;
}

afterAll(() => {
  for (const p of children) p.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const hasProc = existsSync("/proc/self/stat");

describe("data folder lock", () => {
  it("names this process, with its start time and boot where /proc has them", () => {
    const me = thisProcess();
    expect(me.pid).toBe(process.pid);
    if (hasProc) {
      expect(me.start).toMatch(/^[0-9]+$/);
      expect(me.boot).toBe(readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim());
    }
    const dir = folder();
    const release = lockDataFolder(dir);
    expect(parseLock(readFileSync(join(dir, "relay.lock"), "utf8"))).toEqual(me);
    // A second lock of the folder within this process is refused; once released it can be taken again.
    expect(() => lockDataFolder(dir)).toThrow(`RELAY_DATA_IN_USE: ${dir} is the store of a running relay (pid ${process.pid})`);
    release();
    expect(existsSync(join(dir, "relay.lock"))).toBe(false);
    lockDataFolder(dir)();
  });

  it("takes over a lock a past process with this pid left (a restarted container's pid 1), in either form", () => {
    for (const text of [String(process.pid), JSON.stringify({ ...thisProcess(), start: "1" })]) {
      const dir = folder();
      writeFileSync(join(dir, "relay.lock"), text);
      const release = lockDataFolder(dir);
      expect(parseLock(readFileSync(join(dir, "relay.lock"), "utf8"))).toEqual(thisProcess());
      release();
    }
  });

  it("refuses a lock naming a running process, and takes over one whose pid now runs another process, or ran on another boot", async () => {
    const other = await otherProcess();
    const pid = other.pid as number;
    const start = startTimeOf(pid);
    const boot = thisProcess().boot;
    const live = [String(pid), JSON.stringify({ pid, ...(start ? { start } : {}), ...(boot ? { boot } : {}) })];
    for (const text of live) {
      const dir = folder();
      writeFileSync(join(dir, "relay.lock"), text);
      expect(() => lockDataFolder(dir)).toThrow(`(pid ${pid})`);
      expect(readFileSync(join(dir, "relay.lock"), "utf8")).toBe(text); // left as it was
    }
    if (hasProc) {
      expect(start).toMatch(/^[0-9]+$/);
      const reused = JSON.stringify({ pid, start: String(BigInt(start as string) + 1n), boot });
      const earlierBoot = JSON.stringify({ pid, start, boot: "00000000-0000-0000-0000-000000000000" });
      for (const text of [reused, earlierBoot]) {
        const dir = folder();
        writeFileSync(join(dir, "relay.lock"), text);
        lockDataFolder(dir)();
      }
    }
    // Gone: taken over.
    const exited = new Promise((r) => other.once("exit", r));
    other.kill("SIGKILL");
    await exited;
    const dir = folder();
    writeFileSync(join(dir, "relay.lock"), JSON.stringify({ pid, start, boot }));
    lockDataFolder(dir)();
  });

  it("judges a holder by what the lock names and what the machine says now", () => {
    const pid = process.ppid; // runs, and is not this process
    const now = { boot: "b1", startOf: (p: number) => (p === pid ? "500" : undefined) };
    expect(isHolderAlive({ pid, start: "500", boot: "b1" }, now)).toBe(true);
    expect(isHolderAlive({ pid }, now)).toBe(true);
    expect(isHolderAlive({ pid, start: "501", boot: "b1" }, now)).toBe(false);
    expect(isHolderAlive({ pid, start: "500", boot: "b0" }, now)).toBe(false);
    expect(isHolderAlive({ pid, start: "500" }, { startOf: () => undefined })).toBe(true); // nothing to tell by
    expect(isHolderAlive({ pid: process.pid }, now)).toBe(false);
  });

  it("reads the start time after the command, whatever the command holds", () => {
    const rest = "S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 987654 20 21";
    expect(startTimeInStat(`42 (node) ${rest}`)).toBe("987654");
    expect(startTimeInStat(`42 (a) (b) c d) ${rest}`)).toBe("987654");
    expect(startTimeInStat("42 (node) S 1 2")).toBeUndefined();
    expect(startTimeInStat("no command here")).toBeUndefined();
    if (hasProc) expect(startTimeOf(process.pid)).toBe(startTimeInStat(readFileSync("/proc/self/stat", "utf8")));
  });

  it("reads any lock file's text without throwing: a holder only from a pid or a {pid, start?, boot?} object", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          const h = parseLock(text);
          if (h === undefined) return;
          expect(Number.isSafeInteger(h.pid) && h.pid > 0).toBe(true);
          expect(h.start === undefined || typeof h.start === "string").toBe(true);
          expect(h.boot === undefined || typeof h.boot === "string").toBe(true);
        },
      ),
      { numRuns: fuzzRuns(500) },
    );
    expect(parseLock("0")).toBeUndefined();
    expect(parseLock("-5")).toBeUndefined();
    expect(parseLock("null")).toBeUndefined();
    expect(parseLock('{"pid":7,"start":"9"}')).toEqual({ pid: 7, start: "9" });
  });
});
