// A throwaway Redis server on loopback for the bus tests: daemonized on a spare port with a pid
// file in a temp folder, killed by that pid (SIGKILL: the bus crashing is what the tests want) or
// frozen (SIGSTOP), and startable again on the same port; killed by a reaper (reaper.ts) if the test process ends
// without stopping it. No persistence: pub/sub keeps nothing anyway.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Reaper, reapOnExit, shellQuote } from "./reaper.js";

export interface RedisServer {
  url: string;
  /** Kills the server (SIGKILL, by its pid) and waits until the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port; resolves once it wrote its pid file. */
  start(): Promise<void>;
  /** Stops the process (SIGSTOP): connections stay open and nothing is answered, as behind a network fault. */
  freeze(): void;
  /** Lets a frozen server run again (SIGCONT). */
  thaw(): void;
  /** Kills it if running and deletes its folder. */
  stop(): Promise<void>;
}

/** Why Redis cannot be started here (one line to print), or undefined when it can. */
export function redisMissing(): string | undefined {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" }).stdout.trim();
  return found ? undefined : "Redis is not installed: apt-get install redis-server to run the relay bus tests";
}

/** Whether process `pid` still runs (a zombie left for a non-reaping init counts as gone). */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startRedis(port: number): Promise<RedisServer> {
  const missing = redisMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), "relay-redis-"));
  const pidFile = join(dir, "redis.pid");
  let pid: number | undefined;
  /** Kills this pid and deletes the folder should this process end without stopping it. */
  let reaper: Reaper | undefined;
  const start = async () => {
    rmSync(pidFile, { force: true });
    // --daemonize returns once the server forked; the pid file exists once it listens.
    execFileSync("redis-server", [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--daemonize",
      "yes",
      "--pidfile",
      pidFile,
      "--dir",
      dir,
      "--logfile",
      join(dir, "redis.log"),
      "--save",
      "",
      "--appendonly",
      "no",
    ]);
    // The file can exist a moment before its number is in it: read until it holds one.
    const readPid = () => (existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) : 0);
    for (let i = 0; i < 200 && !(readPid() > 0); i++) await pause(50);
    pid = readPid();
    if (!Number.isSafeInteger(pid) || pid <= 0) {
      // It may still be running without a pid to kill it by: stop it through its port.
      spawnSync("redis-cli", ["-p", String(port), "shutdown", "nosave"], { timeout: 2000 });
      throw new Error(`redis-server wrote no pid (see ${dir}/redis.log)`);
    }
    reaper = reapOnExit(`kill -9 ${pid}; rm -rf ${shellQuote(dir)}`);
  };
  const kill = async () => {
    const p = pid;
    pid = undefined;
    reaper?.cancel();
    reaper = undefined;
    if (p === undefined || !isAlive(p)) return;
    process.kill(p, "SIGKILL");
    while (isAlive(p)) await pause(20);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    freeze() {
      if (pid !== undefined) process.kill(pid, "SIGSTOP");
    },
    thaw() {
      if (pid !== undefined) process.kill(pid, "SIGCONT");
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
