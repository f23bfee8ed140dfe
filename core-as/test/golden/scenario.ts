// The golden scenario: encodings, block execution to events and roots, randomness, snapshots and
// proofs, computed from core.wasm alone. Node and Chromium (in a worker) run this same module and
// must produce the same object, equal to test/golden/vectors.json.
import { Core, StateKey } from "../../src/core.js";
import { sha256, toHex } from "../../src/crypto/sha256.js";
import { LocalChain } from "../../src/dev/local-chain.js";
import {
  baccarat,
  blackjack,
  casinoWar,
  craps,
  hiLo,
  RouletteOption,
  roulette,
  SicBoOption,
  sicBo,
  threeCard,
  uth,
  videoPoker,
} from "../../src/games/index.js";

export interface GoldenVectors {
  wasmSha256: string;
  genesis: string;
  txs: string[];
  blocks: { block: string; sigma: string; progress: string; events: string[]; stateRoot: string }[];
  randomness: { sigma: string; sessionId: string; move: number; draws52: number[]; words: number[]; shuffle52: number[] };
  snapshotSha256: string;
  proofs: { key: string; value: string | null; proof: string }[];
  /** Recorded game sessions: their transactions replay to these events and roots everywhere. */
  games: { txs: string[]; blocks: { sigma: string; events: string[]; stateRoot: string }[]; gamesRecord: string; sessions: string[] };
}

/** A recorded set of table sessions (roulette, sic bo, baccarat) with rounds, a refusal and closes. */
async function recordGames(wasm: Uint8Array): Promise<GoldenVectors["games"]> {
  const chain = await LocalChain.create({ wasm, chainId: 7n, genesisTimeMs: 1_700_000_000_000n });
  const [alice, bob] = [LocalChain.signer(1), LocalChain.signer(2)];
  const txs: Uint8Array[] = [];
  const blocks: GoldenVectors["games"]["blocks"] = [];
  const seal = (advanceMs?: bigint) => {
    const r = chain.seal(advanceMs === undefined ? {} : { advanceMs });
    blocks.push({ sigma: toHex(r.sigma), events: r.events.map(toHex), stateRoot: r.progressView!.stateRoot });
  };
  txs.push(chain.submit(alice, { op: "register", name: "alice" }), chain.submit(bob, { op: "register", name: "bob" }));
  txs.push(chain.submit(alice, roulette.start(1n, RouletteOption.enPrison)), chain.submit(bob, sicBo.start(1n, SicBoOption.atlanticCity)));
  txs.push(chain.submit(alice, baccarat.start(2n)));
  seal();
  for (let i = 0; i < 3; i++) {
    txs.push(
      chain.submit(
        alice,
        roulette.spin(1n, [roulette.red(10n), roulette.straight(i * 11, 2n), roulette.corner(1, 3n), roulette.split(0, 3, 1n)]),
      ),
    );
    txs.push(
      chain.submit(
        bob,
        sicBo.roll(1n, [sicBo.small(5n), sicBo.total(10, 2n), sicBo.single(i + 1, 3n), sicBo.easyHopFour([1, 2, 5, 6], 1n)]),
      ),
    );
    txs.push(
      chain.submit(alice, baccarat.deal(2n, [baccarat.banker(20n), baccarat.tie(1n), baccarat.dragonPlayer(2n), baccarat.perfectPair(1n)])),
    );
    seal();
  }
  // One-hand games: whatever the deal, these moves are either played or refused, the same everywhere.
  txs.push(chain.submit(alice, casinoWar.start(3n, 10n, 1n)), chain.submit(bob, hiLo.start(4n, 5n)));
  txs.push(chain.submit(alice, videoPoker.start(5n, 20n)));
  txs.push(chain.submit(bob, threeCard.start(6n, 10n, { pairplus: 5n, sixCard: 2n, progressive: true })));
  seal();
  txs.push(chain.submit(alice, casinoWar.war(3n)), chain.submit(bob, hiLo.higher(4n)), chain.submit(bob, hiLo.lower(4n)));
  txs.push(chain.submit(bob, hiLo.cashOut(4n)), chain.submit(alice, videoPoker.draw(5n, [true, true, false, false, true])));
  txs.push(chain.submit(bob, threeCard.play(6n)));
  seal();
  txs.push(chain.submit(bob, roulette.spin(1n, [roulette.red(1n)]))); // bob has no session 1 at roulette: refused
  txs.push(chain.submit(bob, sicBo.close(1n)), chain.submit(alice, baccarat.close(2n)));
  seal();
  // Blackjack (6 decks, late surrender), Ultimate Texas Hold'em and craps, recorded after the games above so
  // that their blocks stay as they were. Moves the deal makes impossible are refused, the same everywhere.
  txs.push(
    chain.submit(
      alice,
      blackjack.start(7n, 10n, { twentyOnePlusThree: 2n, luckyLadies: 1n, bustIt: 1n, options: { decks: 6, lateSurrender: true } }),
    ),
  );
  txs.push(chain.submit(bob, uth.start(8n, 5n, { trips: 2n, sixCard: 1n, progressive: true })));
  txs.push(chain.submit(alice, craps.start(9n)));
  txs.push(chain.submit(alice, craps.roll(9n, [craps.pass(10n), craps.field(5n), craps.fire(1n), craps.hard(6, 2n)])));
  seal();
  txs.push(chain.submit(alice, blackjack.hit(7n)), chain.submit(alice, blackjack.stand(7n)), chain.submit(bob, uth.check(8n)));
  seal();
  txs.push(chain.submit(bob, uth.bet(8n, 2)));
  txs.push(chain.submit(alice, craps.roll(9n, [craps.passOdds(20n), craps.come(5n), craps.yes(4, 10n), craps.next(11, 1n)])));
  seal();
  // A tournament, recorded last: joins, the start crank, a table round with Shield and Double, a
  // hand with Shield, and the end crank with its prizes.
  const t = 4_722_223n;
  txs.push(chain.submit(alice, { op: "tournamentJoin", tournamentId: t }), chain.submit(bob, { op: "tournamentJoin", tournamentId: t }));
  seal(t * 360_000n - chain.timestampMs);
  txs.push(chain.submit(bob, { op: "tournamentStart", tournamentId: t }));
  txs.push(chain.submit(alice, { ...roulette.start(10n), mode: "tournament" }));
  txs.push(chain.submit(bob, { ...casinoWar.start(11n, 100n), mode: "tournament", modifiers: { shield: true } }));
  seal(60_000n);
  txs.push(
    chain.submit(alice, {
      ...roulette.spin(10n, [roulette.red(200n), roulette.straight(7, 20n)]),
      modifiers: { shield: true, double: true },
    }),
  );
  txs.push(chain.submit(bob, casinoWar.war(11n)));
  seal();
  txs.push(chain.submit(alice, { op: "tournamentEnd", tournamentId: t }));
  seal((t + 1n) * 360_000n - chain.timestampMs);
  const sessions = [
    [alice, 1n],
    [bob, 1n],
    [alice, 2n],
    [alice, 3n],
    [bob, 4n],
    [alice, 5n],
    [bob, 6n],
    [alice, 7n],
    [bob, 8n],
    [alice, 9n],
    [alice, 10n],
    [bob, 11n],
  ] as const;
  return {
    txs: txs.map(toHex),
    blocks,
    gamesRecord: toHex(chain.core.get(StateKey.games())!),
    sessions: sessions.map(([p, id]) => toHex(chain.core.get(StateKey.session(p.publicKey, id))!)),
  };
}

export async function computeGolden(wasm: Uint8Array): Promise<GoldenVectors> {
  const chain = await LocalChain.create({ wasm, chainId: 7n, genesisTimeMs: 1_700_000_000_000n });
  const [alice, bob, carol] = [LocalChain.signer(1), LocalChain.signer(2), LocalChain.signer(3)];
  const admin = chain.admins[0]!;
  const txs: Uint8Array[] = [];
  const blocks: GoldenVectors["blocks"] = [];
  const seal = (advanceMs?: bigint) => {
    const r = chain.seal(advanceMs === undefined ? {} : { advanceMs });
    blocks.push({
      block: toHex(r.block),
      sigma: toHex(r.sigma),
      progress: toHex(r.progress!),
      events: r.events.map(toHex),
      stateRoot: r.progressView!.stateRoot,
    });
  };

  txs.push(chain.submit(alice, { op: "register", name: "alice" }));
  txs.push(chain.submit(bob, { op: "register", name: "bob ♦" }));
  txs.push(chain.submit(admin, { op: "adminSetPolicy", field: 4, value: 0n }));
  txs.push(chain.submit(carol, { op: "faucet" })); // unknown account
  chain.submitRaw(Uint8Array.of(0xde, 0xad));
  seal();
  txs.push(chain.submit(alice, { op: "faucet" })); // too young
  txs.push(chain.submit(bob, { op: "register", name: "bob again" }));
  txs.push(chain.submit(alice, { op: "faucet" }, 7n)); // wrong nonce
  seal(1000n);
  txs.push(chain.submit(alice, { op: "faucet" }));
  txs.push(chain.submit(admin, { op: "adminRotateKeys", keys: [carol.publicKey, admin.publicKey] }));
  txs.push(chain.submit(carol, { op: "register", name: "carol" }));
  seal(86_400_000n);
  seal(5n); // an empty block

  const sigma = sha256(new TextEncoder().encode("golden sigma")).subarray(0, 32);
  const sigma48 = new Uint8Array([...sigma, ...sigma.subarray(0, 16)]);
  const codec = chain.core.codec;
  const proofKeys = [StateKey.account(alice.publicKey), StateKey.supply(), StateKey.account(new Uint8Array(32).fill(9))];
  const fresh = await Core.load(wasm);
  fresh.restore(chain.core.snapshot());
  if (toHex(fresh.stateRoot()) !== toHex(chain.core.stateRoot())) throw new Error("restored state differs");

  return {
    wasmSha256: toHex(sha256(wasm)),
    genesis: toHex(chain.genesis),
    txs: txs.map(toHex),
    blocks,
    randomness: {
      sigma: toHex(sigma48),
      sessionId: "12345678901234567890",
      move: 3,
      draws52: codec.randomDraws(sigma48, 12345678901234567890n, 3, 20, 52),
      words: codec.randomDraws(sigma48, 12345678901234567890n, 3, 8, 0),
      shuffle52: codec.randomShuffle(sigma48, 12345678901234567890n, 3, 52),
    },
    snapshotSha256: toHex(sha256(chain.core.snapshot())),
    proofs: proofKeys.map((key) => {
      const value = chain.core.get(key);
      return { key: toHex(key), value: value ? toHex(value) : null, proof: toHex(chain.core.prove(key)) };
    }),
    games: await recordGames(wasm),
  };
}
