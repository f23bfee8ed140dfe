// Cleanup that runs however this process ends. A daemon a test starts (Redis, PostgreSQL) outlives
// a test process that crashes or is killed, and `process.on("exit")` hooks do not run then. A
// reaper is a small shell in its own session that waits for its stdin, a pipe from this process,
// to close (this process is gone: the kernel closes the pipe whatever the way), then runs its
// command. The normal stop cancels it first, so it never acts on a pid that may have been reused.
import { spawn } from "node:child_process";

export interface Reaper {
  /** Stops the reaper without running its command (the daemon was stopped the normal way). */
  cancel(): void;
}

/** Runs the shell `command` once this process has exited, unless cancelled before. */
export function reapOnExit(command: string): Reaper {
  const shell = spawn("sh", ["-c", `read _; ${command}`], { stdio: ["pipe", "ignore", "ignore"], detached: true });
  // Neither the shell nor the pipe keeps this process alive.
  shell.unref();
  (shell.stdin as { unref?: () => void } | null)?.unref?.();
  return {
    cancel() {
      if (shell.exitCode === null && shell.signalCode === null) shell.kill("SIGKILL");
    },
  };
}

/** `s` quoted for sh. */
export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
