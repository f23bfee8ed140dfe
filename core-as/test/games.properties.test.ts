// Properties of random game play through the real wasm (games.md, issue 5): chips are conserved
// between players, house and meters at every block; every round's balance follows from the last by
// exactly its stakes and returns (never an overdraft); a bet is paid once (a held bet is released
// exactly once, at its session's next round); and a transaction never changes another player's state.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Instruction } from "../src/codec.js";
import { StateKey } from "../src/core.js";
import type { Signer } from "../src/crypto/ed25519.js";
import { toHex } from "../src/crypto/sha256.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { type Bet, CrapsBet, GameId, RouletteBet, SicBoBet, TableAction } from "../src/games/index.js";
import type { EventView } from "../src/views.js";
import { newChain } from "./support/chain.js";

const PLAYERS: Signer[] = Array.from({ length: 3 }, (_, i) => LocalChain.signer(40 + i));
const SESSIONS = [1n, 2n, 3n, 10n];

const amountArb = fc.oneof(
  { arbitrary: fc.bigInt({ min: 1n, max: 200n }), weight: 9 },
  { arbitrary: fc.bigInt({ min: 0n, max: 12_000n }), weight: 1 },
);

// Valid bets of each game (with any amount), so most rounds are played, not refused.
const rouletteBetArb: fc.Arbitrary<Bet> = fc.oneof(
  fc.record({ kind: fc.constant(RouletteBet.straight), target: fc.nat(36), amount: amountArb }),
  fc.record({
    kind: fc.constant(RouletteBet.split),
    target: fc.constantFrom(1 | (2 << 8), 17 | (20 << 8), 0 | (3 << 8)),
    amount: amountArb,
  }),
  fc.record({ kind: fc.constantFrom(RouletteBet.street, RouletteBet.sixLine), target: fc.integer({ min: 1, max: 11 }), amount: amountArb }),
  fc.record({ kind: fc.constant(RouletteBet.corner), target: fc.constantFrom(1, 2, 17, 32), amount: amountArb }),
  fc.record({ kind: fc.constantFrom(RouletteBet.dozen, RouletteBet.column), target: fc.integer({ min: 1, max: 3 }), amount: amountArb }),
  fc.record({ kind: fc.integer({ min: RouletteBet.red, max: RouletteBet.high }), target: fc.constant(0), amount: amountArb }),
);
const sicBoBetArb: fc.Arbitrary<Bet> = fc.oneof(
  fc.record({
    kind: fc.constantFrom(SicBoBet.small, SicBoBet.big, SicBoBet.odd, SicBoBet.even, SicBoBet.anyTriple),
    target: fc.constant(0),
    amount: amountArb,
  }),
  fc.record({
    kind: fc.constantFrom(SicBoBet.specificTriple, SicBoBet.specificDouble, SicBoBet.single),
    target: fc.integer({ min: 1, max: 6 }),
    amount: amountArb,
  }),
  fc.record({ kind: fc.constant(SicBoBet.total), target: fc.integer({ min: 4, max: 17 }), amount: amountArb }),
  fc.record({ kind: fc.constant(SicBoBet.domino), target: fc.constantFrom(12, 36, 56), amount: amountArb }),
  fc.record({ kind: fc.constant(SicBoBet.easyHopThree), target: fc.constantFrom(123, 246, 456), amount: amountArb }),
  fc.record({ kind: fc.constant(SicBoBet.hardHop), target: fc.constantFrom(12, 65, 31), amount: amountArb }),
  fc.record({ kind: fc.constant(SicBoBet.easyHopFour), target: fc.constantFrom(1234, 2356, 1456), amount: amountArb }),
);
const baccaratBetArb: fc.Arbitrary<Bet> = fc.record({ kind: fc.nat(9), target: fc.constant(0), amount: amountArb });
// Craps: every kind, mostly bets any roll takes (phases and odds limits refuse the others often).
const crapsBetArb: fc.Arbitrary<Bet> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant(CrapsBet.hard), target: fc.constantFrom(4, 6, 8, 10), amount: amountArb }), weight: 3 },
  {
    arbitrary: fc.record({ kind: fc.constantFrom(CrapsBet.yes, CrapsBet.no), target: fc.constantFrom(2, 4, 5, 9, 12), amount: amountArb }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant(CrapsBet.next), target: fc.constantFrom(2, 7, 11), amount: amountArb }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant(CrapsBet.field), target: fc.constant(0), amount: amountArb }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom(CrapsBet.pass, CrapsBet.dontPass, CrapsBet.come, CrapsBet.dontCome, CrapsBet.passOdds, CrapsBet.dontPassOdds),
      target: fc.constant(0),
      amount: amountArb,
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({ kind: fc.integer({ min: CrapsBet.fire, max: CrapsBet.hotRoller }), target: fc.constant(0), amount: amountArb }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom(CrapsBet.comeOdds, CrapsBet.dontComeOdds),
      target: fc.constantFrom(4, 6, 9),
      amount: amountArb,
    }),
    weight: 1,
  },
);
const anyBetArb: fc.Arbitrary<Bet> = fc.record({
  kind: fc.nat(255),
  target: fc.oneof(fc.nat(5000), fc.constant(0xffff_ffff)),
  amount: fc.oneof(amountArb, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
});

// Session 1 is a roulette table, 2 sic bo, 3 baccarat, 8 craps (a start may still name another game).
const TABLES = [
  { game: GameId.roulette, bet: rouletteBetArb, options: [0, 2, 2, 1, 4, 6, 3] },
  { game: GameId.sicBo, bet: sicBoBetArb, options: [0, 1, 2] },
  { game: GameId.baccarat, bet: baccaratBetArb, options: [0, 0, 1] },
  { game: GameId.craps, bet: crapsBetArb, options: [0, 0, 1] },
];

// Sessions 4/104 are Casino War hands, 5/105 Hi-Lo, 6/106 Video Poker, 7/107 Three Card Poker, 8/108
// Blackjack, 9/109 Ultimate Texas Hold'em (a new hand alternates between two ids).
const HANDS: number[] = [GameId.casinoWar, GameId.hiLo, GameId.videoPoker, GameId.threeCard, GameId.blackjack, GameId.ultimateHoldem];
const HAND_SESSIONS = [4n, 5n, 6n, 7n, 8n, 9n];

type Step =
  | { t: "hand"; who: number; hand: number; stake: bigint; tie: bigint }
  | { t: "act"; who: number; hand: number; action: number }
  | { t: "start"; who: number; table: number; game: number; options: number }
  | { t: "play"; who: number; table: number; bets: Bet[] }
  | { t: "close"; who: number; table: number }
  | { t: "seal" };

const tableArb = fc.nat(TABLES.length - 1);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: tableArb.chain((table) =>
      fc.record({
        t: fc.constant("start" as const),
        who: fc.nat(2),
        table: fc.constant(table),
        game: fc.oneof(
          { arbitrary: fc.constant(TABLES[table]!.game), weight: 9 },
          { arbitrary: fc.constantFrom(99, GameId.hiLo), weight: 1 },
        ),
        options: fc.constantFrom(...TABLES[table]!.options),
      }),
    ),
    weight: 2,
  },
  {
    arbitrary: tableArb.chain((table) =>
      fc.record({
        t: fc.constant("play" as const),
        who: fc.nat(2),
        table: fc.constant(table),
        bets: fc.array(fc.oneof({ arbitrary: TABLES[table]!.bet, weight: 19 }, { arbitrary: anyBetArb, weight: 1 }), { maxLength: 5 }),
      }),
    ),
    weight: 8,
  },
  { arbitrary: fc.record({ t: fc.constant("close" as const), who: fc.nat(2), table: tableArb }), weight: 1 },
  {
    arbitrary: fc.record({
      t: fc.constant("hand" as const),
      who: fc.nat(2),
      hand: fc.nat(HANDS.length - 1),
      stake: fc.oneof({ arbitrary: amountArb, weight: 9 }, { arbitrary: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), weight: 1 }),
      tie: fc.constantFrom(0n, 0n, 1n, 5n),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      t: fc.constant("act" as const),
      who: fc.nat(2),
      hand: fc.nat(HANDS.length - 1),
      action: fc.constantFrom(0, 0, 1, 1, 2, 3, 3, 4, 5, 17, 31, 40),
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ t: fc.constant("seal" as const) }), weight: 2 },
);

/** The id of a player's n-th hand of a game: 4/104/4/… (a finished id is never reused: the start is refused). */
function handSession(hand: number, n: number): bigint {
  return HAND_SESSIONS[hand]! + 100n * BigInt(n % 2);
}

/** A player's account and sessions, as bytes. */
function stateOf(chain: LocalChain, who: number): string {
  const p = PLAYERS[who]!;
  const ids = [...SESSIONS, ...HAND_SESSIONS, ...HAND_SESSIONS.map((s) => s + 100n)];
  const parts = [chain.core.get(StateKey.account(p.publicKey)), ...ids.map((s) => chain.core.get(StateKey.session(p.publicKey, s)))];
  return parts.map((b) => (b ? toHex(b) : "-")).join("|");
}

describe("random game play", () => {
  it("conserves chips, never overdraws, pays each bet once and touches only the signer's state", async () => {
    const seen = { rounds: 0, refusals: 0, held: 0, released: 0, closed: 0, hands: 0, crapsRolls: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(6), { minLength: 3 * TABLES.length, maxLength: 3 * TABLES.length }),
        fc.array(stepArb, { minLength: 1, maxLength: 80, size: "medium" }),
        async (options, steps) => {
          const chain = await newChain();
          // Every player sits at every table (options drawn per table), then plays at random.
          PLAYERS.forEach((p, who) => {
            chain.submit(p, { op: "register", name: "p" });
            TABLES.forEach((t, i) => {
              const o = t.options[options[who * TABLES.length + i]! % t.options.length]!;
              chain.submit(p, { op: "gameStart", game: t.game, sessionId: SESSIONS[i]!, options: o });
            });
          });
          chain.seal();
          const balance = PLAYERS.map((p) => chain.core.account(p.publicKey)!.chips);
          const held = new Map<string, string[]>(); // session → bets held for its next round
          let senders = new Set<number>();
          let before = PLAYERS.map((_, i) => stateOf(chain, i));

          const seal = () => {
            const r = chain.seal();
            const events = r.events.map((e) => chain.core.codec.decodeEvent(e));
            for (const e of events) check(e);
            PLAYERS.forEach((_, i) => {
              if (!senders.has(i)) expect(stateOf(chain, i)).toBe(before[i]);
              expect(chain.core.account(PLAYERS[i]!.publicKey)!.chips).toBe(balance[i]);
            });
            const s = chain.core.supply();
            const balances = PLAYERS.reduce((t, p) => t + chain.core.account(p.publicKey)!.chips, 0n);
            expect(balances + s.house + s.pools + s.treasury).toBe(s.minted - s.burned);
            senders = new Set();
            before = PLAYERS.map((_, i) => stateOf(chain, i));
          };

          const check = (e: EventView) => {
            const who = PLAYERS.findIndex((p) => toHex(p.publicKey) === e.account);
            expect(who).toBeGreaterThanOrEqual(0);
            // A start shows the balance once its stakes are taken; the opening round (same
            // transaction) states those stakes again and the balance after it.
            // (Ultimate Texas Hold'em's Blind is the Ante again.)
            const blind = e.kind === "gameStarted" && e.game === GameId.ultimateHoldem ? e.stake : 0n;
            if (e.kind === "gameStarted") expect(e.chips).toBe(balance[who]! - e.stake - blind - e.bets.reduce((t, b) => t + b.amount, 0n));
            if (e.kind === "txError") seen.refusals++;
            if (e.kind !== "gameRound") return;
            seen.rounds++;
            seen.held += e.bets.filter((b) => b.status === 1).length;
            seen.released += e.bets.filter((b) => b.status === 2).length;
            if (e.game === GameId.craps && e.draws.length > 0) seen.crapsRolls++;
            if (e.finished) seen.closed++;
            if (e.finished && HANDS.includes(e.game)) seen.hands++;
            // The balance moves by exactly this round's stakes and returns, never below zero.
            expect(e.staked).toBeLessThanOrEqual(balance[who]!);
            expect(e.chips).toBe(balance[who]! - e.staked + e.returned);
            balance[who] = e.chips;
            expect(e.returned).toBe(e.bets.reduce((t, b) => t + b.return, 0n));
            const newStakes = e.bets.filter((b) => b.status !== 2).reduce((t, b) => t + b.stake, 0n);
            expect(newStakes).toBe(e.staked);
            for (const b of e.bets)
              expect(b.return).toBeLessThanOrEqual(
                b.stake *
                  (e.game === GameId.videoPoker
                    ? 800n
                    : e.game === GameId.threeCard || e.game === GameId.ultimateHoldem
                      ? 100_000n
                      : e.game === GameId.blackjack || e.game === GameId.craps
                        ? 1001n
                        : 251n) +
                  (e.game === GameId.hiLo ? b.return : 0n),
              );
            // A held bet is released once, later, and only if it was held; a table's held bets all
            // resolve at its next round; nothing stays held once the session is finished.
            const key = `${e.account}/${e.sessionId}`;
            const pending = [...(held.get(key) ?? [])];
            for (const b of e.bets.filter((x) => x.status === 2)) {
              const at = pending.indexOf(`${b.kind}:${b.target}:${b.stake}`);
              expect(at).toBeGreaterThanOrEqual(0);
              pending.splice(at, 1);
              if (e.game === GameId.roulette || e.game === GameId.casinoWar) expect(b.return).toBeLessThanOrEqual(b.stake * 2n);
            }
            if (e.game === GameId.roulette && e.draws.length > 0) expect(pending).toEqual([]);
            pending.push(...e.bets.filter((b) => b.status === 1).map((b) => `${b.kind}:${b.target}:${b.stake}`));
            held.set(key, pending);
            if (e.finished) expect(pending).toEqual([]);
          };

          const nonces = PLAYERS.map((p) => chain.core.account(p.publicKey)!.nonce);

          const hands: number[] = [];
          const send = (who: number, ins: Instruction) => {
            chain.submit(PLAYERS[who]!, ins, nonces[who]!);
            nonces[who]!++;
            senders.add(who);
          };
          for (const s of steps) {
            if (s.t === "hand") {
              const n = (hands[s.who * HANDS.length + s.hand] ?? -1) + 1;
              hands[s.who * HANDS.length + s.hand] = n;
              // War: the Tie bet; Three Card Poker: Pairplus and the 1-chip Progressive (feeding the meter).
              const sideBets =
                s.tie > 0n && s.hand === 0
                  ? [{ kind: 1, target: 0, amount: s.tie }]
                  : s.tie > 0n && s.hand === 3
                    ? [
                        { kind: 1, target: 0, amount: s.tie },
                        { kind: 3, target: 0, amount: 1n },
                      ]
                    : s.tie > 0n && s.hand === 4 // Blackjack: Lucky Ladies and Bust It, held to the end
                      ? [
                          { kind: 4, target: 0, amount: s.tie },
                          { kind: 5, target: 0, amount: s.tie },
                        ]
                      : s.tie > 0n && s.hand === 5 // Ultimate Texas Hold'em: Trips and the 1-chip Progressive
                        ? [
                            { kind: 2, target: 0, amount: s.tie },
                            { kind: 4, target: 0, amount: 1n },
                          ]
                        : [];
              send(s.who, { op: "gameStart", game: HANDS[s.hand]!, sessionId: handSession(s.hand, n), stake: s.stake, sideBets });
              continue;
            }
            if (s.t === "act") {
              send(s.who, { op: "gameMove", sessionId: handSession(s.hand, hands[s.who * HANDS.length + s.hand] ?? 0), action: s.action });
              continue;
            }
            const session = s.t === "seal" ? 0n : SESSIONS[s.table]!;
            if (s.t === "start") send(s.who, { op: "gameStart", game: s.game, sessionId: session, options: s.options });
            else if (s.t === "play") send(s.who, { op: "gameMove", sessionId: session, action: TableAction.play, bets: s.bets });
            else if (s.t === "close") send(s.who, { op: "gameMove", sessionId: session, action: TableAction.close });
            else seal();
          }
          seal();
        },
      ),
      { numRuns: 80 },
    );
    // The streams must reach real play, not only refusals.
    expect(seen.rounds).toBeGreaterThan(100);
    expect(seen.hands).toBeGreaterThan(30);
    expect(seen.closed).toBeGreaterThan(5);
    expect(seen.refusals).toBeGreaterThan(100);
    // Craps is played, not only refused (its held bets are settled at later rolls in most runs).
    expect(seen.crapsRolls).toBeGreaterThan(15);
  });
});

describe("random tournament play", () => {
  // Tournament 4,722,300: registration opens at its id × 360 s; accounts are 10 days old by then.
  const ID = 4_722_300n;
  const REG = ID * 360_000n;
  const modsArb = fc.record({ shield: fc.boolean(), double: fc.boolean() }, { requiredKeys: [] });
  const tourStepArb = fc.oneof(
    { arbitrary: fc.record({ t: fc.constant("step" as const), step: stepArb }), weight: 6 },
    { arbitrary: fc.record({ t: fc.constant("mods" as const), step: stepArb, mods: modsArb }), weight: 3 },
  );

  it("moves only tournament stacks, by exactly the rounds and modifiers the events show, and spends each modifier once", async () => {
    const seen = { rounds: 0, applied: 0, extra: 0n, refusals: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(tourStepArb, { minLength: 1, maxLength: 60, size: "medium" }), async (steps) => {
        const chain = await newChain({ genesisTimeMs: REG - 10n * 86_400_000n });
        for (const p of PLAYERS) chain.submit(p, { op: "register", name: "p" });
        chain.seal();
        for (const p of PLAYERS) chain.submit(p, { op: "tournamentJoin", tournamentId: ID });
        chain.seal({ advanceMs: REG - chain.timestampMs });
        chain.submit(PLAYERS[0]!, { op: "tournamentStart", tournamentId: ID });
        for (const p of PLAYERS)
          for (const [i, t] of TABLES.entries())
            chain.submit(p, { op: "gameStart", game: t.game, sessionId: SESSIONS[i]!, mode: "tournament" });
        chain.seal({ advanceMs: 60_000n });
        const chips = PLAYERS.map((p) => chain.core.account(p.publicKey)!.chips);
        const supply = chain.core.supply();
        const stack = PLAYERS.map(() => 1000n);
        const spent = PLAYERS.map(() => ({ shields: 0, doubles: 0 }));
        const nonces = PLAYERS.map((p) => chain.core.account(p.publicKey)!.nonce);
        const declared = new Map<string, { who: number; shield: boolean; double: boolean }>();
        const hands: number[] = [];

        const seal = () => {
          const r = chain.seal();
          const events = r.events.map((e) => chain.core.codec.decodeEvent(e));
          const refused = new Set(events.filter((e) => e.kind === "txError").map((e) => `${e.account}/${e.nonce}`));
          seen.refusals += refused.size;
          for (const e of events) {
            const who = PLAYERS.findIndex((p) => toHex(p.publicKey) === e.account);
            if (e.kind === "gameRound") {
              seen.rounds++;
              expect(e.staked).toBeLessThanOrEqual(stack[who]!);
              stack[who] = stack[who]! - e.staked + e.returned;
              expect(e.chips).toBe(stack[who]);
            } else if (e.kind === "modifierApplied") {
              seen.applied++;
              const shield = (e.modifiers & 1) !== 0 && e.returned < e.staked ? e.staked - e.returned : 0n;
              const double = (e.modifiers & 2) !== 0 && e.returned > e.staked ? e.returned - e.staked : 0n;
              expect(e.extra).toBe(shield + double);
              seen.extra += e.extra;
              stack[who] = stack[who]! + e.extra;
              expect(e.stack).toBe(stack[who]);
            }
          }
          for (const [key, d] of declared) {
            if (refused.has(key)) continue;
            if (d.shield) spent[d.who]!.shields++;
            if (d.double) spent[d.who]!.doubles++;
          }
          declared.clear();
          PLAYERS.forEach((p, i) => {
            expect(chain.core.account(p.publicKey)!.chips).toBe(chips[i]);
            expect(chain.core.tournamentEntry(ID, p.publicKey)).toMatchObject({
              stack: stack[i],
              shields: 3 - spent[i]!.shields,
              doubles: 3 - spent[i]!.doubles,
            });
          });
          const s = chain.core.supply();
          expect([s.minted, s.house, s.pools]).toEqual([supply.minted, supply.house, supply.pools]);
        };

        const send = (who: number, ins: Instruction, mods?: { shield?: boolean; double?: boolean }) => {
          if (mods && (mods.shield || mods.double)) {
            declared.set(`${toHex(PLAYERS[who]!.publicKey)}/${nonces[who]}`, { who, shield: !!mods.shield, double: !!mods.double });
            ins = { ...ins, modifiers: mods } as Instruction;
          }
          chain.submit(PLAYERS[who]!, ins, nonces[who]!);
          nonces[who]!++;
        };
        for (const x of steps) {
          const s = x.step;
          const mods = x.t === "mods" ? x.mods : undefined;
          if (s.t === "hand") {
            const n = (hands[s.who * HANDS.length + s.hand] ?? -1) + 1;
            hands[s.who * HANDS.length + s.hand] = n;
            const ins = { op: "gameStart", game: HANDS[s.hand]!, sessionId: handSession(s.hand, n), stake: s.stake, mode: "tournament" };
            send(s.who, ins as Instruction, mods);
          } else if (s.t === "act")
            send(
              s.who,
              { op: "gameMove", sessionId: handSession(s.hand, hands[s.who * HANDS.length + s.hand] ?? 0), action: s.action },
              mods,
            );
          else if (s.t === "play")
            send(s.who, { op: "gameMove", sessionId: SESSIONS[s.table]!, action: TableAction.play, bets: s.bets }, mods);
          else if (s.t === "close") send(s.who, { op: "gameMove", sessionId: SESSIONS[s.table]!, action: TableAction.close }, mods);
          else if (s.t === "seal") seal();
        }
        seal();
      }),
      { numRuns: 40 },
    );
    expect(seen.rounds).toBeGreaterThan(100);
    expect(seen.applied).toBeGreaterThan(10);
    expect(seen.extra).toBeGreaterThan(0n);
    expect(seen.refusals).toBeGreaterThan(20);
  });
});
