// A throwaway PostgreSQL server on loopback for tests: initdb into a temp folder, start on a spare
// port, stop and delete afterwards (or, should the test process end first, a reaper does:
// reaper.ts). PostgreSQL will not run as root, so as root the server runs as the `postgres` system
// user (runuser). The binaries are found on PATH or under /usr/lib/postgresql/<version>/bin
// (Debian's package `postgresql`).
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { reapOnExit, shellQuote } from "./reaper.js";

export interface Postgres {
  url: string;
  /** Stops the server and deletes its folder; later calls do nothing. */
  stop(): void;
  /** Kills the server as a crash would (`-m immediate`), keeping its data: an outage. */
  crash(): void;
  /** Starts the server again on the same port and data after crash(). */
  restart(): void;
  /**
   * Stops every process of the server (SIGSTOP): its connections stay open and nothing is answered,
   * as with a server gone silent behind a network fault. New connections reach the kernel's backlog only.
   */
  freeze(): void;
  /** Lets a frozen server run again (SIGCONT). */
  thaw(): void;
}

function binDir(): string | undefined {
  const onPath = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" }).stdout.trim();
  if (onPath) return join(onPath, "..");
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(root, v, "bin", "initdb"))) return join(root, v, "bin");
  return undefined;
}

/** Why PostgreSQL cannot be started here (one line to print), or undefined when it can. */
export function postgresMissing(): string | undefined {
  return binDir() ? undefined : "PostgreSQL is not installed: apt-get install postgresql (initdb, pg_ctl) to run the shared-store tests";
}

export function startPostgres(port: number): Postgres {
  const bin = binDir();
  if (!bin) throw new Error(postgresMissing());
  const dir = mkdtempSync(join(tmpdir(), "relay-pg-"));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    asRoot ? execFileSync("runuser", ["-u", "postgres", "--", join(bin, cmd), ...args]) : execFileSync(join(bin, cmd), args);
  if (asRoot)
    chownSync(
      dir,
      Number(execFileSync("id", ["-u", "postgres"]).toString().trim()),
      Number(execFileSync("id", ["-g", "postgres"]).toString().trim()),
    );
  const data = join(dir, "data");
  run("initdb", ["-D", data, "-A", "trust", "-U", "relay", "--no-sync"]);
  const start = () =>
    run("pg_ctl", [
      "-D",
      data,
      "-l",
      join(dir, "server.log"),
      "-w",
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      "start",
    ]);
  start();
  // Should this process end without stop() (a crash, a kill), the server and its folder go anyway.
  const pgCtl = [...(asRoot ? ["runuser", "-u", "postgres", "--"] : []), join(bin, "pg_ctl")].map(shellQuote).join(" ");
  // A frozen server is let run first: stopped, it would never act on pg_ctl's signal.
  const thawAll = `pm=$(head -n 1 ${shellQuote(join(data, "postmaster.pid"))} 2>/dev/null) && { kill -CONT "$pm"; pkill -CONT -P "$pm"; }`;
  const reaper = reapOnExit(`${thawAll}; ${pgCtl} -D ${shellQuote(data)} -m immediate -w stop; rm -rf ${shellQuote(dir)}`);
  let stopped = false;
  // The postmaster (first line of postmaster.pid) and the backends and workers it forked.
  const serverPids = () => {
    const postmaster = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
    const children = spawnSync("pgrep", ["-P", String(postmaster)], { encoding: "utf8" })
      .stdout.split("\n")
      .filter(Boolean)
      .map(Number);
    return [postmaster, ...children];
  };
  let frozen: number[] = [];
  const thaw = () => {
    for (const pid of frozen) process.kill(pid, "SIGCONT");
    frozen = [];
  };
  return {
    url: `postgres://relay@127.0.0.1:${port}/postgres`,
    crash: () => run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]),
    restart: start,
    freeze() {
      frozen = serverPids();
      for (const pid of frozen) process.kill(pid, "SIGSTOP");
    },
    thaw,
    stop() {
      if (stopped) return; // a second call (an exit hook after the normal stop) finds nothing to stop
      stopped = true;
      reaper.cancel();
      try {
        thaw();
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
