// `npm run drill:registrations -w relay -- [--url http://127.0.0.1:8080] [--rate 300] [--seconds 60] [--chain-id 1337]`:
// fresh accounts register through a running relay (`npm start`) at `rate` a second from 20 loopback
// addresses, each transaction sent once. Then the chain's totals before and after (/stats) say
// how many transactions the blocks carried and how many registered: every other one a block carried
// was a repeat of one already included, executed as a txError (a leader proposing on ancestors it
// did not know; chain-app.ts). Prints a summary line and, last, one JSON object.
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { Core, sha256, signerFromSeedSync, signTxSync } from "@nullspace/core";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8080" },
    rate: { type: "string", default: "300" },
    seconds: { type: "string", default: "60" },
    "chain-id": { type: "string", default: "1337" }, // the devnet's
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
if (!(rate >= 20 && seconds > 0)) throw new Error("--rate ≥ 20 and --seconds > 0");
const url = new URL(values.url);
const core = await Core.load(readFileSync(createRequire(import.meta.url).resolve("@nullspace/core/wasm")));

interface Stats {
  height: string;
  txs: string;
  players: string;
}
const stats = async (): Promise<Stats> => (await (await fetch(`${values.url}/stats`)).json()) as Stats;
const chainId = BigInt(values["chain-id"]);

const before = await stats();
const answers: Record<string, number> = {};
const tag = Date.now();
let sent = 0;
const inFlight = new Set<Promise<void>>();
const started = performance.now();
for (let tick = 0; performance.now() - started < seconds * 1000; tick++) {
  for (let k = 0; k < rate / 20; k++) {
    const n = sent++;
    const signer = signerFromSeedSync(sha256(new TextEncoder().encode(`drill-${tag}-${n}`)));
    const tx = signTxSync({ codec: core.codec, signer, chainId, nonce: 0n, instruction: { op: "register", name: `dr${n}` } });
    const done = new Promise<void>((resolve) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: "/submit",
          method: "POST",
          localAddress: `127.0.3.${(n % 20) + 1}`,
          headers: { "content-type": "application/vnd.nullspace.tx", "content-length": tx.length },
        },
        (res) => {
          res.resume();
          res.on("end", () => {
            answers[res.statusCode ?? 0] = (answers[res.statusCode ?? 0] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.on("error", (e: NodeJS.ErrnoException) => {
        answers[e.code ?? "error"] = (answers[e.code ?? "error"] ?? 0) + 1;
        resolve();
      });
      req.end(tx);
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  }
  const next = started + (tick + 1) * 50;
  await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
}
await Promise.all(inFlight);
// Accepted transactions are final within a few heights.
await new Promise((r) => setTimeout(r, 5000));
const after = await stats();
const carried = Number(BigInt(after.txs) - BigInt(before.txs));
const registered = Number(BigInt(after.players) - BigInt(before.players));
const result = {
  rate,
  seconds,
  sent,
  answers,
  heights: Number(BigInt(after.height) - BigInt(before.height)),
  carried,
  registered,
  repeats: carried - registered,
};
console.log(
  `[registrations] ${sent} sent at ${rate}/s for ${seconds} s, answers ${JSON.stringify(answers)}; blocks carried ${carried}, registered ${registered}: ${result.repeats} repeats`,
);
console.log(JSON.stringify(result));
