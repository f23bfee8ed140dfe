// Freeroll tournaments through real blocks: joins and their limits, the start and end cranks at
// their scheduled times, play against the tournament stack with Shield and Double, ranking, prizes
// in freeroll credits, vesting and expiry (economy.md "Tournaments", docs/tournaments.md).
import { beforeEach, describe, expect, it } from "vitest";
import type { GameStartInstruction, Instruction } from "../src/codec.js";
import { tournamentAt } from "../src/core.js";
import type { LocalChain } from "../src/dev/local-chain.js";
import { LocalChain as Chain } from "../src/dev/local-chain.js";
import { casinoWar, GameId, hiLo, roulette, TournamentRules, threeCard, tournament, tournamentSchedule } from "../src/games/index.js";
import type { EventView } from "../src/views.js";
import { newChain, sealEvents } from "./support/chain.js";
import { candidateSigma } from "./support/games.js";

const PERIOD = 360_000n;
const DAY = 86_400_000n;
/** A tournament far from genesis, so accounts registered at genesis are older than 7 days. */
const ID = 4_722_300n;
const REG = ID * PERIOD; // registration opens
const PLAY = REG + 60_000n; // play opens
const END = REG + PERIOD; // tournament ends

type Signer = ReturnType<typeof Chain.signer>;
let chain: LocalChain;
let players: Signer[];

/** Seals one block at `timestampMs` with `txs` and returns its events (checking that the binary
 * event frame reads to the same view as the JSON one). */
function at(timestampMs: bigint, txs: [Signer, Instruction][]): EventView[] {
  for (const [p, ins] of txs) chain.submit(p, ins);
  const r = chain.seal({ advanceMs: timestampMs - chain.timestampMs });
  const views = r.events.map((e) => chain.core.codec.decodeEvent(e));
  expect(r.events.map((e) => chain.core.codec.decodeEventFrame(e))).toEqual(views);
  return views;
}

function codes(events: EventView[]): number[] {
  return events.map((e) => (e.kind === "txError" ? e.code : 0));
}

function only<K extends EventView["kind"]>(events: EventView[], kind: K): Extract<EventView, { kind: K }>[] {
  return events.filter((e): e is Extract<EventView, { kind: K }> => e.kind === kind);
}

const join = (id = ID) => tournament.join(id);
const start = (id = ID) => tournament.start(id);
const end = (id = ID) => tournament.end(id);
const tourney = (ins: GameStartInstruction) => tournament.play(ins);

beforeEach(async () => {
  chain = await newChain({ genesisTimeMs: REG - 10n * DAY });
  players = Array.from({ length: 8 }, (_, i) => Chain.signer(100 + i));
  for (const [i, p] of players.entries()) chain.submit(p, { op: "register", name: `p${i}` });
  chain.seal();
});

describe("the catalogue's tournament rules", () => {
  it("are the wasm's: schedule, stack, modifiers, pool and cap", () => {
    const [a] = players as [Signer];
    const joined = only(at(REG, [[a, join()]]), "tournamentJoined")[0]!;
    expect([joined.stack, joined.shields, joined.doubles]).toEqual([
      TournamentRules.stack,
      TournamentRules.shields,
      TournamentRules.doubles,
    ]);
    expect(chain.core.tournament(ID)).toMatchObject(tournamentSchedule(ID));
    const totals = chain.core.freerollTotals();
    expect([totals.prizePool, totals.creditsCap]).toEqual([TournamentRules.prizePool, TournamentRules.creditsCap]);
    expect(TournamentRules.periodMs * BigInt(TournamentRules.perDay)).toBe(86_400_000n);
    expect(tournament.play(roulette.start(1n), { shield: true })).toMatchObject({ mode: "tournament", modifiers: { shield: true } });
  });
});

describe("joining", () => {
  it("takes a registered player during the registration minute only, once, with a 1,000 stack, 3 Shields and 3 Doubles", () => {
    const [a, b, c] = players as [Signer, Signer, Signer];
    expect(codes(at(REG - 1n, [[a, join()]]))).toEqual([450]);
    const ev = at(REG + 59_000n, [
      [a, join()],
      [a, join()],
      [b, join(ID + 1n)], // next tournament: its registration has not opened
    ]);
    expect(codes(ev)).toEqual([0, 451, 450]);
    expect(only(ev, "tournamentJoined")[0]).toMatchObject({ tournamentId: ID, entrant: 0, stack: 1000n, shields: 3, doubles: 3 });
    expect(chain.core.tournamentEntry(ID, a.publicKey)).toMatchObject({ index: 0, stack: 1000n, shields: 3, doubles: 3, moves: 0 });
    expect(chain.core.tournament(ID)).toMatchObject({ phase: 0, entrants: 1, playStartMs: PLAY, endMs: END });
    expect(codes(at(PLAY, [[c, join()]]))).toEqual([450]);
    // An unregistered key is refused before anything else (no account: the nonce stays unused).
    chain.submit(Chain.signer(999), join(ID + 1n));
    expect(codes(sealEvents(chain, REG + PERIOD + 1_000n - chain.timestampMs))).toEqual([302]);
  });

  it("counts entries per UTC day: 1 free, the admin's limit for members, at most 3 for accounts under 7 days", async () => {
    const [a, b] = players as [Signer, Signer];
    const admin = chain.admins[0]!;
    // Day of ID: find four tournaments of the same UTC day after it.
    const ids = [ID, ID + 1n, ID + 2n, ID + 3n];
    expect(ids.every((id) => (id * PERIOD) / DAY === (ID * PERIOD) / DAY)).toBe(true);
    expect(codes(at(ids[0]! * PERIOD, [[a, join(ids[0])]]))).toEqual([0]);
    expect(codes(at(ids[1]! * PERIOD, [[a, join(ids[1])]]))).toEqual([452]);
    const set = at(ids[1]! * PERIOD + 1n, [[admin, { op: "adminSetFreerollLimit", player: a.publicKey, limit: 10 }]]);
    expect(only(set, "freerollLimitSet")[0]).toMatchObject({ limit: 10 });
    expect(chain.core.freeroll(a.publicKey)).toMatchObject({ limit: 10, joinsToday: 1 });
    expect(codes(at(ids[1]! * PERIOD + 2n, [[a, join(ids[1])]]))).toEqual([0]);
    // Only admins set limits, within 1–100.
    const refused = at(ids[1]! * PERIOD + 3n, [
      [b, { op: "adminSetFreerollLimit", player: b.publicKey, limit: 10 }],
      [admin, { op: "adminSetFreerollLimit", player: b.publicKey, limit: 0 }],
      [admin, { op: "adminSetFreerollLimit", player: b.publicKey, limit: 101 }],
    ]);
    expect(codes(refused)).toEqual([308, 313, 313]);

    // A new account (registered in the same block as its first join) is capped at 3 a day.
    const young = Chain.signer(500);
    at(ids[2]! * PERIOD, [
      [young, { op: "register", name: "young" }],
      [admin, { op: "adminSetFreerollLimit", player: young.publicKey, limit: 10 }],
      [young, join(ids[2])],
    ]);
    expect(codes(at(ids[3]! * PERIOD, [[young, join(ids[3])]]))).toEqual([0]);
    expect(codes(at((ids[3]! + 1n) * PERIOD, [[young, join(ids[3]! + 1n)]]))).toEqual([0]);
    expect(codes(at((ids[3]! + 2n) * PERIOD, [[young, join(ids[3]! + 2n)]]))).toEqual([452]);
    // The next UTC day starts a new count.
    const nextDay = ((ID * PERIOD) / DAY + 1n) * DAY;
    const nextId = tournamentAt(nextDay) + (nextDay % PERIOD === 0n ? 0n : 1n);
    expect(codes(at(nextId * PERIOD, [[young, join(nextId)]]))).toEqual([0]);
    expect(chain.core.freeroll(young.publicKey)).toMatchObject({ joinsToday: 1 });
  });
});

describe("cranks", () => {
  it("start and end only at their scheduled times, once, from any player", () => {
    const [a, b] = players as [Signer, Signer];
    at(REG, [[a, join()]]);
    expect(codes(at(REG + 1n, [[b, start(ID + 5n)]]))).toEqual([456]);
    expect(codes(at(PLAY - 1n, [[b, start()]]))).toEqual([455]);
    // Before the start crank nobody plays.
    expect(codes(at(PLAY, [[a, tourney(roulette.start(1n))]]))).toEqual([415]);
    const started = at(PLAY + 1n, [
      [b, start()],
      [b, start()],
    ]);
    expect(codes(started)).toEqual([0, 457]);
    expect(only(started, "tournamentStarted")[0]).toMatchObject({ tournamentId: ID, entrants: 1 });
    expect(codes(at(END - 1n, [[b, end()]]))).toEqual([455]);
    const ended = at(END, [
      [b, end()],
      [b, end()],
      [b, start()],
    ]);
    expect(codes(ended)).toEqual([0, 457, 457]);
    expect(chain.core.tournament(ID)).toMatchObject({ phase: 2, winners: 1 });
  });

  it("a tournament nobody started ends without prizes", () => {
    const [a] = players as [Signer];
    at(REG, [[a, join()]]);
    const ev = at(END + 5_000n, [
      [a, start()],
      [a, end()],
    ]);
    expect(codes(ev)).toEqual([457, 0]);
    expect(only(ev, "tournamentEnded")[0]).toMatchObject({ entrants: 1, prizePool: 0n, paid: 0n, places: [] });
    expect(chain.core.freerollTotals().creditsMinted).toBe(0n);
  });
});

describe("tournament play", () => {
  beforeEach(() => {
    at(
      REG,
      players.map((p) => [p, join()]),
    );
    at(PLAY, [[players[0]!, start()]]);
  });

  it("plays against the stack and leaves chips and supply alone", () => {
    const [a, outsider] = [players[0]!, Chain.signer(700)];
    at(PLAY + 500n, [[outsider, { op: "register", name: "late" }]]);
    const chipsBefore = chain.core.account(a.publicKey)!.chips;
    const supplyBefore = chain.core.supply();
    const ev = at(PLAY + 1_000n, [
      [a, tourney(roulette.start(1n))],
      [a, roulette.spin(1n, [roulette.red(100n), roulette.straight(17, 5n)])],
      [a, roulette.spin(1n, [roulette.black(1_001n)])], // more than the stack holds
      [outsider, tourney(roulette.start(1n))], // not an entrant
      [a, tourney(roulette.start(2n, 0))],
    ]);
    expect(codes(ev).filter((c) => c !== 0)).toEqual([310, 415]);
    const round = only(ev, "gameRound")[0]!;
    const stack = 1000n - 105n + round.returned;
    expect(round.chips).toBe(stack);
    expect(only(ev, "gameStarted")[0]).toMatchObject({ mode: 1, chips: 1000n });
    expect(chain.core.tournamentEntry(ID, a.publicKey)).toMatchObject({ stack, moves: 3 });
    expect(chain.core.account(a.publicKey)!.chips).toBe(chipsBefore);
    const s = chain.core.supply();
    expect([s.minted, s.house, s.pools]).toEqual([supplyBefore.minted, supplyBefore.house, supplyBefore.pools]);
    expect(chain.core.session(a.publicKey, 1n)).toMatchObject({ mode: 1, tournamentId: ID });
    // After the end, a tournament session is frozen.
    expect(codes(at(END, [[a, roulette.spin(1n, [roulette.red(1n)])]]))).toEqual([415]);
  });

  it("Shield returns a losing round's stake, Double doubles a winning round's net win, 3 of each", () => {
    const a = players[1]!;
    at(PLAY + 1_000n, [[a, tourney(roulette.start(1n))]]);
    const serial = chain.core.session(a.publicKey, 1n)!.serial;
    // Red 50 and the first dozen 10 on each spin; σ searched so each spin lands where the case needs.
    const RED = new Set([1, 3, 5, 7, 9, 12, 14, 16, 18, 19, 21, 23, 25, 27, 30, 32, 34, 36]);
    const cases = [
      { mods: { shield: true }, pocket: (n: number) => n === 0, extra: 60n }, // loses both: refunded
      { mods: { double: true }, pocket: (n: number) => n === 1, extra: 70n }, // wins both: 130 returned, net 70 again
      { mods: { shield: true, double: true }, pocket: (n: number) => RED.has(n) && n > 12, extra: 40n }, // red only: 100, net 40
      { mods: { double: true }, pocket: (n: number) => n === 0, extra: 0n }, // a Double on a loss adds nothing
    ];
    let stack = 1000n;
    for (const [i, c] of cases.entries()) {
      let sigma: Uint8Array | undefined;
      for (let k = 0; !sigma; k++) {
        const s = candidateSigma(k);
        if (c.pocket(chain.core.codec.games.dealTableRound(GameId.roulette, 0, s, serial, i + 1).draws[0]!)) sigma = s;
      }
      const next = chain.height + 1n;
      chain.beacon = (h) => (h === next ? sigma! : new Uint8Array(48));
      const ev = at(PLAY + 2_000n + BigInt(i) * 1_000n, [
        [a, { ...roulette.spin(1n, [roulette.red(50n), roulette.dozen(1, 10n)]), modifiers: c.mods }],
      ]);
      const round = only(ev, "gameRound")[0]!;
      const applied = only(ev, "modifierApplied")[0]!;
      expect(applied).toMatchObject({ sessionId: 1n, tournamentId: ID, staked: 60n, returned: round.returned, extra: c.extra });
      stack = stack - 60n + round.returned + c.extra;
      expect(applied.stack).toBe(stack);
    }
    expect(chain.core.tournamentEntry(ID, a.publicKey)).toMatchObject({ stack, shields: 1, doubles: 0 });
    // Modifiers run out; they never apply to cash play or to a table's start or close.
    const ev = at(PLAY + 9_000n, [
      [a, { ...roulette.spin(1n, [roulette.red(1n)]), modifiers: { double: true } }],
      [a, { ...roulette.spin(1n, [roulette.red(1n)]), modifiers: { shield: true } }],
      [a, { ...roulette.spin(1n, [roulette.red(1n)]), modifiers: { shield: true } }],
      [a, { ...roulette.close(1n), modifiers: { double: true } }],
      [a, { ...tourney(roulette.start(2n)), modifiers: { shield: true } }],
      [a, { ...roulette.start(3n), modifiers: { shield: true } }],
    ]);
    expect(codes(ev).filter((c) => c !== 0)).toEqual([416, 416, 416, 416, 416]);
  });

  it("a hand's modifiers are declared at its start and settle on the whole hand", () => {
    const a = players[2]!;
    let stack = 1000n;
    let shields = 3;
    let doubles = 3;
    for (let i = 0; i < 3; i++) {
      const id = BigInt(10 + i);
      const mods = i === 1 ? { double: true } : { shield: true };
      const ev = at(PLAY + 1_000n + BigInt(i) * 2_000n, [
        [a, { ...tourney(hiLo.start(id, 40n)), modifiers: mods }],
        [a, { ...hiLo.higher(id), modifiers: { shield: true } }], // refused: a hand's move takes none
        [a, hiLo.higher(id)],
      ]);
      expect(codes(ev).filter((c) => c !== 0)).toEqual([416]);
      // A lost guess ends the hand; otherwise cash out.
      if (!chain.core.session(a.publicKey, id)!.finished) ev.push(...at(PLAY + 2_000n + BigInt(i) * 2_000n, [[a, hiLo.cashOut(id)]]));
      const rounds = only(ev, "gameRound");
      const staked = rounds.reduce((t, r) => t + r.staked, 0n);
      const returned = rounds.reduce((t, r) => t + r.returned, 0n);
      const applied = only(ev, "modifierApplied");
      expect(applied).toHaveLength(1);
      expect(applied[0]).toMatchObject({ sessionId: id, staked, returned });
      const extra = mods.shield ? (returned < staked ? staked - returned : 0n) : returned > staked ? returned - staked : 0n;
      expect(applied[0]!.extra).toBe(extra);
      stack = stack - staked + returned + extra;
      expect(applied[0]!.stack).toBe(stack);
      if (mods.shield) shields--;
      else doubles--;
    }
    expect(chain.core.tournamentEntry(ID, a.publicKey)).toMatchObject({ stack, shields, doubles, sessions: 3 });
  });

  it("refuses progressive side bets (their meters hold real chips) and a Casino War hand plays as in cash", () => {
    const a = players[3]!;
    const ev = at(PLAY + 1_000n, [
      [a, tourney(threeCard.start(1n, 5n, { progressive: true }))],
      [a, tourney(threeCard.start(2n, 5n, { pairplus: 5n }))],
      [a, tourney(casinoWar.start(3n, 10n, 2n))],
    ]);
    expect(codes(ev)[0]).toBe(458);
    expect(only(ev, "gameStarted").map((e) => e.mode)).toEqual([1, 1]);
    expect(chain.core.games().meterThreeCard).toBe(0n);
  });
});

describe("ending and prizes", () => {
  it("ranks by stack (join order breaks ties), pays the top 15% in credits by 1/rank × proof-of-play, vests and expires them", () => {
    // 20 entrants: 3 paid places. Players 0–2 play: their stacks differ; everyone else keeps 1,000.
    const more = Array.from({ length: 12 }, (_, i) => Chain.signer(200 + i));
    for (const [i, p] of more.entries()) chain.submit(p, { op: "register", name: `q${i}` });
    chain.seal();
    const all = [...players, ...more];
    at(
      REG,
      all.map((p) => [p, join()]),
    );
    at(PLAY, [[all[0]!, start()]]);
    const [p0, p1, p2] = all as [Signer, Signer, Signer];
    const ev = at(PLAY + 10_000n, [
      [p0, tourney(roulette.start(1n))],
      [p0, roulette.spin(1n, [roulette.red(300n)])],
      [p1, tourney(roulette.start(1n))],
      [p1, roulette.spin(1n, [roulette.black(300n)])],
      [p2, tourney(roulette.start(1n))],
      [p2, roulette.spin(1n, [roulette.straight(0, 200n)])],
      [p0, roulette.close(1n)],
    ]);
    expect(codes(ev).every((c) => c === 0)).toBe(true);
    const stacks = all.map((p) => chain.core.tournamentEntry(ID, p.publicKey)!.stack);
    const ended = only(at(END, [[p1, end()]]), "tournamentEnded")[0]!;
    const order = all.map((_, i) => i).sort((x, y) => (stacks[x]! === stacks[y]! ? x - y : stacks[y]! > stacks[x]! ? 1 : -1));
    expect(ended.entrants).toBe(20);
    expect(ended.places.map((p) => p.rank)).toEqual([1, 2, 3]);
    expect(ended.places.map((p) => p.player)).toEqual(order.slice(0, 3).map((i) => Buffer.from(all[i]!.publicKey).toString("hex")));
    expect(ended.places.map((p) => p.stack)).toEqual(order.slice(0, 3).map((i) => stacks[i]));
    // Proof-of-play: 0.2 + 0.8 × average(sessions / 10, play time / 30 min); accounts are over 7 days old.
    const entry = (i: number) => chain.core.tournamentEntry(ID, all[i]!.publicKey)!;
    const weight = (i: number) => {
      const e = entry(i);
      const sessions = BigInt(Math.min(e.sessions, 10));
      const playMs = e.firstPlayMs === 0n ? 0n : e.lastPlayMs - e.firstPlayMs;
      const progress = ((sessions * 10_000n) / 10n + (playMs * 10_000n) / 1_800_000n) / 2n;
      return 2_000n + (progress * 8_000n) / 10_000n;
    };
    const shares = order.slice(0, 3).map((i, r) => (weight(i) * 1_000_000_000n) / BigInt(r + 1));
    const total = shares.reduce((t, s) => t + s, 0n);
    expect(ended.places.map((p) => BigInt(p.weightBps))).toEqual(order.slice(0, 3).map(weight));
    expect(ended.prizePool).toBe(342n);
    expect(ended.places.map((p) => p.prize)).toEqual(shares.map((s) => (342n * s) / total));
    expect(ended.paid).toBe(ended.places.reduce((t, p) => t + p.prize, 0n));
    expect(ended.paid).toBeLessThanOrEqual(342n);
    expect(chain.core.freerollTotals()).toMatchObject({ creditsMinted: ended.paid, creditsExpired: 0n });
    expect(chain.core.tournament(ID)).toMatchObject({ phase: 2, prizePool: 342n, paid: ended.paid, winners: 3 });

    // Credits: 20% at once (floored), the rest linearly over 180 days.
    const winner = all[order[0]!]!;
    const prize = ended.places[0]!.prize;
    const unlocked = (prize * 2_000n) / 10_000n;
    expect(chain.core.freeroll(winner.publicKey)).toMatchObject({ creditsUsable: unlocked, creditsVesting: prize - unlocked, grants: 1 });
    at(END + 90n * DAY, []);
    const half = ((prize - unlocked) * 90n * DAY) / (180n * DAY);
    expect(chain.core.freeroll(winner.publicKey)).toMatchObject({
      creditsUsable: unlocked + half,
      creditsVesting: prize - unlocked - half,
    });
    // 180 days after the winner's last tournament play, every credit has expired.
    const last = chain.core.freeroll(winner.publicKey).lastPlayMs;
    at(last + 180n * DAY + 1n, []);
    expect(chain.core.freeroll(winner.publicKey)).toMatchObject({ creditsUsable: 0n, creditsVesting: 0n, creditsExpired: true });
    // Chips never moved: tournament prizes are credits, a separate ledger.
    for (const p of all) expect(chain.core.account(p.publicKey)!.chips).toBe(1000n);
  });
});

describe("random tournament transactions", () => {
  it("never trap, refuse with tournament codes, keep phases in order and chips untouched, and mint exactly the prizes", async () => {
    const { default: fc } = await import("fast-check");
    // Random joins, cranks and limits in each part of a tournament's life: its registration minute,
    // its play, and after its end; ids are mostly this tournament's, sometimes a neighbour's.
    const opArb = fc.oneof(
      { arbitrary: fc.record({ t: fc.constant("join" as const), who: fc.nat(3), dt: fc.constantFrom(0, 0, 0, 1, -1) }), weight: 3 },
      { arbitrary: fc.record({ t: fc.constant("start" as const), who: fc.nat(3), dt: fc.constantFrom(0, 0, -1, 1) }), weight: 2 },
      { arbitrary: fc.record({ t: fc.constant("end" as const), who: fc.nat(3), dt: fc.constantFrom(0, 0, -1, 1) }), weight: 2 },
      { arbitrary: fc.record({ t: fc.constant("limit" as const), who: fc.nat(3), limit: fc.integer({ min: 0, max: 255 }) }), weight: 1 },
    );
    const phaseArb = fc.array(opArb, { maxLength: 12 });
    const known = new Set([0, 302, 308, 313, 450, 451, 452, 454, 455, 456, 457]);
    const seen = { joined: 0, started: 0, paid: 0 };
    await fc.assert(
      fc.asyncProperty(fc.tuple(phaseArb, phaseArb, phaseArb), async (phases) => {
        const c = await newChain({ genesisTimeMs: REG - 10n * DAY });
        const who = players.slice(0, 4);
        for (const p of who) c.submit(p, { op: "register", name: "p" });
        c.seal();
        const chips = who.map((p) => c.core.account(p.publicKey)!.chips);
        const supply = c.core.supply();
        const seenPhase = new Map<bigint, number>();
        let minted = 0n;
        for (const [k, ops] of phases.entries()) {
          // Registration opens at REG, play at PLAY, the end at END.
          c.seal({ advanceMs: [REG, PLAY, END][k]! - c.timestampMs });
          for (const o of ops) {
            const p = who[o.who]!;
            if (o.t === "limit")
              c.submit(o.who === 0 ? c.admins[0]! : p, { op: "adminSetFreerollLimit", player: p.publicKey, limit: o.limit });
            else {
              const op = o.t === "join" ? "tournamentJoin" : o.t === "start" ? "tournamentStart" : "tournamentEnd";
              c.submit(p, { op, tournamentId: ID + BigInt(o.dt) });
            }
            const r = c.seal({ advanceMs: 1_000n });
            for (const e of r.events.map((x) => c.core.codec.decodeEvent(x))) {
              if (e.kind === "txError") expect(known.has(e.code), `code ${e.code}`).toBe(true);
              if (e.kind === "tournamentJoined") seen.joined++;
              if (e.kind === "tournamentStarted") seen.started++;
              if (e.kind === "tournamentEnded") {
                minted += e.paid;
                if (e.paid > 0n) seen.paid++;
              }
            }
            for (const id of [ID - 1n, ID, ID + 1n]) {
              const t = c.core.tournament(id);
              if (!t) continue;
              expect(t.phase).toBeGreaterThanOrEqual(seenPhase.get(id) ?? 0);
              seenPhase.set(id, t.phase);
            }
          }
        }
        for (const [i, p] of who.entries()) expect(c.core.account(p.publicKey)!.chips).toBe(chips[i]);
        const s = c.core.supply();
        expect([s.minted, s.house, s.pools]).toEqual([supply.minted, supply.house, supply.pools]);
        expect(c.core.freerollTotals().creditsMinted).toBe(minted);
      }),
      // A fixed seed: the coverage below (some tournament paid out) held in most random runs but
      // not all (CI, 2026-11-23: no payout in 40 runs).
      { numRuns: 40, seed: 2728 },
    );
    // The runs reach every step, not only refusals.
    expect(seen.joined).toBeGreaterThan(10);
    expect(seen.started).toBeGreaterThan(2);
    expect(seen.paid).toBeGreaterThan(0);
  }, 120_000);
});
