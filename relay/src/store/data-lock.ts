// One relay per data folder. PGlite has no lock of its own and two processes writing one cluster
// corrupt it (a second `npm run relay -- --data DIR` beside a running one would have opened it).
// While its store is open a relay holds `relay.lock` in the folder, holding its pid; a lock whose
// process is gone is stale and taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

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

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // alive, someone else's
  }
}

/** Takes `dataDir` for this process (creating it); returns the release. Throws DataFolderInUse when a running process holds it. */
export function lockDataFolder(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: "wx" }); // O_EXCL: of two relays starting at once, one wins
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = Number(readFileSync(path, "utf8"));
      // This process's own lock is held too: one PGlite per folder, even within a process.
      if (attempt > 0 || (Number.isInteger(holder) && holder > 0 && isRunning(holder))) throw new DataFolderInUse(dataDir, holder);
      rmSync(path, { force: true }); // stale: its relay is gone
    }
  }
  return () => rmSync(path, { force: true });
}
