// The simulation's players (registered on demand, replaced when low on chips) and its tally.
import type { Signer } from "../src/crypto/ed25519.js";
import { LocalChain } from "../src/dev/local-chain.js";
import type { EventView } from "../src/views.js";

export type RoundEvent = Extract<EventView, { kind: "gameRound" }>;

/** A player's key as events name it (lowercase hex). */
export function keyOf(player: Signer): string {
  return Buffer.from(player.publicKey).toString("hex");
}

/**
 * Seals the queued block and returns its game rounds. A strategy only sends moves the game allows,
 * so a refused transaction is a bug of the simulation: it throws, naming the refusal.
 */
export function sealRounds(chain: LocalChain): RoundEvent[] {
  const rounds: RoundEvent[] = [];
  for (const bytes of chain.seal().events) {
    const e = chain.core.codec.decodeEventFrame(bytes);
    if (e.kind === "txError") throw new Error(`refused: ${JSON.stringify(e, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`);
    if (e.kind === "gameRound") rounds.push(e);
  }
  return rounds;
}

/** Keys from 900,000 up: never a test or bench key. */
const FIRST_KEY = 900_000;

export class Players {
  private next = 0;
  constructor(private readonly chain: LocalChain) {}

  /** A fresh player, registering in the next block (its other transactions may follow in it). */
  add(): Signer {
    const p = LocalChain.signer(FIRST_KEY + this.next++);
    this.chain.enqueue(p, { op: "register", name: `sim${this.next}` });
    return p;
  }
}

/** Rounds, initial wagers and net results (returns − stakes of the bet followed), with moments for the standard error. */
export class Tally {
  rounds = 0;
  wagered = 0n;
  net = 0n;
  private sum = 0;
  private sumSq = 0;

  /** One settled round: its initial wager and its net result. */
  add(wager: bigint, net: bigint): void {
    this.rounds++;
    this.wagered += wager;
    this.net += net;
    const x = Number(net);
    this.sum += x;
    this.sumSq += x * x;
  }

  /** Adds the rounds of another tally (a segment of the run played on its own chain). */
  merge(t: Tally): void {
    this.rounds += t.rounds;
    this.wagered += t.wagered;
    this.net += t.net;
    this.sum += t.sum;
    this.sumSq += t.sumSq;
  }

  /** Standard error of the edge per initial wager, in percent. */
  stdErrPct(stake: bigint): number {
    const n = this.rounds;
    const mean = this.sum / n;
    const variance = this.sumSq / n - mean * mean;
    return (Math.sqrt(variance / n) / Number(stake)) * 100;
  }
}
