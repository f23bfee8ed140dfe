// npm run sim -- --game roulette --bet straight --rounds 1000000 --seed 1 [--stake 1] [--rules en-prison] [--target 17]
//   [--signatures none|real] [--workers n] [--segment 500000]
// --bet may list several bets (--bet yes-2,no-2,hard-4): they are followed together on the same
// rounds, each for --rounds rounds of its own, and each prints its own line (craps, roulette, sic
// bo, baccarat, blackjack side bets). A bet's result differs from its solo run with the same seed
// (the rounds it lands on differ) but has the same expectation: no bet changes the draws.
// Plays rounds through the real transaction path (register, start, moves, settle: signed
// transactions in blocks executed by core.wasm, σ of each height derived from --seed) and prints
// one JSON object: {game, bet, rules, rounds, wagered, returned, houseEdgePct, stdErrPct}, the
// edge per initial wager (games.md, "Simulation command"). Strategies: Casino War always goes to
// war; Hi-Lo guesses toward the side with more winning ranks (Higher on a 7), again after a push,
// then cashes out; blackjack plays the spec's basic strategy (sim/blackjack-strategy.ts);
// Ultimate Texas Hold'em the simple strategy of sim/uth.ts; Three Card Poker plays Q-6-4 or better
// (three-card-strategy.ts); Video Poker holds by the 9/6 simple strategy (jacks-strategy.ts).
// Transactions go out unsigned (zero signature bytes: the state machine never checks signatures,
// validators do) unless --signatures real, which signs each block's transactions on --workers
// threads (default one per core; 0: this thread). Neither changes any result: randomness comes from
// σ, session ids and moves, never from a transaction's bytes (sim.test.ts checks they agree).
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { sha256 } from "../src/crypto/sha256.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { SigningPool } from "../src/dev/signing-pool.js";
import { CRAPS_BETS, HAND_BETS, MAX_BETS_TOGETHER, optionsOf, TABLE_BETS } from "./bets.js";
import { playBlackjack } from "./blackjack.js";
import { playCraps } from "./craps.js";
import { playHands } from "./hands.js";
import { Players, Tally } from "./players.js";
import { POKER_BETS, playPoker } from "./poker.js";
import { playTable } from "./table.js";
import { playUth } from "./uth.js";

const CHAIN_ID = 1n;

const { values } = parseArgs({
  options: {
    game: { type: "string" },
    bet: { type: "string" },
    stake: { type: "string", default: "1" },
    rounds: { type: "string", default: "100000" },
    seed: { type: "string", default: "1" },
    rules: { type: "string", default: "" },
    target: { type: "string" },
    // none (default): zero signature bytes; real: signed, as a validator would need them.
    signatures: { type: "string", default: "none" },
    // With --signatures real: threads that build and sign each block's transactions (0: the main thread).
    workers: { type: "string" },
    // Rounds per fresh chain (see below); part of what the seed determines.
    segment: { type: "string", default: "500000" },
  },
});

const game = values.game ?? "";
// One bet, or several followed together on the same rounds (craps, roulette, sic bo, baccarat,
// blackjack side bets): each gets its own tally and its own line of JSON, in the order given.
const bets = (values.bet ?? "").split(",");
const bet = bets[0]!;
const stake = BigInt(values.stake!);
const rounds = Number(values.rounds);
if (!TABLE_BETS[game] && !HAND_BETS[game] && !POKER_BETS[game] && game !== "craps")
  throw new Error(
    `--game: one of ${[...Object.keys(TABLE_BETS), ...Object.keys(HAND_BETS), ...Object.keys(POKER_BETS), "craps"].join(", ")}`,
  );
for (const b of bets) {
  if (game === "craps" && !CRAPS_BETS[b]) throw new Error(`--bet for craps: one of ${Object.keys(CRAPS_BETS).join(", ")}`);
  if (game !== "craps" && !(TABLE_BETS[game]?.[b] || HAND_BETS[game]?.includes(b) || POKER_BETS[game]?.[b])) {
    const names = TABLE_BETS[game] ? Object.keys(TABLE_BETS[game]!) : (HAND_BETS[game] ?? Object.keys(POKER_BETS[game]!));
    throw new Error(`--bet for ${game}: one of ${names.join(", ")}`);
  }
}
if (bets.length > 1) {
  const together = game === "craps" || TABLE_BETS[game] !== undefined || (game === "blackjack" && !bets.includes("main"));
  if (!together)
    throw new Error(`--bet: several bets at once only for craps, ${Object.keys(TABLE_BETS).join(", ")} and blackjack side bets`);
  if (new Set(bets).size !== bets.length) throw new Error("--bet: a bet named twice");
  if (bets.length > MAX_BETS_TOGETHER) throw new Error(`--bet: at most ${MAX_BETS_TOGETHER} bets at once (a move's batch)`);
  if (values.target !== undefined) throw new Error("--target: one bet only");
}
const fixedStake = POKER_BETS[game]?.[bet]?.fixedStake;
if (fixedStake !== undefined && stake !== fixedStake) throw new Error(`--stake: ${game} ${bet} takes exactly ${fixedStake}`);
if (stake < 1n || !Number.isInteger(rounds) || rounds < 1) throw new Error("--stake and --rounds must be positive integers");

const wasm = new Uint8Array(readFileSync(process.env.NULLSPACE_CORE_WASM ?? new URL("../build/core.wasm", import.meta.url)));
if (values.signatures !== "none" && values.signatures !== "real") throw new Error("--signatures: none or real");
const signed = values.signatures === "real";
const workers = values.workers === undefined ? undefined : Number(values.workers);
const pool = !signed || workers === 0 ? undefined : await SigningPool.create({ wasm, chainId: CHAIN_ID, workers });
const segmentRounds = Number(values.segment);
if (!Number.isInteger(segmentRounds) || segmentRounds < 1) throw new Error("--segment must be a positive integer");

/** A fresh dev chain for segment k, σ of each height from the seed (never for money). */
async function segmentChain(k: number): Promise<LocalChain> {
  const seed = new TextEncoder().encode(k === 0 ? `nullspace-sim:${values.seed}` : `nullspace-sim:${values.seed}:${k}`);
  const beacon = (height: bigint) => {
    const h = new Uint8Array(8);
    new DataView(h.buffer).setBigUint64(0, height);
    const a = sha256(seed, h);
    return new Uint8Array([...a, ...sha256(a).subarray(0, 16)]);
  };
  const chain = await LocalChain.create({ wasm, beacon, chainId: CHAIN_ID });
  chain.bulkSigner = pool;
  chain.signEnqueued = signed;
  // The largest grant policy allows, so few players carry a long run; more register when one runs low.
  chain.enqueue(chain.admins[0]!, { op: "adminSetPolicy", field: 0, value: 1_000_000n });
  chain.seal();
  return chain;
}

const tallies = bets.map(() => new Tally());
const done = () => tallies[0]!.rounds;
const startedAt = performance.now();
const options = optionsOf(game, values.rules!);
const target = values.target === undefined ? undefined : Number(values.target);
// A long run is played on a fresh chain every --segment rounds: every hand leaves its session record
// in state (games.md), up to about 1 KB of wasm memory a round, and a wasm32 memory stops at 4 GB.
for (let k = 0; done() < rounds; k++) {
  const chain = await segmentChain(k);
  const players = new Players(chain);
  const segment = bets.map(() => new Tally());
  const n = Math.min(segmentRounds, rounds - done());
  if (game === "craps")
    playCraps(
      chain,
      players,
      segment,
      bets.map((b) => CRAPS_BETS[b]!),
      stake,
      n,
    );
  else if (TABLE_BETS[game])
    playTable(
      chain,
      players,
      segment,
      bets.map((b) => TABLE_BETS[game]![b]!),
      stake,
      options,
      target,
      n,
    );
  else if (POKER_BETS[game]) playPoker(chain, players, segment[0]!, POKER_BETS[game]![bet]!, stake, options, n);
  else if (game === "blackjack") playBlackjack(chain, players, segment, bets, stake, options, n);
  else if (game === "uth") playUth(chain, players, segment[0]!, bet, stake, n);
  else playHands(chain, players, segment[0]!, game, bet, stake, n);
  for (const [i, t] of segment.entries()) tallies[i]!.merge(t);
  // Progress on stderr (stdout carries only the result): a long run is one line per segment.
  const seconds = (performance.now() - startedAt) / 1000;
  process.stderr.write(
    `[sim] ${done().toLocaleString("en")} / ${rounds.toLocaleString("en")} rounds, ${Math.round(done() / seconds).toLocaleString("en")}/s\n`,
  );
}

for (const [i, tally] of tallies.entries()) {
  const wagered = tally.wagered;
  const returned = wagered + tally.net;
  process.stdout.write(
    `${JSON.stringify({
      game,
      bet: bets[i],
      rules: values.rules ?? "",
      rounds: tally.rounds,
      wagered: Number(wagered),
      returned: Number(returned),
      houseEdgePct: (Number(wagered - returned) / Number(wagered)) * 100,
      stdErrPct: tally.stdErrPct(stake),
    })}\n`,
  );
}
