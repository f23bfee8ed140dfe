// `bench:relay --chain replay`: the devnet's chain recorded first (its background transactions
// included), the validators then paused (SIGSTOP), and the recording served to the relays by
// chain-replay-process.ts at the devnet's pace while they are measured. The relays verify and
// replay every height as beside a live chain; what the fan-out phases no longer share the two
// cores with is the validators, which in production run on other machines.
import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Core } from "@nullspace/core";
import type { Devnet } from "../../validators/src/cli/devnet.js";
import { startBackgroundLoad, type TxMix } from "./background-load.js";
import { recordChain, writeRecording } from "./chain-recording.js";

const here = fileURLToPath(new URL(".", import.meta.url));

export interface ReplayedChain {
  /** The replay's API: what the relays follow, and where the bench reads heights. */
  url: string;
  proc: ChildProcess;
  /** Releases a height every interval from now on, and posts each one's transactions to `relayUrls` first. */
  run(relayUrls: string[]): void;
  /** Stops releasing heights; resolves with the tip and the relays' verdicts on the transactions posted since the last pause. */
  pause(): Promise<{ tip: number; verdicts: Record<string, number> }>;
  /** Whether the recording ran out while running (a measurement past it would have no heights). */
  exhaustedAt?: number;
  stop(): void;
}

export async function startReplayedChain(o: {
  devnet: Devnet;
  core: Core;
  chainId: bigint;
  wasmPath: string;
  dir: string;
  /** Heights to record (the replay's length). */
  heights: number;
  /** Heights released at once when the replay starts (the relays' sync). */
  preload: number;
  intervalMs: number;
  txMix: TxMix;
  txRate: number;
  port: number;
  say: (line: string) => void;
}): Promise<ReplayedChain> {
  const seconds = Math.round((o.heights * o.intervalMs) / 1000);
  o.say(`recording ${o.heights} heights of the devnet's chain (${o.txMix}, ${o.txRate}/s to validator 0; about ${seconds} s)`);
  const background = startBackgroundLoad({ core: o.core, chainId: o.chainId, mix: o.txMix, rate: o.txRate, targets: [o.devnet.apiUrl(0)] });
  const t0 = performance.now();
  const bundles = await recordChain({ apiUrl: o.devnet.apiUrl(0), to: o.heights, say: o.say, timeoutMs: seconds * 3000 + 60_000 });
  background.stop();
  const path = join(o.dir, "chain.recording");
  writeRecording(path, bundles);
  const bytes = bundles.reduce((a, b) => a + b.length, 0);
  o.say(
    `recorded ${bundles.length} heights in ${Math.round((performance.now() - t0) / 1000)} s (${Math.round(bytes / bundles.length)} bytes a bundle; transactions ${JSON.stringify(Object.fromEntries(background.verdicts))}); the validators are paused until /submit`,
  );
  for (const c of o.devnet.children) c?.kill("SIGSTOP");
  // A stopped validator acts on no signal but SIGKILL: however the bench ends, they go on first.
  process.once("exit", () => {
    for (const c of o.devnet.children) c?.kill("SIGCONT");
  });

  const proc = fork(
    join(here, "chain-replay-process.ts"),
    [
      ...["--recording", path, "--wasm", o.wasmPath, "--chain-id", o.chainId.toString(), "--validators", String(o.devnet.n)],
      ...["--interval-ms", String(o.intervalMs), "--preload", String(o.preload), "--port", String(o.port)],
    ],
    { execArgv: ["--import", "tsx"] },
  );
  const replay: ReplayedChain = {
    url: `http://127.0.0.1:${o.port}`,
    proc,
    run: (relayUrls) => proc.send({ op: "run", submitTo: relayUrls }),
    pause: () =>
      new Promise((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`the chain replay exited (code ${code})`));
        const onPaused = (m: { op: string; tip: number; verdicts: Record<string, number> }) => {
          if (m.op !== "paused") return;
          proc.off("message", onPaused);
          proc.off("exit", onExit);
          resolve({ tip: m.tip, verdicts: m.verdicts });
        };
        proc.on("message", onPaused);
        proc.once("exit", onExit);
        proc.send({ op: "pause" });
      }),
    stop: () => proc.kill(),
  };
  await new Promise<void>((resolve, reject) => {
    proc.once("exit", (code) => reject(new Error(`the chain replay exited (code ${code}) before listening`)));
    proc.on("message", (m: { op: string; tip?: number }) => {
      if (m.op === "listening") resolve();
      if (m.op === "exhausted") {
        replay.exhaustedAt = m.tip;
        o.say(`THE RECORDING RAN OUT at height ${m.tip}: heights stopped coming (record more with --replay-heights)`);
      }
    });
  });
  return replay;
}

/** Lets the paused validators go on (SIGCONT) and waits until they finalize again. */
export async function resumeDevnet(devnet: Devnet, say: (line: string) => void): Promise<void> {
  for (const c of devnet.children) c?.kill("SIGCONT");
  const t0 = performance.now();
  const tip = async () => (await devnet.health(0))?.finalized ?? 0n;
  const from = await tip();
  await devnet.waitFor(from + 3n, 120_000);
  say(`the validators resumed and finalize again (${Math.round(performance.now() - t0)} ms)`);
}
