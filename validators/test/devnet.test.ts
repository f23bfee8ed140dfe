// Real validator processes on loopback (the devnet of `npm start`), under steady load:
// kill -9 one of four, finality goes on; restart it, it catches up with equal roots. Stop two of
// four: no finality and no fork; restart them: finality resumes. Corrupt the tail of a journal: the
// validator recovers without a conflicting vote. Everything the validators serve verifies with
// the client library. A burst past a validator's admission bound is shed (BUSY), never queued
// into a stall, and everything it accepted becomes final. Its API takes more than one address's
// default cap of connections from loopback, where all its clients are.

import { appendFileSync, readdirSync, readFileSync, statSync, truncateSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Core, encodeTxBatch, fromHex, LocalChain, signTxSync, toHex, verifyCertificate, verifyProgressCertificate } from "@nullspace/core";
import { beaconMessage, verifySignature } from "@nullspace/core/bls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { Devnet } from "../src/cli/devnet.js";
import { decodeMessage, Tag } from "../src/consensus/wire.js";
import { Journal } from "../src/journal/journal.js";
import { FsStorage } from "../src/runtime/fs-storage.js";
import { freeBase } from "./support/free-ports.js";
import { WASM_PATH } from "./support/wasm.js";

let core: Core;
let devnet: Devnet;
/** The devnet's folder, removed once its validators have stopped. */
let dir: string | undefined;
let load: { stop(): Promise<number> } | undefined;

async function height(i: number): Promise<bigint> {
  return (await devnet.health(i))?.finalized ?? -1n;
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Registers players and has them claim the faucet, round-robin over the live validators. */
function startLoad(perSecond: number): { stop(): Promise<number> } {
  const chainId = BigInt(devnet.genesis.chainId);
  let stopped = false;
  let accepted = 0;
  let player = 0;
  const loop = (async () => {
    while (!stopped) {
      const tx = signTxSync({
        codec: core.codec,
        signer: LocalChain.signer(9000 + player),
        chainId,
        nonce: 0n,
        instruction: { op: "register", name: `load${player}` },
      });
      const target = player % devnet.n;
      player++;
      try {
        const r = await fetch(`${devnet.apiUrl(target)}/submit`, {
          method: "POST",
          headers: { "content-type": "application/vnd.nullspace.tx" },
          body: Buffer.from(tx),
          signal: AbortSignal.timeout(1000),
        });
        if (r.ok && ((await r.json()) as { results: { ok: boolean }[] }).results[0]?.ok) accepted++;
      } catch {
        // that validator is down right now: the next transaction goes to another
      }
      await new Promise((r) => setTimeout(r, 1000 / perSecond));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return accepted;
    },
  };
}

async function bundleOf(i: number, h: bigint): Promise<Uint8Array | undefined> {
  const r = await fetch(`${devnet.apiUrl(i)}/blocks/${h}`);
  return r.ok ? new Uint8Array(await r.arrayBuffer()) : undefined;
}

/** Own votes in a validator's consensus journal: per view, notarize and finalize digests and nullify. */
async function ownVotes(i: number): Promise<Map<bigint, { notarize: Set<string>; finalize: Set<string>; nullify: boolean }>> {
  const journal = await Journal.open(new FsStorage(join(devnet.home(i), "data")), { name: "consensus" });
  const out = new Map<bigint, { notarize: Set<string>; finalize: Set<string>; nullify: boolean }>();
  for await (const r of journal.records()) {
    const m = decodeMessage(r.payload);
    const voteBytes = m.tag === Tag.VOTE || m.tag === Tag.PROPOSAL ? m.vote : undefined;
    if (!voteBytes) continue;
    const v = core.codec.voteParts(voteBytes);
    if (v.signer !== i) continue;
    const e = out.get(v.view) ?? { notarize: new Set(), finalize: new Set(), nullify: false };
    if (v.kind === "nullify") e.nullify = true;
    else (v.kind === "notarize" ? e.notarize : e.finalize).add(toHex(v.digest as Uint8Array));
    out.set(v.view, e);
  }
  await journal.close();
  return out;
}

beforeAll(async () => {
  core = await Core.load(readFileSync(WASM_PATH));
  dir = await mkdtemp(join(tmpdir(), "nullspace-devnet-"));
  // Free ports below the kernel's ephemeral range, as the other devnet tests take: a base derived
  // from the pid could land in that range, where another test's outgoing connection may hold one.
  const base = await freeBase(10);
  devnet = await Devnet.create({
    dir,
    n: 4,
    basePort: base,
    apiBasePort: base + 5,
    wasmPath: WASM_PATH,
    beaconPolicy: "non-empty",
    node: { checkpointEvery: 20 },
    say: () => {},
  });
  devnet.startAll();
  await devnet.waitFor(3n, 90_000);
  load = startLoad(40);
}, 120_000);

afterAll(async () => {
  await load?.stop();
  await devnet?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a devnet of 4 validator processes", () => {
  it("keeps finalizing when one is killed -9, and the restarted one catches up with equal roots", async () => {
    await devnet.kill(3, "SIGKILL");
    const before = await height(0);
    await waitUntil(
      "finality goes on without validator 3",
      async () => (await height(0)) >= before + 5n && (await height(1)) >= before + 5n,
    );
    devnet.start(3);
    const target = (await height(0)) + 3n;
    await waitUntil("validator 3 caught up", async () => ((await devnet.health(3))?.executed ?? -1n) >= target, 90_000);
    // Equal progress records (so equal state, events and σ) at every height both serve.
    for (let h = 1n; h <= target; h += h < 10n ? 1n : 7n) {
      const [a, b] = [await bundleOf(0, h), await bundleOf(3, h)];
      const pa = core.codec.decodeFinalized(a as Uint8Array);
      const pb = core.codec.decodeFinalized(b as Uint8Array);
      expect(toHex(pb.block)).toBe(toHex(pa.block));
      if (pa.progress && pb.progress) {
        expect(core.codec.decodeProgressCertificate(pb.progress).record).toBe(core.codec.decodeProgressCertificate(pa.progress).record);
      }
    }
  }, 180_000);

  it("stops finalizing (without forking) with 2 of 4 down, and resumes when they return", async () => {
    await devnet.kill(2, "SIGKILL");
    await devnet.kill(3, "SIGKILL");
    await new Promise((r) => setTimeout(r, 1500)); // what was in flight settles
    const stalled = await height(0);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await height(0)).toBe(stalled);
    expect(await height(1)).toBeLessThanOrEqual(stalled + 1n);
    devnet.start(2);
    devnet.start(3);
    // Every validator, the two restarted ones included, must have the heights compared below (one
    // still catching up answers 404 for them: waiting on validators 0 and 3 alone failed a CI run).
    await waitUntil(
      "finality resumes on all four",
      async () => (await Promise.all([0, 1, 2, 3].map(height))).every((h) => h >= stalled + 5n),
      90_000,
    );
    for (let h = 1n; h <= stalled + 4n; h++) {
      const blocks = await Promise.all(
        [0, 1, 2, 3].map(async (i) => toHex(core.codec.decodeFinalized((await bundleOf(i, h)) as Uint8Array).block)),
      );
      expect(new Set(blocks).size).toBe(1);
    }
  }, 180_000);

  it("recovers from a torn journal tail without a conflicting vote", async () => {
    await devnet.kill(1, "SIGKILL");
    const dataDir = join(devnet.home(1), "data");
    const segments = readdirSync(dataDir)
      .filter((f) => f.startsWith("consensus."))
      .sort();
    const last = join(dataDir, segments[segments.length - 1] as string);
    const size = statSync(last).size;
    truncateSync(last, Math.max(0, size - 7)); // cut the last record mid-way
    appendFileSync(last, new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x01])); // and leave garbage after it
    const before = await height(0);
    devnet.start(1);
    await waitUntil("validator 1 finalizes again", async () => ((await devnet.health(1))?.finalized ?? -1n) >= before + 5n, 90_000);
    for (const [view, v] of await ownVotes(1)) {
      expect(v.notarize.size, `view ${view}`).toBeLessThanOrEqual(1);
      expect(v.finalize.size, `view ${view}`).toBeLessThanOrEqual(1);
      expect(v.finalize.size > 0 && v.nullify, `view ${view}`).toBe(false);
    }
  }, 180_000);

  it("serves only certificates, σ and progress certificates that verify with the client library", async () => {
    const accepted = await (load as { stop(): Promise<number> }).stop();
    load = undefined;
    expect(accepted).toBeGreaterThan(20);
    const validators = devnet.genesis.validators.map((v) => fromHex(v.publicKey));
    const chainId = BigInt(devnet.genesis.chainId);
    const groupKey = fromHex(devnet.genesis.beacon.groupKey);
    const top = await height(2);
    let sigmas = 0;
    let progress = 0;
    for (let h = 1n; h <= top; h++) {
      const b = core.codec.decodeFinalized((await bundleOf(2, h)) as Uint8Array);
      expect((await verifyCertificate({ codec: core.codec, chainId, validators, certificate: b.finalization })).ok).toBe(true);
      if (b.sigma) {
        sigmas++;
        expect(verifySignature(groupKey, beaconMessage({ chainId, height: h, blockDigest: fromHex(b.digest) }), b.sigma)).toBe(true);
      }
      if (b.progress) {
        progress++;
        expect((await verifyProgressCertificate({ codec: core.codec, chainId, validators, certificate: b.progress })).ok).toBe(true);
      }
    }
    expect(sigmas).toBeGreaterThan(5);
    expect(progress).toBeGreaterThan(Number(top) / 2);
  }, 120_000);
  it("takes more connections from 127.0.0.1 than one address's default cap (32): every devnet client is there", async () => {
    const port = Number(new URL(devnet.apiUrl(0)).port);
    const held = await Promise.all(
      Array.from(
        { length: 48 },
        () =>
          new Promise<Socket>((resolve, reject) => {
            // Errors heard after the connect too: a refused socket may be reset.
            const s = connect(port, "127.0.0.1");
            s.once("connect", () => resolve(s)).on("error", reject);
          }),
      ),
    );
    // All 48 open before any asks: one past the cap is answered 503 at accept, and closed.
    await new Promise((r) => setTimeout(r, 200));
    const answers = held.map(() => "");
    for (const [i, s] of held.entries()) {
      s.on("data", (d: Buffer) => {
        answers[i] += d.toString("latin1");
      });
      s.write("GET /healthz HTTP/1.1\r\nHost: devnet\r\n\r\n");
    }
    await waitUntil("every answer", async () => answers.every((a) => a.includes("\r\n\r\n")), 10_000);
    for (const s of held) s.destroy();
    expect(answers.map((a) => a.split(" ")[1])).toEqual(answers.map(() => "200"));
  });

  // After the certificate check: the background load is stopped, so the mempools can drain to 0.
  it("sheds a burst past its admission bound (BUSY) and keeps finalizing until every accepted one is final", async () => {
    // 6 batches of 1,024 at once to one validator: past its 4,096 transactions in admission, so
    // some are refused BUSY; nothing may stall, and what was accepted must leave every mempool.
    const chainId = BigInt(devnet.genesis.chainId);
    const batches = Array.from({ length: 6 }, (_, b) =>
      encodeTxBatch(
        Array.from({ length: 1024 }, (_, k) =>
          signTxSync({
            codec: core.codec,
            signer: LocalChain.signer(20_000 + b * 1024 + k),
            chainId,
            nonce: 0n,
            instruction: { op: "register", name: `burst${b * 1024 + k}` },
          }),
        ),
      ),
    );
    const before = await height(0);
    const answers = await Promise.all(
      batches.map(async (body) => {
        const r = await fetch(`${devnet.apiUrl(0)}/submit`, {
          method: "POST",
          headers: { "content-type": "application/vnd.nullspace.tx-batch" },
          body: Buffer.from(body),
        });
        return ((await r.json()) as { results: { ok: boolean; code?: string }[] }).results;
      }),
    );
    const codes = answers.flat().map((r) => (r.ok ? "ok" : r.code));
    expect(codes.filter((c) => c === "BUSY").length).toBeGreaterThan(0);
    expect(new Set(codes)).toEqual(new Set(["ok", "BUSY"]));
    const mempoolSize = async (i: number) => {
      // A reset is "not yet": when a validator's event loop is busy across its 5 s keep-alive
      // expiry, it closes the idle socket this GET was just sent on and the kernel resets it
      // (the HTTP/1.1 keep-alive race; it failed one CI run). Retrying the GET is the cure.
      try {
        const text = await (await fetch(`${devnet.apiUrl(i)}/metrics`)).text();
        return Number(/^mempool_transactions (\S+)$/m.exec(text)?.[1] ?? Number.NaN);
      } catch {
        return Number.NaN;
      }
    };
    await waitUntil("every accepted transaction is final and pruned everywhere", async () => {
      for (const i of [0, 1, 2, 3]) if ((await mempoolSize(i)) !== 0) return false;
      return true;
    });
    expect(await height(0)).toBeGreaterThan(before);
  }, 180_000);
});
