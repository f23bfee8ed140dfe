// The process that serves a recorded chain to the relays under `bench:relay --chain replay`
// (chain-replay.ts), forked by the bench. It releases `--preload` heights at once (the relays'
// sync), then one height every `--interval-ms` while running. A second before each height is
// released it posts that height's recorded transactions to the relays' /submit, spread over them
// by signer as a load balancer keeping each player to one relay would: the relays check and
// forward them as they would a live chain's (the source takes and drops them; the recording has them).
// IPC in: {op: "run", submitTo: string[]}, {op: "pause"}; out: {op: "listening"}, {op: "paused",
// tip, verdicts}, {op: "exhausted", tip} (the recording ran out while running).
import { readFileSync } from "node:fs";
import { Core } from "@nullspace/core";
import { numberArg, stringArg } from "../../validators/bench/stats.js";
import { ApiServer } from "../../validators/src/api/server.js";
import { submitOne } from "./background-load.js";
import { readRecording } from "./chain-recording.js";
import { ReplaySource } from "./chain-replay.js";

const core = await Core.load(readFileSync(stringArg("wasm", "")));
const bundles = readRecording(stringArg("recording", ""));
const intervalMs = numberArg("interval-ms", 100);
/** Heights ahead of the release whose transactions are posted (a second at 10 heights a second). */
const SUBMIT_AHEAD = Math.max(1, Math.round(1000 / intervalMs));
const source = new ReplaySource(
  bundles,
  BigInt(stringArg("chain-id", "0")),
  numberArg("validators", 4),
  (tx) => core.codec.txSummary(tx).hash,
);
source.releaseTo(BigInt(numberArg("preload", 0)));
const api = await ApiServer.start({ source, port: numberArg("port", 0), rateLimit: false, maxConnectionsPerIp: 512 });
process.send?.({ op: "listening", port: api.port });

let timer: NodeJS.Timeout | undefined;
let submitTo: string[] = [];
/** The last height whose transactions were posted (the preloaded heights' never are: they were released before any relay followed). */
let posted = source.tip();
const verdicts = new Map<string, number>();

/**
 * Posts the transactions of every height not posted yet, up to SUBMIT_AHEAD past the tip, each to
 * the relay that takes its signer: each height's once, however the replay pauses and runs.
 */
function postAhead(): void {
  if (submitTo.length === 0) return;
  const to = source.tip() + BigInt(SUBMIT_AHEAD);
  while (posted < to && posted < source.end) {
    posted++;
    const { block } = core.codec.decodeFinalized(bundles[Number(posted) - 1] as Uint8Array);
    for (const tx of core.codec.blockParts(block).txs) {
      const relay = submitTo[Number.parseInt(core.codec.txSummary(tx).signer.slice(0, 8), 16) % submitTo.length] as string;
      void submitOne(relay, tx).then((v) => verdicts.set(v, (verdicts.get(v) ?? 0) + 1));
    }
  }
}

function run(): void {
  if (timer) return;
  const start = performance.now();
  const from = source.tip();
  postAhead();
  let k = 0;
  const tick = () => {
    k++;
    if (source.tip() >= source.end) {
      timer = undefined;
      process.send?.({ op: "exhausted", tip: Number(source.tip()) });
      return;
    }
    source.releaseTo(from + BigInt(k));
    postAhead();
    // On schedule, not a fixed wait after each tick: the pace holds however late a tick ran.
    timer = setTimeout(tick, Math.max(0, start + (k + 1) * intervalMs - performance.now()));
  };
  timer = setTimeout(tick, intervalMs);
}

// Forked by the bench: gone with it, however it ended.
process.once("disconnect", () => process.exit(0));
process.on("message", (m: { op: string; submitTo?: string[] }) => {
  if (m.op === "run") {
    submitTo = m.submitTo ?? [];
    run();
  }
  if (m.op === "pause") {
    clearTimeout(timer);
    timer = undefined;
    process.send?.({ op: "paused", tip: Number(source.tip()), verdicts: Object.fromEntries(verdicts) });
    verdicts.clear();
  }
});
