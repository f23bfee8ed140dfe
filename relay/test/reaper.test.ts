// The daemons a relay test starts (support/redis.ts, support/postgres.ts) do not outlive the test
// process, even when it is killed with SIGKILL and none of its own cleanup runs: their reapers
// (support/reaper.ts) stop them once the process is gone.
import { spawn } from "node:child_process";
import { connect } from "node:net";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freeBase } from "./support/devnet.js";

const PARENT = fileURLToPath(new URL("./support/daemons-parent.ts", import.meta.url));

/** Whether something accepts TCP connections on loopback `port`. */
const listens = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });

describe("test daemons whose test process dies", () => {
  it("stop: Redis and PostgreSQL close their ports once the process that started them is killed", async () => {
    const redisPort = await freeBase(1);
    const pgPort = await freeBase(1);
    const parent = spawn(process.execPath, ["--import", "tsx", PARENT, String(redisPort), String(pgPort)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: parent.stdout }).once("line", () => resolve());
      parent.once("exit", (code) => reject(new Error(`the parent exited first (${code})`)));
    });
    expect(await listens(redisPort)).toBe(true);
    expect(await listens(pgPort)).toBe(true);
    parent.kill("SIGKILL");
    const deadline = Date.now() + 20_000;
    while (((await listens(redisPort)) || (await listens(pgPort))) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect({ redis: await listens(redisPort), postgres: await listens(pgPort) }).toEqual({ redis: false, postgres: false });
  }, 120_000);
});
