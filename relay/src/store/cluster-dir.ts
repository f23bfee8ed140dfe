// Where a data folder's PGlite cluster lives, and its creation made all-or-nothing. initdb writes a
// cluster file by file, PG_VERSION among the first, so a relay killed meanwhile (SIGKILL, the OOM
// killer, a host pulled) left a folder that looked like a cluster and could not be opened ("PGlite
// failed to initialize properly"): it never started again on that folder. A new cluster is now
// created in `cluster.creating/` and renamed to `cluster/` once complete (a rename is atomic), and
// what an interrupted creation left is removed before the next one. Folders created before this
// hold their cluster at the top (PG_VERSION there) and are opened where they are.
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

export const CLUSTER_DIR = "cluster";
export const CREATING_DIR = "cluster.creating";

/**
 * The cluster's folder in `dataDir` (the folder itself in the older layout, else `dataDir/cluster`),
 * created first by `create` (given an empty folder's path) when there is none.
 */
export async function ensureCluster(dataDir: string, create: (dir: string) => Promise<void>): Promise<string> {
  if (existsSync(join(dataDir, "PG_VERSION"))) return dataDir;
  const dir = join(dataDir, CLUSTER_DIR);
  if (existsSync(join(dir, "PG_VERSION"))) return dir;
  const creating = join(dataDir, CREATING_DIR);
  rmSync(creating, { recursive: true, force: true }); // an earlier creation's, cut short
  mkdirSync(creating);
  await create(creating);
  renameSync(creating, dir);
  return dir;
}
