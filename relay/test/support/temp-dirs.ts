// Temp folders a test file makes (devnets, relay stores), removed in its afterAll once what wrote
// to them has stopped: a relay store is ~40 MB, and repeated runs had left gigabytes in /tmp.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];

/** A new folder under the system's temp folder, named `prefix` and a random suffix. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder `tempDir` made in this process so far. */
export async function removeTempDirs(): Promise<void> {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
}
