// A devnet refuses to start on addresses something else holds (src/cli/devnet.ts, cli/main.ts):
// a second `validators devnet` (or `npm start`) beside a running one used to read the first one's
// /readyz as its own, print "4 validators finalizing", and then watch its validators exit with
// NET_LISTEN_FAILED. Now it names the addresses in use and starts nothing.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Devnet } from "../src/cli/devnet.js";
import { addressesInUse, isPortFree } from "../src/cli/ports.js";
import { freeBase } from "./support/free-ports.js";
import { WASM_PATH } from "./support/wasm.js";

const MAIN = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const dirs: string[] = [];
const servers: Server[] = [];

afterAll(async () => {
  for (const s of servers) s.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Holds 127.0.0.1:port until the file's end, as another program would. */
async function hold(port: number): Promise<void> {
  const s = createServer();
  servers.push(s);
  await new Promise<void>((resolve) => s.listen(port, "127.0.0.1", resolve));
}

describe("a devnet's addresses", () => {
  it("are checked by binding them: a held port is in use, a free one is not", async () => {
    const base = await freeBase(2);
    await hold(base);
    expect(await isPortFree(base)).toBe(false);
    expect(await isPortFree(base + 1)).toBe(true);
    expect(
      await addressesInUse([
        { host: "127.0.0.1", port: base + 1 },
        { host: "127.0.0.1", port: base },
      ]),
    ).toEqual([`127.0.0.1:${base}`]);
  });

  it("in use: `validators devnet` names them, exits 1 and starts no validator", async () => {
    const dir = await mkdtemp(join(tmpdir(), "nullspace-ports-"));
    dirs.push(dir);
    const base = await freeBase(20);
    const devnet = await Devnet.create({ dir, n: 4, basePort: base, apiBasePort: base + 10, wasmPath: WASM_PATH });
    expect(await devnet.addressesInUse()).toEqual([]);
    await hold(base + 2); // validator 2's peer link
    await hold(base + 13); // validator 3's API
    expect(await devnet.addressesInUse()).toEqual([`127.0.0.1:${base + 2}`, `127.0.0.1:${base + 13}`]);

    const child = spawn(process.execPath, ["--import", "tsx", MAIN, "devnet", "--dir", dir, "--wasm", WASM_PATH], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      out += b.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);
    expect(out).toContain(`DEVNET_PORTS_IN_USE: 127.0.0.1:${base + 2}, 127.0.0.1:${base + 13} already in use`);
    expect(out).not.toContain("finalizing");
    for (let i = 0; i < 4; i++) expect(existsSync(join(dir, `v${i}`, "validator.log"))).toBe(false);
  });

  it("taken after the check: waiting for the devnet names the validator that exited and its log", async () => {
    // A client socket can take a port between the check and the bind; a test then waited a minute
    // on "v2 starting" for a validator long gone.
    const dir = await mkdtemp(join(tmpdir(), "nullspace-ports-"));
    dirs.push(dir);
    const base = await freeBase(20);
    const devnet = await Devnet.create({ dir, n: 4, basePort: base, apiBasePort: base + 10, wasmPath: WASM_PATH, say: () => {} });
    await hold(base + 12); // validator 2's API
    devnet.startAll();
    try {
      const started = performance.now();
      await expect(devnet.waitFor(0n, 60_000)).rejects.toThrow(`v2 exited (code 1; log: ${join(dir, "v2", "validator.log")})`);
      expect(performance.now() - started).toBeLessThan(30_000); // not the deadline's minute
    } finally {
      await devnet.stop();
    }
  }, 60_000);
});
