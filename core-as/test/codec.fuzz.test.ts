// Every decoder of the wasm, fed random and mutated bytes: it never traps, refuses with a known
// error code, and whatever it accepts is canonical (re-encodes to the same bytes, or two inputs
// with the same decoded view are the same bytes).
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Instruction } from "../src/codec.js";
import { Core } from "../src/core.js";
import { concatBytes, fromHex } from "../src/crypto/sha256.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { baccarat, casinoWar, hiLo, roulette, sicBo, threeCard, videoPoker } from "../src/games/index.js";
import { newChain } from "./support/chain.js";
import { attempt, type Decoder, fuzzRuns, mutate, mutation } from "./support/fuzz.js";
import { wasmBytes } from "./support/wasm.js";

let core: Core;
let samples: Record<"tx" | "block" | "event" | "progress" | "genesis" | "snapshot", Uint8Array[]>;

beforeAll(async () => {
  core = await Core.load(wasmBytes());
  const chain = await newChain();
  const alice = LocalChain.signer(1);
  const txs = [
    chain.submit(alice, { op: "register", name: "alice ♣" }),
    chain.submit(alice, { op: "faucet" }),
    chain.submit(chain.admins[0]!, { op: "adminSetPolicy", field: 1, value: 300n }),
    chain.submit(chain.admins[0]!, { op: "adminRotateKeys", keys: [alice.publicKey, chain.admins[0]!.publicKey] }),
    chain.submit(alice, roulette.start(1n, 2)),
    chain.submit(alice, roulette.spin(1n, [roulette.red(10n), roulette.split(17, 20, 3n), roulette.straight(0, 1n)])),
    chain.submit(alice, sicBo.start(1n << 63n, 1)),
    chain.submit(alice, sicBo.roll(1n << 63n, [sicBo.easyHopFour([1, 3, 4, 6], 5n), sicBo.single(2, 300n)])),
    chain.submit(alice, sicBo.close(1n << 63n)),
    chain.submit(alice, baccarat.start(2n)),
    chain.submit(alice, baccarat.deal(2n, [baccarat.banker(7n), baccarat.perfectPair(1n), baccarat.dragonPlayer(2n)])),
    chain.submit(alice, casinoWar.start(3n, 4n, 2n)),
    chain.submit(alice, hiLo.start(4n, 9n)),
    chain.submit(alice, hiLo.higher(4n)),
    chain.submit(alice, videoPoker.start(5n, 3n, 1)),
    chain.submit(alice, videoPoker.draw(5n, [true, false, false, true, false])),
    chain.submit(alice, threeCard.start(6n, 5n, { pairplus: 2n, sixCard: 1n, progressive: true })),
    chain.submit(alice, threeCard.play(6n)),
  ];
  chain.submitRaw(Uint8Array.of(1, 2, 3));
  const r = chain.seal();
  // A tournament from join to prizes, so every tournament transaction and event is sampled.
  const reg = 4_722_223n * 360_000n;
  const events = [...r.events];
  const block = (t: bigint, list: Instruction[], signer = alice) => {
    for (const ins of list) txs.push(chain.submit(signer, ins));
    events.push(...chain.seal({ advanceMs: t - chain.timestampMs }).events);
  };
  const id = 4_722_223n;
  block(reg, [{ op: "tournamentJoin", tournamentId: id }]);
  block(reg + 60_000n, [
    { op: "tournamentStart", tournamentId: id },
    { ...roulette.start(9n), mode: "tournament" },
    { ...roulette.spin(9n, [roulette.red(10n)]), modifiers: { shield: true, double: true } },
  ]);
  block(reg + 360_000n, [{ op: "tournamentEnd", tournamentId: id }]);
  block(reg + 361_000n, [{ op: "adminSetFreerollLimit", player: alice.publicKey, limit: 10 }], chain.admins[0]!);
  samples = {
    tx: txs,
    block: [r.block],
    event: events,
    progress: [r.progress!],
    genesis: [chain.genesis],
    snapshot: [chain.core.snapshot()],
  };
});

const decoders: Record<keyof typeof samples, (c: Core) => Decoder> = {
  tx: (c) => (b) => c.codec.decodeTx(b),
  block: (c) => (b) => c.codec.decodeBlock(b),
  event: (c) => (b) => c.codec.decodeEvent(b),
  progress: (c) => (b) => c.codec.decodeProgress(b),
  genesis: (c) => (b) => c.codec.decodeGenesis(b),
  snapshot: (c) => (b) => c.restore(b),
};

describe.each(Object.keys(decoders) as (keyof typeof samples)[])("%s decoder", (name) => {
  it("decodes its own samples", () => {
    for (const s of samples[name]) expect(attempt(decoders[name](core), s).ok).toBe(true);
  });

  it("never traps on random bytes", () => {
    const decode = decoders[name](core);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        attempt(decode, bytes);
      }),
      { numRuns: fuzzRuns(400) },
    );
  });

  it("refuses mutations or accepts only canonical bytes", () => {
    const decode = decoders[name](core);
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), (pick, ms) => {
        const list = samples[name];
        const original = list[pick % list.length]!;
        const mutated = ms.reduce(mutate, original);
        const a = attempt(decode, mutated);
        if (!a.ok || name === "snapshot") return;
        // Same decoded view from different bytes would make the encoding non-canonical.
        const b = attempt(decode, original);
        if (b.ok && JSON.stringify(a.view, big) === JSON.stringify(b.view, big)) expect(mutated).toEqual(original);
      }),
      { numRuns: fuzzRuns(400) },
    );
  });
});

describe("transactions", () => {
  it("re-encode to the same bytes through the builder", () => {
    for (const tx of samples.tx) {
      const v = core.codec.decodeTx(tx);
      const modifiers = { shield: (v.modifiers! & 1) !== 0, double: (v.modifiers! & 2) !== 0 };
      const ins: Instruction =
        v.op === "register"
          ? { op: v.op, name: v.name! }
          : v.op === "faucet"
            ? { op: v.op }
            : v.op === "adminSetPolicy"
              ? { op: v.op, field: v.field!, value: v.value! }
              : v.op === "gameStart"
                ? {
                    op: v.op,
                    game: v.game!,
                    sessionId: v.sessionId!,
                    mode: v.mode === 1 ? "tournament" : "cash",
                    modifiers,
                    options: v.options!,
                    stake: v.stake!,
                    sideBets: v.bets!,
                  }
                : v.op === "gameMove"
                  ? { op: v.op, sessionId: v.sessionId!, action: v.action!, modifiers, bets: v.bets! }
                  : v.op === "tournamentJoin" || v.op === "tournamentStart" || v.op === "tournamentEnd"
                    ? { op: v.op, tournamentId: v.tournamentId! }
                    : v.op === "adminSetFreerollLimit"
                      ? { op: v.op, player: fromHex(v.player!), limit: v.limit! }
                      : { op: v.op, keys: v.keys!.map(fromHex) };
      const body = core.codec.txBody(fromHex(v.signer), v.nonce, ins);
      expect(concatBytes(body, fromHex(v.signature))).toEqual(tx);
    }
  });

  it("refuse non-canonical varints, trailing bytes and oversize input with their codes", () => {
    const tx = samples.tx[1]!; // faucet: version ‖ nonce ‖ signer ‖ op ‖ signature
    const overlong = concatBytes(Uint8Array.of(1, 0x80, 0x00), tx.subarray(2));
    expect(attempt(decoders.tx(core), overlong)).toEqual({ ok: false, code: 102 });
    expect(attempt(decoders.tx(core), concatBytes(tx, Uint8Array.of(0)))).toEqual({ ok: false, code: 101 });
    expect(attempt(decoders.tx(core), new Uint8Array(5000))).toEqual({ ok: false, code: 104 });
    const unknownOp = tx.slice();
    unknownOp[34] = 0x7f;
    expect(attempt(decoders.tx(core), unknownOp)).toEqual({ ok: false, code: 105 });
    const version = tx.slice();
    version[0] = 2;
    expect(attempt(decoders.tx(core), version)).toEqual({ ok: false, code: 106 });
  });

  it("summarise exactly what decodeTx accepts, with the same fields and code", () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { maxLength: 2 }), (pick, ms) => {
        const bytes = ms.reduce(mutate, samples.tx[pick % samples.tx.length]!);
        const full = attempt((b) => core.codec.decodeTx(b), bytes);
        const summary = attempt((b) => core.codec.txSummary(b), bytes);
        expect(summary.ok).toBe(full.ok);
        if (!full.ok || !summary.ok) {
          expect(summary).toEqual(full);
          return;
        }
        const v = full.view as ReturnType<Core["codec"]["decodeTx"]>;
        expect(summary.view).toEqual({
          op: opCodes[v.op],
          bodyLength: v.bodyLength,
          nonce: v.nonce,
          signer: v.signer,
          signerKey: fromHex(v.signer),
          hash: v.hash,
        });
      }),
      { numRuns: fuzzRuns(400) },
    );
  });

  it("refuse a varint past 64 bits", () => {
    const tooBig = Uint8Array.of(1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02);
    expect(attempt(decoders.tx(core), tooBig)).toEqual({ ok: false, code: 103 });
  });
});

const opCodes: Record<string, number> = {
  register: 1,
  faucet: 2,
  adminRotateKeys: 3,
  adminSetPolicy: 4,
  gameStart: 5,
  gameMove: 6,
  tournamentJoin: 7,
  tournamentStart: 8,
  tournamentEnd: 9,
  adminSetFreerollLimit: 10,
};

function big(_k: string, v: unknown): unknown {
  return typeof v === "bigint" ? v.toString() : v;
}
