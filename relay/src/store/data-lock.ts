// One relay per data folder. PGlite has no lock of its own and two processes writing one cluster
// corrupt it (a second `npm run relay -- --data DIR` beside a running one would have opened it).
// While its store is open a relay holds `relay.lock` in the folder, naming its process; a lock
// whose process is gone is stale and taken over.
//
// "Gone" is more than "no process has that pid": a relay killed outright (SIGKILL, the OOM
// killer) leaves its lock behind, and pids are reused. In a container the relay is often pid 1
// again after a restart, and a lock naming this very pid was taken for this process's own, so a
// killed containerized relay never started again. So the lock also names the process's start time
// (field 22 of /proc/<pid>/stat) and the machine's boot (/proc/sys/kernel/random/boot_id): a pid
// that runs now but started at another time, or on another boot, is another process. Where /proc
// is not there the lock holds the pid only and is judged by it, as before. A lock of the older
// form (the pid alone) is judged by the pid too, except that this process's own pid is stale: the
// folders this process holds are known in memory.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export class DataFolderInUse extends Error {
  override readonly name = "DataFolderInUse";
  readonly code = "RELAY_DATA_IN_USE";
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`RELAY_DATA_IN_USE: ${dataDir} is the store of a running relay (pid ${pid}); stop it first or use another --data`);
  }
}

const LOCK_FILE = "relay.lock";

/** Who holds a lock: a pid, and where known, when that process started and on which boot. */
export interface LockHolder {
  pid: number;
  start?: string;
  boot?: string;
}

/** Lock files this process holds (one PGlite per folder, even within a process). */
const held = new Set<string>();

function readOr(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The start time of process `pid` in clock ticks since boot (/proc/<pid>/stat, field 22), if readable. */
export function startTimeOf(pid: number): string | undefined {
  const stat = readOr(`/proc/${pid}/stat`);
  return stat === undefined ? undefined : startTimeInStat(stat);
}

/** Field 22 of a /proc/<pid>/stat line, if it has one. */
export function startTimeInStat(stat: string): string | undefined {
  // Field 2 (the command) is in parentheses and may hold spaces or parentheses: count after the last ")".
  const close = stat.lastIndexOf(")");
  if (close < 0) return undefined;
  const start = stat.slice(close + 2).split(" ")[19]; // field 22; the first after ")" is field 3
  return start !== undefined && /^[0-9]+$/.test(start) ? start : undefined;
}

function bootId(): string | undefined {
  return readOr("/proc/sys/kernel/random/boot_id")?.trim() || undefined;
}

/** This process, as a lock names it. */
export function thisProcess(): LockHolder {
  const start = startTimeOf(process.pid);
  const boot = bootId();
  return { pid: process.pid, ...(start ? { start } : {}), ...(boot ? { boot } : {}) };
}

/** A lock file's holder: JSON `{pid, start?, boot?}` or the older bare pid; undefined if neither. */
export function parseLock(text: string): LockHolder | undefined {
  const trimmed = text.trim();
  if (/^[1-9][0-9]{0,9}$/.test(trimmed)) return { pid: Number(trimmed) };
  try {
    const v = JSON.parse(trimmed) as Record<string, unknown>;
    if (typeof v !== "object" || v === null || !Number.isSafeInteger(v.pid) || (v.pid as number) <= 0) return undefined;
    const out: LockHolder = { pid: v.pid as number };
    if (typeof v.start === "string") out.start = v.start;
    if (typeof v.boot === "string") out.boot = v.boot;
    return out;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // alive, someone else's
  }
}

/** Whether the process a lock names still runs (that process, not another with its pid). */
export function isHolderAlive(
  h: LockHolder,
  now: { boot?: string; startOf(pid: number): string | undefined } = { boot: bootId(), startOf: startTimeOf },
): boolean {
  if (h.pid === process.pid) return false; // this process's own locks are in `held`; this one is a past process's
  if (!isRunning(h.pid)) return false;
  if (h.boot !== undefined && now.boot !== undefined && h.boot !== now.boot) return false;
  if (h.start !== undefined) {
    const start = now.startOf(h.pid);
    if (start !== undefined && start !== h.start) return false;
  }
  return true;
}

/** Takes `dataDir` for this process (creating it); returns the release. Throws DataFolderInUse when a running process holds it. */
export function lockDataFolder(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = resolve(join(dataDir, LOCK_FILE));
  if (held.has(path)) throw new DataFolderInUse(dataDir, process.pid);
  for (let attempt = 0; ; attempt++) {
    try {
      // O_EXCL: of two relays starting at once, one wins.
      writeFileSync(path, JSON.stringify(thisProcess()), { flag: "wx" });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = parseLock(readOr(path) ?? "");
      if (attempt > 0) throw new DataFolderInUse(dataDir, holder?.pid ?? 0);
      if (holder && isHolderAlive(holder)) throw new DataFolderInUse(dataDir, holder.pid);
      rmSync(path, { force: true }); // stale: its relay is gone
    }
  }
  held.add(path);
  return () => {
    if (!held.delete(path)) return;
    rmSync(path, { force: true });
  };
}
