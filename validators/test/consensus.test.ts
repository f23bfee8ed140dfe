// The consensus engine on the deterministic simulator: the fault campaign of consensus.md over
// 100 seeds (invariants checked as events happen, finality after every heal), each named
// Byzantine actor on its own, journal loss, byte-identical replays, and the wire envelope fuzzed.
// More seeds: `npm run chaos -- --seeds 10000`.

import { Core, verifyCertificate } from "@nullspace/core";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { fuzzRuns } from "../../core-as/test/support/fuzz.js";
import {
  decodeMessage,
  encodeBlocks,
  encodeCertificateMessage,
  encodeGetBlocks,
  encodeGetCerts,
  encodeGetSigma,
  encodePartial,
  encodeProgressVote,
  encodeProposalMessage,
  encodeSigma,
  encodeTxs,
  encodeVoteMessage,
  WireError,
} from "../src/consensus/wire.js";
import { type Behavior, BYZANTINE } from "../src/sim/actors.js";
import { runScenario, type Scenario, scenarioOf } from "../src/sim/campaign.js";
import { Cluster } from "../src/sim/cluster.js";
import { WASM_BYTES as WASM } from "./support/wasm.js";

let core: Core;
beforeAll(async () => {
  core = await Core.load(WASM);
});

function describeFailure(r: Awaited<ReturnType<typeof runScenario>>): string {
  return JSON.stringify({ scenario: r.scenario, violations: r.violations.slice(0, 3), stall: r.stall });
}

describe("fault campaign (consensus.md)", () => {
  for (let batch = 0; batch < 4; batch++) {
    it(`seeds ${batch * 25}..${batch * 25 + 24}: no violation, finality resumes after every heal`, async () => {
      let steps = 0;
      for (let seed = batch * 25; seed < batch * 25 + 25; seed++) {
        const r = await runScenario(core.codec, scenarioOf(seed), { trace: false });
        steps += r.steps;
        expect(r.violations, describeFailure(r)).toEqual([]);
        expect(r.stall, describeFailure(r)).toBeUndefined();
        expect(r.finalizedHeight).toBeGreaterThan(0n);
      }
      expect(steps).toBeGreaterThan(10_000);
    }, 120_000);
  }

  it("seed 8352 (found by the 10,000-seed run): a node that crashed before its first journal sync is not muted", async () => {
    // Node 2 loses its journal and node 0 crashes 50 ms after its first start. Node 0 had synced
    // nothing, so it had sent nothing; muting it as if its journal were lost left two voters of
    // four, and finality never came back after the heal.
    const s = scenarioOf(8352);
    expect(s.faults).toContainEqual(expect.objectContaining({ kind: "crash", node: 0, at: 50, wipeJournal: false }));
    expect(s.faults).toContainEqual(expect.objectContaining({ kind: "crash", node: 2, wipeJournal: true }));
    const r = await runScenario(core.codec, s, { trace: false });
    expect(r.violations, describeFailure(r)).toEqual([]);
    expect(r.stall, describeFailure(r)).toBeUndefined();
  }, 60_000);

  it("the same seed gives a byte-identical trace; another seed does not", async () => {
    const s = scenarioOf(3);
    const a = await runScenario(core.codec, s);
    const b = await runScenario(core.codec, s);
    const c = await runScenario(core.codec, scenarioOf(4));
    expect(a.trace).toMatch(/^[0-9a-f]{64}$/);
    expect(b.trace).toBe(a.trace);
    expect(b.steps).toBe(a.steps);
    expect(c.trace).not.toBe(a.trace);
  }, 60_000);
});

describe("named Byzantine actors", () => {
  for (const behavior of BYZANTINE) {
    it(`${behavior}: honest nodes stay safe and live, with 10-30% loss and a crash`, async () => {
      const s: Scenario = {
        seed: 1000 + BYZANTINE.indexOf(behavior),
        n: 4,
        latencyMs: 10,
        jitterMs: 15,
        byzantine: { node: 2, behavior: behavior as Behavior },
        faults: [
          { kind: "loss", loss: 0.2, until: 2500 },
          { kind: "crash", node: 1, at: 800, restartAt: 1600, wipeJournal: false },
        ],
        healAt: 3000,
      };
      const r = await runScenario(core.codec, s, { trace: false });
      expect(r.violations, describeFailure(r)).toEqual([]);
      expect(r.stall, describeFailure(r)).toBeUndefined();
    }, 60_000);
  }

  it("the equivocator does split the honest nodes (two blocks notarized in its views), and no fork follows", async () => {
    const c = new Cluster({ seed: 77, n: 4, codec: core.codec, behaviors: new Map([[2, "equivocator" as Behavior]]) });
    for (let p = 0; p < 4; p++) await c.start(p);
    await c.runUntil(1500);
    let split = 0;
    for (let v = 2n; v < 60n; v += 4n) if (c.invariants.signedDigests("notarize", v).size > 1) split++;
    expect(split).toBeGreaterThan(3);
    expect(c.invariants.violations).toEqual([]);
    expect(c.invariants.heights.get(1)).toBeGreaterThan(20n);
  });
});

describe("crash safety", () => {
  it("a node whose journal is lost stays silent until finality passes what it may have voted, then rejoins", async () => {
    const c = new Cluster({ seed: 5, n: 4, codec: core.codec });
    for (let p = 0; p < 4; p++) await c.start(p);
    await c.runUntil(1000);
    c.crash(3);
    await c.wipeJournal(3);
    await c.start(3);
    const voter = c.nodes[3]?.engine?.voter;
    expect(voter?.isMuted).toBe(true);
    const signedWhileMuted: bigint[] = [];
    c.observe.signed = (node, _kind, view) => {
      if (node === 3 && voter?.isMuted) signedWhileMuted.push(view);
    };
    await c.runUntil(4000);
    expect(signedWhileMuted).toEqual([]);
    expect(voter?.isMuted).toBe(false);
    expect(c.invariants.heights.get(3)).toBeGreaterThan(c.invariants.maxHeight() - 5n);
    expect(c.invariants.violations).toEqual([]);
  });

  it("certificates honest nodes form verify with the client library", async () => {
    const c = new Cluster({ seed: 9, n: 4, codec: core.codec });
    const certificates: Uint8Array[] = [];
    c.observe.certificate = (node, _kind, _view, certificate) => {
      if (node === 0) certificates.push(certificate);
    };
    for (let p = 0; p < 4; p++) await c.start(p);
    await c.runUntil(600);
    expect(certificates.length).toBeGreaterThan(10);
    for (const certificate of certificates) {
      const v = await verifyCertificate({ codec: core.codec, chainId: c.config.chainId, validators: c.config.validators, certificate });
      expect(v.ok).toBe(true);
    }
    const forged = (certificates[0] as Uint8Array).slice();
    forged[forged.length - 1] = (forged[forged.length - 1] as number) ^ 1;
    expect(
      (await verifyCertificate({ codec: core.codec, chainId: c.config.chainId, validators: c.config.validators, certificate: forged })).ok,
    ).toBe(false);
  });
});

describe("wire envelope", () => {
  it("round-trips every message kind", () => {
    const d = new Uint8Array(32).fill(7);
    expect(decodeMessage(encodeVoteMessage(new Uint8Array([1, 2])))).toMatchObject({ tag: 1, vote: new Uint8Array([1, 2]) });
    expect(decodeMessage(encodeCertificateMessage(new Uint8Array([3])))).toMatchObject({ tag: 2, certificate: new Uint8Array([3]) });
    expect(decodeMessage(encodeProposalMessage(new Uint8Array([4, 5]), new Uint8Array([6])))).toMatchObject({
      tag: 3,
      vote: new Uint8Array([4, 5]),
      block: new Uint8Array([6]),
    });
    expect(decodeMessage(encodeGetBlocks(d, 9))).toMatchObject({ tag: 4, digest: d, max: 9 });
    expect(decodeMessage(encodeBlocks([new Uint8Array([1]), new Uint8Array(0)]))).toMatchObject({
      tag: 5,
      blocks: [new Uint8Array([1]), new Uint8Array(0)],
    });
    expect(decodeMessage(encodePartial(5n, 2, new Uint8Array(48).fill(1)))).toMatchObject({ tag: 6, height: 5n, index: 2 });
    expect(decodeMessage(encodeProgressVote(3, new Uint8Array(64), new Uint8Array([9])))).toMatchObject({
      tag: 7,
      signer: 3,
      record: new Uint8Array([9]),
    });
    expect(decodeMessage(encodeGetSigma(8n))).toMatchObject({ tag: 8, height: 8n });
    expect(decodeMessage(encodeSigma(8n, new Uint8Array(48)))).toMatchObject({ tag: 9, height: 8n });
    expect(decodeMessage(encodeTxs([new Uint8Array([5])]))).toMatchObject({ tag: 10, txs: [new Uint8Array([5])] });
    expect(decodeMessage(encodeGetCerts(40n, 12))).toMatchObject({ tag: 11, from: 40n, count: 12 });
  });

  it("refuses bad envelopes with typed errors only", () => {
    const code = (b: number[]) => {
      try {
        decodeMessage(new Uint8Array(b));
        return "ok";
      } catch (e) {
        return e instanceof WireError ? e.code : "untyped";
      }
    };
    expect(code([])).toBe("WIRE_EMPTY");
    expect(code([0])).toBe("WIRE_UNKNOWN_TAG");
    expect(code([3, 9, 0, 0, 0])).toBe("WIRE_TRUNCATED");
    expect(code([4, ...new Array(34).fill(0)])).toBe("WIRE_BAD_VALUE");
    expect(code([5, 1, 0, 5, 0, 0, 0, 1])).toBe("WIRE_TRUNCATED");
    expect(code([5, 0, 0, 1])).toBe("WIRE_TRAILING_BYTES");
    expect(code([8, 1, 2, 3])).toBe("WIRE_TRUNCATED");
    expect(code([11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])).toBe("WIRE_BAD_VALUE");
    expect(code([10, 1, 0])).toBe("WIRE_TRUNCATED");
  });

  it("fuzz: random and mutated bytes decode or throw WireError, never anything else", () => {
    const valid = [
      encodeProposalMessage(new Uint8Array(10), new Uint8Array(20)),
      encodeBlocks([new Uint8Array(5), new Uint8Array(7)]),
      encodeGetBlocks(new Uint8Array(32), 3),
    ];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.tuple(fc.constantFrom(...valid), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([v, at, x]) => {
            const b = v.slice();
            b[at % b.length] = x;
            return b;
          }),
        ),
        (bytes) => {
          try {
            decodeMessage(bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(WireError);
          }
        },
      ),
      { numRuns: fuzzRuns(5000) },
    );
  });

  it("a validator never crashes on garbage from a peer", async () => {
    const c = new Cluster({ seed: 11, n: 4, codec: core.codec });
    for (let p = 0; p < 4; p++) await c.start(p);
    const refused: string[] = [];
    c.observe.refused = (node, _from, reason) => {
      if (node === 0) refused.push(reason);
    };
    const voter = c.nodes[0]?.engine?.voter;
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 9 }), (body, tag) => {
        voter?.onMessage(1, new Uint8Array([tag, ...body]));
      }),
      { numRuns: fuzzRuns(2000) },
    );
    await c.runUntil(1500);
    expect(refused.length).toBeGreaterThan(100);
    expect(c.invariants.violations).toEqual([]);
    expect(c.invariants.heights.get(0)).toBeGreaterThan(10n);
  });
});
