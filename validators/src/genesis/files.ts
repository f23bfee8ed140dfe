// Genesis on disk: one public file and one secret file per validator and admin (mode 0600).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AdminSecret, GenesisFile, ValidatorSecret } from "./genesis.js";

export const GENESIS_FILE = "genesis.json";
export const validatorKeyFile = (i: number) => `validator-${i}.key.json`;
export const adminKeyFile = (j: number) => `admin-${j}.key.json`;

export async function writeGenesisDir(
  dir: string,
  c: { genesis: GenesisFile; validators: ValidatorSecret[]; admins: AdminSecret[] },
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const put = async (name: string, value: unknown, mode: number) => {
    const path = join(dir, name);
    // "wx": never overwrite a key someone may already be using.
    await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { mode, flag: "wx" });
    written.push(path);
  };
  await put(GENESIS_FILE, c.genesis, 0o644);
  for (const v of c.validators) await put(validatorKeyFile(v.index), v, 0o600);
  for (const [j, a] of c.admins.entries()) await put(adminKeyFile(j), a, 0o600);
  return written;
}

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, "utf8")) as T;
}
