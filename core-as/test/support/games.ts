// Helpers for game tests: play instructions through a local chain, check refusals change nothing
// but the nonce, and pick a beacon value σ that makes the next move draw a wanted outcome
// (searched through the wasm's own randomness stream, so the real draw path is what is forced).
import { expect } from "vitest";
import type { Instruction } from "../../src/codec.js";
import { StateKey } from "../../src/core.js";
import type { Signer } from "../../src/crypto/ed25519.js";
import { sha256, toHex } from "../../src/crypto/sha256.js";
import type { LocalChain } from "../../src/dev/local-chain.js";
import type { EventView } from "../../src/views.js";
import { sealEvents } from "./chain.js";

export type RoundEvent = Extract<EventView, { kind: "gameRound" }>;
export type StartedEvent = Extract<EventView, { kind: "gameStarted" }>;

/** Submits instructions from one signer, seals one block, returns its events. */
export function play(chain: LocalChain, signer: Signer, ...ins: Instruction[]): EventView[] {
  for (const i of ins) chain.submit(signer, i);
  return sealEvents(chain);
}

export function round(e: EventView | undefined): RoundEvent {
  if (e?.kind !== "gameRound") throw new Error(`expected a gameRound event, got ${JSON.stringify(e, big)}`);
  return e;
}

export function started(e: EventView | undefined): StartedEvent {
  if (e?.kind !== "gameStarted") throw new Error(`expected a gameStarted event, got ${JSON.stringify(e, big)}`);
  return e;
}

export function big(_k: string, v: unknown): unknown {
  return typeof v === "bigint" ? v.toString() : v;
}

/** Everything a game move may touch, as bytes: the player's account (nonce zeroed by decoding
 * chips etc. separately), supply, the games record, and the given sessions of the given players. */
function observe(chain: LocalChain, players: Signer[], sessions: bigint[]): string {
  const c = chain.core;
  const parts: unknown[] = [c.supply(), hexOf(c.get(StateKey.games()))];
  for (const p of players) {
    const a = c.account(p.publicKey);
    parts.push(a ? { ...a, nonce: undefined } : null);
    for (const id of sessions) parts.push(hexOf(c.get(StateKey.session(p.publicKey, id))));
  }
  return JSON.stringify(parts, big);
}

function hexOf(b: Uint8Array | null): string | null {
  return b ? toHex(b) : null;
}

/**
 * Submits `ins`, expects exactly one txError with `code` and a consumed nonce, and that nothing
 * else changed for the watched players and sessions.
 */
export function expectRefused(
  chain: LocalChain,
  signer: Signer,
  ins: Instruction,
  code: number,
  watch: { players: Signer[]; sessions: bigint[] },
): void {
  const nonce = chain.core.account(signer.publicKey)?.nonce ?? 0n;
  const before = observe(chain, watch.players, watch.sessions);
  const events = play(chain, signer, ins);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ kind: "txError", code, nonceConsumed: true });
  expect(observe(chain, watch.players, watch.sessions)).toBe(before);
  expect(chain.core.account(signer.publicKey)?.nonce).toBe(nonce + 1n);
}

/** A 48-byte σ candidate. */
export function candidateSigma(i: number): Uint8Array {
  const a = sha256(new TextEncoder().encode(`force-${i}`));
  return new Uint8Array([...a, ...a.subarray(0, 16)]);
}

/**
 * Finds σ such that `count` draws below `bound` of the stream (σ, serial, move) satisfy `wanted`,
 * and makes it the beacon of the chain's next block.
 */
export function forceNextDraws(
  chain: LocalChain,
  serial: bigint,
  move: number,
  count: number,
  bound: number,
  wanted: (draws: number[]) => boolean,
): number[] {
  for (let i = 0; i < 200_000; i++) {
    const sigma = candidateSigma(i);
    const draws = chain.core.codec.randomDraws(sigma, serial, move, count, bound);
    if (wanted(draws)) {
      const next = chain.height + 1n;
      const previous = chain.beacon;
      chain.beacon = (h) => (h === next ? sigma : previous(h));
      return draws;
    }
  }
  throw new Error("no σ found for the wanted draws");
}

/**
 * Plays `ins` in the next block under candidate σ values until `wanted` accepts its events (the
 * state is restored from a snapshot between attempts), so a wanted outcome is forced through the
 * whole real path. Returns the accepted events.
 */
export function playUntil(chain: LocalChain, signer: Signer, ins: Instruction[], wanted: (events: EventView[]) => boolean): EventView[] {
  for (const i of ins) chain.submit(signer, i);
  const block = chain.buildBlock();
  const snapshot = chain.core.snapshot();
  const previous = chain.beacon;
  for (let i = 0; i < 5000; i++) {
    const sigma = candidateSigma(i);
    chain.beacon = () => sigma;
    const r = chain.executeBlock(block);
    const events = r.events.map((e) => chain.core.codec.decodeEvent(e));
    chain.beacon = previous;
    if (wanted(events)) return events;
    chain.restore(snapshot);
  }
  throw new Error("no σ gave the wanted events");
}
