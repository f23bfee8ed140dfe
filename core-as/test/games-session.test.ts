// The common session model (games.md): GameStart / GameMove through real blocks, the events a
// round emits, and every refusal, each of which must change nothing but the nonce.
import { beforeEach, describe, expect, it } from "vitest";
import { LocalChain } from "../src/dev/local-chain.js";
import { GameId, MAX_BET, RouletteOption, roulette, SicBoOption, sicBo } from "../src/games/index.js";
import { newChain } from "./support/chain.js";
import { codeOf } from "./support/errors.js";
import { expectRefused, play, round, started } from "./support/games.js";

const GRANT = 100_000n;
let chain: LocalChain;
const alice = LocalChain.signer(1);
const bob = LocalChain.signer(2);

beforeEach(async () => {
  chain = await newChain();
  // Enough chips to bet the table maximum (policy field 0: the register grant).
  play(chain, chain.admins[0]!, { op: "adminSetPolicy", field: 0, value: GRANT });
  chain.submit(alice, { op: "register", name: "alice" });
  chain.submit(bob, { op: "register", name: "bob" });
  chain.seal();
});

function conserved(): void {
  const s = chain.core.supply();
  const balances = [alice, bob].reduce((t, p) => t + (chain.core.account(p.publicKey)?.chips ?? 0n), 0n);
  expect(balances + s.house + s.pools + s.treasury).toBe(s.minted - s.burned);
}

describe("a table session", () => {
  it("opens, plays rounds whose events carry every draw, stake, return and the balance, and closes", () => {
    const open = started(play(chain, alice, roulette.start(7n))[0]);
    expect(open).toMatchObject({ sessionId: 7n, game: GameId.roulette, mode: 0, options: 0, stake: 0n, chips: GRANT });
    const bets = [roulette.red(100n), roulette.straight(17, 5n), roulette.dozen(3, 20n), roulette.split(0, 3, 1n)];
    const r = round(play(chain, alice, roulette.spin(7n, bets))[0]);
    expect(r.move).toBe(1);
    expect(r.draws).toHaveLength(1);
    expect(r.draws[0]).toMatchObject({ move: 1, index: 0 });
    // The returns are the settle function's on the drawn pocket; totals and balance follow.
    const want = chain.core.codec.games.settleTableBets(GameId.roulette, 0, [r.draws[0]!.value], bets);
    expect(r.bets).toEqual(bets.map((b, i) => ({ kind: b.kind, target: b.target, stake: b.amount, return: want[i]!.return, status: 0 })));
    expect(r.staked).toBe(126n);
    expect(r.returned).toBe(want.reduce((t, w) => t + w.return, 0n));
    expect(r.chips).toBe(GRANT - 126n + r.returned);
    expect(chain.core.account(alice.publicKey)!.chips).toBe(r.chips);
    expect(r.finished).toBe(false);
    conserved();

    const closed = round(play(chain, alice, roulette.close(7n))[0]);
    expect(closed).toMatchObject({ move: 2, draws: [], bets: [], staked: 0n, returned: 0n, chips: r.chips, finished: true });
    expect(chain.core.session(alice.publicKey, 7n)).toMatchObject({ finished: true, moves: 2, game: GameId.roulette });
    expect(chain.core.account(alice.publicKey)!.sessionsPlayed).toBe(1n);
  });

  it("gives moves of one session in one block their own move numbers and streams", () => {
    play(chain, alice, sicBo.start(1n));
    const events = play(chain, alice, sicBo.roll(1n, [sicBo.big(1n)]), sicBo.roll(1n, [sicBo.big(1n)]));
    const [a, b] = events.map(round);
    expect(a!.draws.map((d) => d.move)).toEqual([1, 1, 1]);
    expect(b!.draws.map((d) => d.move)).toEqual([2, 2, 2]);
    expect(b!.draws.map((d) => d.index)).toEqual([0, 1, 2]);
    const sigma = chain.beacon(chain.height);
    const serial = chain.core.session(alice.publicKey, 1n)!.serial;
    // The dice are the stream's draws below 6, plus one, of (σ_h, serial, move).
    expect(a!.draws.map((d) => d.value - 1)).toEqual(chain.core.codec.randomDraws(sigma, serial, 1, 3, 6));
    expect(b!.draws.map((d) => d.value - 1)).toEqual(chain.core.codec.randomDraws(sigma, serial, 2, 3, 6));
  });

  it("gives two players who pick the same session id distinct serials (distinct streams)", () => {
    chain.submit(alice, roulette.start(1n));
    chain.submit(bob, roulette.start(1n));
    chain.seal();
    const a = chain.core.session(alice.publicKey, 1n)!;
    const b = chain.core.session(bob.publicKey, 1n)!;
    expect(a.serial).not.toBe(b.serial);
  });

  it("accepts a bet of exactly the table maximum and a batch of 20 bets", () => {
    play(chain, alice, roulette.start(1n));
    const r = round(play(chain, alice, roulette.spin(1n, [roulette.black(MAX_BET)]))[0]);
    expect(r.staked).toBe(MAX_BET);
    const twenty = Array.from({ length: 20 }, (_, i) => roulette.straight(i, 1n));
    expect(round(play(chain, alice, roulette.spin(1n, twenty))[0]).bets).toHaveLength(20);
    conserved();
  });

  it("cannot encode fields out of range (the wasm would wrap them)", () => {
    const body = (ins: Parameters<typeof chain.core.codec.txBody>[2]) => () => chain.core.codec.txBody(alice.publicKey, 0n, ins);
    expect(codeOf(body({ ...roulette.start(1n), game: 256 + GameId.roulette }))).toBe(900);
    expect(codeOf(body({ ...roulette.start(1n), options: 2 ** 32 }))).toBe(900);
    expect(codeOf(body(roulette.start(1n << 64n)))).toBe(900);
    expect(codeOf(body({ ...roulette.close(1n), action: 256 }))).toBe(900);
    expect(() => body(roulette.spin(1n, [roulette.red(1n << 64n)]))()).toThrow(RangeError);
  });

  it("cannot encode a batch of 21 bets (TOO_MANY_ITEMS)", () => {
    const bets = Array.from({ length: 21 }, () => roulette.red(1n));
    expect(codeOf(() => chain.core.codec.txBody(alice.publicKey, 0n, roulette.spin(1n, bets)))).toBe(109);
  });
});

describe("refusals change nothing but the nonce", () => {
  const watch = () => ({ players: [alice, bob], sessions: [1n, 2n] });
  beforeEach(() => {
    play(chain, alice, roulette.start(1n), sicBo.start(2n));
  });

  it("UNKNOWN_GAME for an unknown or not yet playable game", () => {
    expectRefused(chain, alice, { op: "gameStart", game: 99, sessionId: 9n }, 400, watch());
    expectRefused(chain, alice, { op: "gameStart", game: 11, sessionId: 9n, stake: 10n }, 400, watch());
  });

  it("SESSION_ID_USED for an id in use or finished", () => {
    expectRefused(chain, alice, sicBo.start(1n), 401, watch());
    play(chain, alice, roulette.spin(1n, [roulette.red(1n)]), roulette.close(1n));
    expectRefused(chain, alice, roulette.start(1n), 401, watch());
  });

  it("SESSION_NOT_FOUND for an unknown id and for another player's session", () => {
    expectRefused(chain, alice, roulette.spin(5n, [roulette.red(1n)]), 402, watch());
    // Bob has no session 1; alice's session 1 is out of his reach.
    expectRefused(chain, bob, roulette.spin(1n, [roulette.red(1n)]), 402, watch());
    expectRefused(chain, bob, roulette.close(1n), 402, watch());
  });

  it("SESSION_FINISHED for a move on a closed session", () => {
    play(chain, alice, roulette.close(1n));
    expectRefused(chain, alice, roulette.spin(1n, [roulette.red(1n)]), 403, watch());
    expectRefused(chain, alice, roulette.close(1n), 403, watch());
  });

  it("UNKNOWN_ACTION", () => {
    expectRefused(chain, alice, { op: "gameMove", sessionId: 1n, action: 9 }, 405, watch());
  });

  it("UNKNOWN_BET and INVALID_BET_TARGET", () => {
    expectRefused(chain, alice, roulette.spin(1n, [{ kind: 13, target: 0, amount: 1n }]), 406, watch());
    expectRefused(chain, alice, sicBo.roll(2n, [{ kind: 13, target: 0, amount: 1n }]), 406, watch());
    expectRefused(chain, alice, roulette.spin(1n, [roulette.split(1, 5, 1n)]), 407, watch());
    expectRefused(chain, alice, roulette.spin(1n, [roulette.straight(37, 1n)]), 407, watch()); // 00 on a single-zero wheel
    expectRefused(chain, alice, roulette.spin(1n, [{ kind: 7, target: 1, amount: 1n }]), 407, watch());
    expectRefused(chain, alice, sicBo.roll(2n, [sicBo.total(3, 1n)]), 407, watch());
    expectRefused(chain, alice, sicBo.roll(2n, [{ kind: 9, target: 33, amount: 1n }]), 407, watch());
    // One bad bet refuses the whole batch.
    expectRefused(chain, alice, sicBo.roll(2n, [sicBo.small(5n), sicBo.hardHop(4, 4, 1n)]), 407, watch());
  });

  it("BET_BELOW_MINIMUM and BET_OVER_LIMIT", () => {
    expectRefused(chain, alice, roulette.spin(1n, [roulette.red(0n)]), 408, watch());
    expectRefused(chain, alice, roulette.spin(1n, [roulette.red(MAX_BET + 1n)]), 409, watch());
    expectRefused(chain, alice, sicBo.roll(2n, [sicBo.small(1n), sicBo.big(MAX_BET + 1n)]), 409, watch());
  });

  it("INVALID_OPTIONS", () => {
    expectRefused(chain, alice, roulette.start(9n, RouletteOption.laPartage | RouletteOption.enPrison), 410, watch());
    expectRefused(chain, alice, roulette.start(9n, 8), 410, watch());
    expectRefused(chain, alice, sicBo.start(9n, SicBoOption.atlanticCity << 1), 410, watch());
  });

  it("NO_BETS and STAKE_NOT_ALLOWED", () => {
    expectRefused(chain, alice, roulette.spin(1n, []), 411, watch());
    expectRefused(chain, alice, { ...roulette.start(9n), stake: 5n }, 412, watch());
    expectRefused(chain, alice, { op: "gameStart", game: GameId.roulette, sessionId: 9n, sideBets: [roulette.red(1n)] }, 412, watch());
    expectRefused(chain, alice, { op: "gameMove", sessionId: 1n, action: 1, bets: [roulette.red(1n)] }, 412, watch());
  });

  it("INSUFFICIENT_CHIPS when the batch exceeds the balance", () => {
    const bets = Array.from({ length: 11 }, () => roulette.red(MAX_BET));
    expectRefused(chain, alice, roulette.spin(1n, bets), 310, watch());
  });

  it("NO_RANDOMNESS in a block executed without a beacon value", () => {
    const previous = chain.beacon;
    chain.beacon = () => new Uint8Array(0);
    expectRefused(chain, alice, roulette.spin(1n, [roulette.red(1n)]), 414, watch());
    chain.beacon = previous;
  });

  it("TOURNAMENT_NOT_ACTIVE and MODIFIER_NOT_ALLOWED outside a tournament", () => {
    expectRefused(chain, alice, { ...roulette.start(9n), mode: "tournament" }, 415, watch());
    expectRefused(chain, alice, { ...roulette.start(9n), modifiers: { shield: true } }, 416, watch());
    expectRefused(chain, alice, { ...roulette.spin(1n, [roulette.red(1n)]), modifiers: { double: true } }, 416, watch());
  });
});
