// A process that starts a devnet and then dies without stopping it (devnet-orphans.test.ts kills it
// with SIGKILL): argv dir, peer base port, API base port, wasm path. Prints one line
// {"pids": [...]} once every validator's API answers, then waits to be killed.
import { readFileSync } from "node:fs";
import { Devnet } from "../../src/cli/devnet.js";

const [dir, basePort, apiBasePort, wasmPath] = process.argv.slice(2) as [string, string, string, string];
const devnet = await Devnet.create({
  dir,
  basePort: Number(basePort),
  apiBasePort: Number(apiBasePort),
  wasmPath,
  fresh: true,
  say: () => {},
});
devnet.startAll();
try {
  await devnet.waitFor(0n, 60_000); // every validator's API answers
} catch (e) {
  // The test removes the folder: say here what each validator logged last (once, CI70: v0 never
  // answered while the others finalized 539 heights).
  for (let i = 0; i < devnet.n; i++) {
    const lines = readFileSync(devnet.logPath(i), "utf8").trimEnd().split("\n");
    process.stderr.write(`[devnet-parent] v${i}/validator.log, last lines:\n${lines.slice(-15).join("\n")}\n`);
  }
  throw e;
}
console.log(JSON.stringify({ pids: devnet.children.map((c) => c?.pid) }));
setInterval(() => {}, 1000);
