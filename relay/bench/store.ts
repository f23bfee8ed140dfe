// npm run bench:store -w relay [-- --heights 10 --txs 500 --mix registrations|spins]
// What storing a verified height costs the relay: heights of --txs transactions (real blocks,
// events and records from a LocalChain) put into a fresh store on the PGlite thread with a data
// folder, as `npm start` runs it. Registrations: each a new account. Spins: --txs players who
// registered and sat at a roulette table (not timed) spin once each per height, every spin a
// round event that moves its session and its player's balance. Prints the median ms per height
// and µs per transaction, and as its last line {mix, heights, txsPerHeight, putMsP50, putUsPerTx}.

import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalChain, roulette } from "@nullspace/core";
import { median, numberArg, round, stringArg } from "../../validators/bench/stats.js";
import { openDb } from "../src/store/db.js";
import { migrate } from "../src/store/migrations.js";
import { Store } from "../src/store/store.js";
import { WASM_PATH } from "../test/support/devnet.js";
import { sealApplied } from "../test/support/local-heights.js";

const HEIGHTS = numberArg("heights", 10);
const TXS = numberArg("txs", 500);
const MIX = stringArg("mix", "registrations");
if (MIX !== "registrations" && MIX !== "spins") throw new Error("--mix is registrations or spins");
const dir = await mkdtemp(join(tmpdir(), "nullspace-store-bench-"));
const db = await openDb({ dataDir: dir });
await migrate(db);
const chain = await LocalChain.create({ wasm: new Uint8Array(readFileSync(WASM_PATH)) });
const store = new Store(db, chain.core.codec);
const times: number[] = [];
let player = 0;
const seated = Array.from({ length: MIX === "spins" ? TXS : 0 }, (_, k) => LocalChain.signer(500_000 + k));
if (seated.length > 0) {
  for (const [k, s] of seated.entries()) chain.submit(s, { op: "register", name: `s${k}` });
  await store.put(sealApplied(chain));
  for (const s of seated) chain.submit(s, roulette.start(1n));
  await store.put(sealApplied(chain));
}
for (let h = 0; h < HEIGHTS; h++) {
  if (MIX === "spins") for (const s of seated) chain.submit(s, roulette.spin(1n, [roulette.red(1n)]));
  else for (let k = 0; k < TXS; k++, player++) chain.submit(LocalChain.signer(10_000 + player), { op: "register", name: `p${player}` });
  const applied = sealApplied(chain);
  const t0 = performance.now();
  await store.put(applied);
  times.push(performance.now() - t0);
  console.log(`[store] height ${applied.height}: ${TXS} ${MIX} stored in ${round(times.at(-1) as number, 1)} ms`);
}
await db.close();
await rm(dir, { recursive: true, force: true });
const p50 = median(times);
console.log(`[store] median ${round(p50, 1)} ms a height, ${round((1000 * p50) / TXS, 1)} µs a transaction`);
console.log(
  JSON.stringify({ mix: MIX, heights: HEIGHTS, txsPerHeight: TXS, putMsP50: round(p50, 1), putUsPerTx: round((1000 * p50) / TXS, 1) }),
);
