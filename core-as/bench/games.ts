// npm run bench:games — settled rounds per second of each game in the wasm, one core, through the
// transaction path: blocks of signed game transactions (signing and decoding not timed) executed by
// core_execute. The last line is one JSON object: {roundsPerSec: {baccarat, …, hilo}}, null for a
// game the state machine does not play yet (see docs/benchmarks.md).
import { readFileSync } from "node:fs";
import type { Instruction } from "../src/codec.js";
import type { Signer } from "../src/crypto/ed25519.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { baccarat, blackjack, casinoWar, craps, hiLo, roulette, sicBo, threeCard, uth, videoPoker } from "../src/games/index.js";

const WASM = new Uint8Array(readFileSync(process.env.NULLSPACE_CORE_WASM ?? new URL("../build/core.wasm", import.meta.url)));
const PLAYERS = Number(process.env.BENCH_PLAYERS ?? 50);
const BLOCK_TXS = Number(process.env.BENCH_BLOCK_TXS ?? 5_000);
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 6);
/** BENCH_GAMES=blackjack,uth runs only those (profiling one game); the JSON then holds null for the rest. */
const ONLY = process.env.BENCH_GAMES?.split(",");

const log = (s: string) => process.stderr.write(`${s}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

interface GameBench {
  name: string;
  /** GameStart of a table sitting, if the game is a table game. */
  sit?: (sessionId: bigint) => Instruction;
  /** The transactions of one round of player `p` (n-th round of that player). */
  round: (n: number) => Instruction[];
}

const TABLE = 1n;
const GAMES: GameBench[] = [
  { name: "roulette", sit: (id) => roulette.start(id), round: () => [roulette.spin(TABLE, [roulette.straight(17, 1n)])] },
  { name: "sicbo", sit: (id) => sicBo.start(id), round: () => [sicBo.roll(TABLE, [sicBo.small(1n)])] },
  { name: "baccarat", sit: (id) => baccarat.start(id), round: () => [baccarat.deal(TABLE, [baccarat.banker(1n)])] },
  // A Field bet per roll (one-roll, so the table state stays small).
  { name: "craps", sit: (id) => craps.start(id), round: () => [craps.roll(TABLE, [craps.field(1n)])] },
  // One hand per round; a war move follows every start (refused when the first deal did not tie).
  { name: "war", round: (n) => [casinoWar.start(BigInt(10 + n), 1n), casinoWar.war(BigInt(10 + n))] },
  // The spec's strategy shape: one guess, then cash out (refused when the guess lost).
  { name: "hilo", round: (n) => [hiLo.start(BigInt(10 + n), 1n), hiLo.higher(BigInt(10 + n)), hiLo.cashOut(BigInt(10 + n))] },
  // Deal, then draw holding the first two cards.
  // Deal with Pairplus, then play.
  { name: "threecard", round: (n) => [threeCard.start(BigInt(10 + n), 1n, { pairplus: 1n }), threeCard.play(BigInt(10 + n))] },
  // Deal with Trips, then bet 4x pre-flop (board and dealer drawn, every hand evaluated, settled).
  { name: "uth", round: (n) => [uth.start(BigInt(10 + n), 1n, { trips: 1n }), uth.bet(BigInt(10 + n), 4)] },
  { name: "videopoker", round: (n) => [videoPoker.start(BigInt(10 + n), 1n), videoPoker.draw(BigInt(10 + n), [true, true])] },
  // Deal with 21+3, hit, stand (the stand is refused when the hit busted or made 21, or the deal was a blackjack).
  {
    name: "blackjack",
    round: (n) => [
      blackjack.start(BigInt(10 + n), 1n, { twentyOnePlusThree: 1n }),
      blackjack.hit(BigInt(10 + n)),
      blackjack.stand(BigInt(10 + n)),
    ],
  },
];

async function bench(g: GameBench): Promise<number> {
  const chain = await LocalChain.create({ wasm: WASM });
  const players: Signer[] = Array.from({ length: PLAYERS }, (_, i) => LocalChain.signer(7_000 + i));
  chain.submit(chain.admins[0]!, { op: "adminSetPolicy", field: 0, value: 1_000_000n });
  chain.seal();
  for (const [i, p] of players.entries()) {
    chain.submit(p, { op: "register", name: `bench${i}` });
    if (g.sit) chain.submit(p, g.sit(TABLE));
  }
  chain.seal();
  const rates: number[] = [];
  const counts = new Array<number>(PLAYERS).fill(0);
  for (let b = 0; b < BLOCKS; b++) {
    let txs = 0;
    for (let i = 0; txs < BLOCK_TXS; i = (i + 1) % PLAYERS) {
      for (const ins of g.round(counts[i]!++)) chain.submit(players[i]!, ins);
      txs += g.round(0).length;
    }
    const block = chain.buildBlock();
    const t = performance.now();
    const frame = chain.executeBlockRaw(block);
    const s = (performance.now() - t) / 1000;
    const events = chain.core.decodeExecution(frame).events.map((e) => chain.core.codec.decodeEvent(e));
    const settled = events.filter((e) => e.kind === "gameRound" && (g.sit ? e.bets.length > 0 : e.finished)).length;
    rates.push(settled / s);
    log(`[${g.name}] block ${b + 1}/${BLOCKS}: ${settled} settled rounds, ${txs} txs in ${(s * 1000).toFixed(1)} ms`);
  }
  return Math.round(median(rates));
}

const roundsPerSec: Record<string, number | null> = {
  baccarat: null,
  blackjack: null,
  craps: null,
  roulette: null,
  sicbo: null,
  threecard: null,
  uth: null,
  war: null,
  videopoker: null,
  hilo: null,
};
for (const g of GAMES) if (!ONLY || ONLY.includes(g.name)) roundsPerSec[g.name] = await bench(g);
process.stdout.write(`${JSON.stringify({ roundsPerSec })}\n`);
