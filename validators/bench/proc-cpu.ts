// CPU time of processes and of the whole machine, read from /proc (Linux): where a benchmark's
// cores went, by process, independent of how fast the machine happens to be at that moment.
import { readFileSync } from "node:fs";

/** Clock ticks a second of /proc's counters (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of process `pid` (every thread), or 0 when it is gone. */
export function processCpuSeconds(pid: number | undefined): number {
  return pid === undefined ? 0 : statCpuSeconds(`/proc/${pid}/stat`);
}

/** The same for the main thread of process `pid` alone (a Node process's event loop). */
export function mainThreadCpuSeconds(pid: number | undefined): number {
  return pid === undefined ? 0 : statCpuSeconds(`/proc/${pid}/task/${pid}/stat`);
}

/** User + system CPU seconds in a /proc stat file (a process's or a thread's), or 0 when it is gone. */
function statCpuSeconds(path: string): number {
  try {
    const stat = readFileSync(path, "utf8");
    // Fields after the command name, which may hold spaces: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** processCpuSeconds summed over several processes (those gone count 0). */
export function processesCpuSeconds(pids: readonly (number | undefined)[]): number {
  return pids.reduce((sum: number, pid) => sum + processCpuSeconds(pid), 0);
}

/** Busy and total CPU seconds of the machine (all cores), since boot. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const [, ...ticks] = (readFileSync("/proc/stat", "utf8").split("\n")[0] as string).trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = ticks.map(Number) as number[];
  // Stolen time (the host ran something else on our core) is in the total, not in busy.
  const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0);
  return { busy: busy / TICKS_PER_SECOND, total: (busy + (idle ?? 0) + (iowait ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND };
}

/**
 * The calling thread's time on a core and runnable but off the cores (waiting for one), in ms
 * since it started: the kernel's per-thread scheduler accounting, /proc/thread-self/schedstat.
 */
export function threadSchedMs(): { runMs: number; waitMs: number } {
  const [run, wait] = readFileSync("/proc/thread-self/schedstat", "utf8").split(" ");
  return { runMs: Number(run) / 1e6, waitMs: Number(wait) / 1e6 };
}
