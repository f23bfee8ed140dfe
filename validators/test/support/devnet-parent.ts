// A process that starts a devnet and then dies without stopping it (devnet-orphans.test.ts kills it
// with SIGKILL): argv dir, peer base port, API base port, wasm path. Prints one line
// {"pids": [...]} once every validator's API answers, then waits to be killed.
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
await devnet.waitFor(0n, 60_000); // every validator's API answers
console.log(JSON.stringify({ pids: devnet.children.map((c) => c?.pid) }));
setInterval(() => {}, 1000);
