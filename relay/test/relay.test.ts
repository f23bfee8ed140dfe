// The relay against a real 4-validator devnet, with real PGlite stores: a transaction submitted
// through the relay is finalized and reaches subscribers of `all` and of its account in frames
// that verify with @nullspace/core; explorer and /state answers check out; bad input gets its
// documented error; the heartbeat keeps a subscriber that answers pings and drops one that does
// not; a relay started on an empty store rebuilds and answers /log and /state as the first one,
// and one restarted on its own store replays it. (Forged bundles: forged.test.ts.)

import { readFileSync } from "node:fs";
import {
  Core,
  fromHex,
  LocalChain,
  roulette,
  StateKey,
  signTxSync,
  toHex,
  verifyProgressCertificate,
  verifyStateProof,
  verifyUpdate,
} from "@nullspace/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type RunningRelay, type StartOptions, startRelay } from "../src/start.js";
import { type Devnet, relayOptions, startDevnet, WASM_PATH, waitUntil } from "./support/devnet.js";
import { certified, json, logBundles, submit } from "./support/relays.js";
import { removeTempDirs, tempDir } from "./support/temp-dirs.js";

let devnet: Devnet;
let core: Core;
let relay: RunningRelay;
let chainId: bigint;
let validatorKeys: Uint8Array[];
const relays: RunningRelay[] = [];

async function newRelay(validators: string[], dataDir?: string, extra: Partial<StartOptions> = {}): Promise<RunningRelay> {
  const r = await startRelay({
    ...relayOptions(devnet, extra),
    validators,
    dataDir: dataDir ?? (await tempDir("relay-store-")),
    log: process.env.RELAY_TEST_LOG
      ? (level: string, msg: string, f?: object) =>
          console.error(
            level,
            msg,
            JSON.stringify(f ?? {}, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
          )
      : () => {},
  });
  relays.push(r);
  return r;
}

const validatorUrls = () => [0, 1, 2, 3].map((i) => devnet.apiUrl(i));

/** A /state answer with its progress certificate replaced by the record it certifies. */
function stateContent(body: Record<string, unknown>): Record<string, unknown> {
  const { progressCertificate, ...rest } = body;
  return { ...rest, record: core.codec.decodeProgressCertificate(fromHex(progressCertificate as string)).record };
}

/** Collects the binary frames of one /updates subscription. */
function subscribe(url: string, filter: string): Promise<{ ws: WebSocket; frames: Uint8Array[] }> {
  const ws = new WebSocket(`${url.replace("http", "ws")}/updates?filter=${filter}`);
  const frames: Uint8Array[] = [];
  ws.on("message", (d: Buffer) => frames.push(new Uint8Array(d)));
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve({ ws, frames }));
    ws.once("error", reject);
  });
}

beforeAll(async () => {
  core = await Core.load(readFileSync(WASM_PATH));
  devnet = await startDevnet();
  chainId = BigInt(devnet.genesis.chainId);
  validatorKeys = devnet.genesis.validators.map((v) => fromHex(v.publicKey));
  relay = await newRelay(validatorUrls());
  await relay.relay.waitForHeight(3n);
}, 180_000);

afterAll(async () => {
  for (const r of relays) await r.stop().catch(() => {});
  await devnet?.stop();
  await removeTempDirs();
});

describe("relay on a devnet", () => {
  it("takes a transaction, and subscribers of all and of the account get verified updates", async () => {
    const player = LocalChain.signer(4242);
    const account = toHex(player.publicKey);
    const all = await subscribe(relay.url, "all");
    const mine = await subscribe(relay.url, `account:${account}`);
    const tx = signTxSync({ codec: core.codec, signer: player, chainId, nonce: 0n, instruction: { op: "register", name: "relayed" } });
    const r = await submit(relay.url, tx);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true });
    const hash = r.body.hash as string;

    const check = { codec: core.codec, chainId, validators: validatorKeys };
    const verifiedMine = async () => {
      for (const frame of mine.frames) {
        const v = await verifyUpdate({ ...check, frame });
        expect(v.ok).toBe(true);
        if (v.ok && v.events.some((e) => e.kind === "registered" && e.account === account)) return v;
      }
      return undefined;
    };
    await waitUntil("the account's update arrives", async () => (await verifiedMine()) !== undefined);
    const update = (await verifiedMine())!;
    if (!update.ok) throw new Error("unreachable");
    expect(update.events.every((e) => e.account === account)).toBe(true);
    // The `all` subscriber got the same height, with that event among all of the height's.
    await waitUntil("the all-subscriber's frame of that height", async () => {
      for (const frame of all.frames) {
        const v = await verifyUpdate({ ...check, frame });
        if (v.ok && v.height === update.height) return v.events.some((e) => e.account === account);
      }
      return false;
    });
    all.ws.close();
    mine.ws.close();

    const t = await json(`${relay.url}/tx/${hash}`);
    expect(t.status).toBe(200);
    expect(t.body).toMatchObject({ hash, height: update.height.toString(), signer: account, op: "register" });
    const a = await json(`${relay.url}/accounts/${account}`);
    expect(a.body).toMatchObject({ account: { name: "relayed", registered: true } });
    const chips = (a.body.account as { chips: string }).chips;
    const board = await json(`${relay.url}/leaderboard?limit=100`);
    expect(board.body.leaders).toContainEqual(expect.objectContaining({ account, name: "relayed", chips }));
    expect((await json(`${relay.url}/stats`)).body).toMatchObject({ players: "1", txs: "1", accounts: "1" });
    const found = await json(`${relay.url}/search?q=RELAY`);
    expect(found.body.results).toEqual([{ kind: "account", key: account, name: "relayed" }]);
    expect((await json(`${relay.url}/search?q=${hash}`)).body.results).toEqual([{ kind: "tx", hash, height: update.height.toString() }]);

    const s = await json(`${relay.url}/state/${toHex(StateKey.account(player.publicKey))}`);
    expect(s.status).toBe(200);
    const pc = await verifyProgressCertificate({ ...check, certificate: fromHex(s.body.progressCertificate as string) });
    expect(pc.ok && pc.progress.height.toString() === s.body.height && pc.progress.stateRoot === s.body.stateRoot).toBe(true);
    expect(
      verifyStateProof({
        root: fromHex(s.body.stateRoot as string),
        key: StateKey.account(player.publicKey),
        value: fromHex(s.body.value as string),
        proof: fromHex(s.body.proof as string),
      }),
    ).toBe(true);

    // Sending it again: its nonce is used now.
    expect((await submit(relay.url, tx)).body).toMatchObject({ error: { code: "RELAY_STALE_NONCE" } });
  }, 60_000);

  it("a game reaches the subscribers of its session and its game, and the explorer lists the player's sessions", async () => {
    const player = LocalChain.signer(4500);
    const account = toHex(player.publicKey);
    const sign = (nonce: bigint, instruction: Parameters<typeof signTxSync>[0]["instruction"]) =>
      signTxSync({ codec: core.codec, signer: player, chainId, nonce, instruction });
    const register = await submit(relay.url, sign(0n, { op: "register", name: "gambler" }));
    await waitUntil("registered", async () => (await json(`${relay.url}/tx/${register.body.hash}`)).status === 200);

    const bySession = await subscribe(relay.url, "session:99");
    const byGame = await subscribe(relay.url, "game:4");
    expect((await submit(relay.url, sign(1n, roulette.start(99n)))).body).toMatchObject({ ok: true });
    const spin = await submit(relay.url, sign(2n, roulette.spin(99n, [roulette.red(10n), roulette.straight(0, 1n)])));
    expect(spin.body).toMatchObject({ ok: true });

    const check = { codec: core.codec, chainId, validators: validatorKeys };
    /** The verified game events of a subscription so far. */
    const gameEvents = async (frames: Uint8Array[]) => {
      const out = [];
      for (const frame of frames) {
        const v = await verifyUpdate({ ...check, frame });
        expect(v.ok).toBe(true);
        if (v.ok) out.push(...v.events);
      }
      return out;
    };
    for (const sub of [bySession, byGame])
      await waitUntil("the spin's update", async () => (await gameEvents(sub.frames)).some((e) => e.kind === "gameRound"));
    for (const e of await gameEvents(bySession.frames)) expect(e).toMatchObject({ sessionId: 99n });
    for (const e of await gameEvents(byGame.frames)) expect(e).toMatchObject({ game: 4 });
    const round = (await gameEvents(bySession.frames)).find((e) => e.kind === "gameRound");
    if (round?.kind !== "gameRound") throw new Error("unreachable");
    bySession.ws.close();
    byGame.ws.close();

    const list = await json(`${relay.url}/accounts/${account}/sessions`);
    expect(list.status).toBe(200);
    expect(list.body.sessions).toEqual([
      expect.objectContaining({
        sessionId: "99",
        game: 4,
        moves: 1,
        staked: "11",
        returned: round.returned.toString(),
        net: (round.returned - 11n).toString(),
        finished: false,
      }),
    ]);
    const one = await json(`${relay.url}/accounts/${account}/sessions/99`);
    expect(one.body).toMatchObject({ sessionId: "99", staked: "11" });
    expect((one.body.events as { kind: string }[]).map((e) => e.kind)).toEqual(["gameStarted", "gameRound"]);
    expect((await json(`${relay.url}/accounts/${account}/sessions/98`)).body).toMatchObject({ error: { code: "RELAY_NOT_FOUND" } });
    expect((await json(`${relay.url}/accounts/${account}/sessions/099`)).body).toMatchObject({ error: { code: "RELAY_BAD_REQUEST" } });
    // The balance the round reported is the leaderboard's.
    const board = await json(`${relay.url}/leaderboard?limit=100`);
    expect(board.body.leaders).toContainEqual(expect.objectContaining({ account, chips: round.chips.toString() }));
  }, 60_000);

  it("forwards each transaction to one validator and falls through past one that is down", async () => {
    // The first validator in this relay's list never answers (nothing listens on port 9): every
    // transaction whose turn starts there must reach the next one.
    const r = await newRelay(["http://127.0.0.1:9", ...validatorUrls()]);
    await r.relay.waitForHeight(2n);
    const hashes: string[] = [];
    for (let k = 0; k < 3; k++) {
      const tx = signTxSync({
        codec: core.codec,
        signer: LocalChain.signer(4300 + k),
        chainId,
        nonce: 0n,
        instruction: { op: "register", name: `fallthrough${k}` },
      });
      const res = await submit(r.url, tx);
      expect(res.body).toMatchObject({ ok: true });
      hashes.push(res.body.hash as string);
    }
    await waitUntil("all three are final", async () => {
      for (const h of hashes) if ((await json(`${r.url}/tx/${h}`)).status !== 200) return false;
      return true;
    });
  });

  it("answers RELAY_BUSY past maxPendingSubmits, before any check, and what it refused changes nothing", async () => {
    const r = await newRelay(validatorUrls(), undefined, { maxPendingSubmits: 2 });
    await r.relay.waitForHeight(2n);
    const txs = Array.from({ length: 12 }, (_, k) =>
      signTxSync({
        codec: core.codec,
        signer: LocalChain.signer(4400 + k),
        chainId,
        nonce: 0n,
        instruction: { op: "register", name: `busy${k}` },
      }),
    );
    const answers = await Promise.all(txs.map((tx) => submit(r.url, tx)));
    const busy = answers.filter((a) => a.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy[0]?.body).toMatchObject({ error: { code: "RELAY_BUSY" } });
    expect(busy[0]?.headers.get("retry-after")).toBe("1");
    expect(answers.filter((a) => a.body.ok === true).length + busy.length).toBe(txs.length);
    expect(r.relay.metrics.submitted.get({ result: "RELAY_BUSY" })).toBe(busy.length);
    // Refused before any check, a transaction sent again is taken: its nonce was not used.
    for (const [k, a] of answers.entries())
      if (a.status === 503) expect((await submit(r.url, txs[k] as Uint8Array)).body).toMatchObject({ ok: true });
    expect(r.relay.metrics.submitsPending.get()).toBe(0);
  });

  it("answers bad input with its documented error and stays up", async () => {
    const url = relay.url;
    const tx = signTxSync({
      codec: core.codec,
      signer: LocalChain.signer(777),
      chainId,
      nonce: 0n,
      instruction: { op: "register", name: "x" },
    });
    const badSig = tx.slice();
    badSig[badSig.length - 1] = (badSig[badSig.length - 1] as number) ^ 1;
    const cases: [Promise<{ status: number; body: Record<string, unknown> }>, number, string][] = [
      [submit(url, new Uint8Array(5000)), 413, "RELAY_BODY_TOO_LARGE"],
      [submit(url, Uint8Array.of(0xde, 0xad, 0xbe, 0xef)), 400, "RELAY_MALFORMED_TX"],
      [submit(url, new Uint8Array(0)), 400, "RELAY_MALFORMED_TX"],
      [submit(url, badSig), 400, "RELAY_BAD_SIGNATURE"],
      [submit(url, tx, "application/json"), 415, "RELAY_UNSUPPORTED_MEDIA"],
      [
        submit(url, signTxSync({ codec: core.codec, signer: LocalChain.signer(778), chainId, nonce: 500n, instruction: { op: "faucet" } })),
        409,
        "RELAY_NONCE_TOO_FAR",
      ],
      [json(`${url}/blocks/017`), 400, "RELAY_BAD_HEIGHT"],
      [json(`${url}/blocks/99999999`), 404, "RELAY_NOT_FOUND"],
      [json(`${url}/log?from=5&to=2`), 400, "RELAY_BAD_RANGE"],
      [json(`${url}/log?from=1&to=100000`), 400, "RELAY_BAD_RANGE"],
      [json(`${url}/state/zz`), 400, "RELAY_BAD_KEY"],
      [json(`${url}/tx/abcd`), 400, "RELAY_BAD_KEY"],
      [json(`${url}/nowhere`), 404, "RELAY_NOT_FOUND"],
      [json(`${url}/updates`), 426, "RELAY_UPGRADE_REQUIRED"],
      [json(`${url}/updates?filter=${"x".repeat(200)}`), 426, "RELAY_UPGRADE_REQUIRED"],
    ];
    for (const [p, status, code] of cases) {
      const r = await p;
      expect([r.status, (r.body.error as { code: string }).code]).toEqual([status, code]);
      expect((r.body.error as { hint: string }).hint.length).toBeGreaterThan(0);
    }
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${url.replace("http", "ws")}/updates?filter=table:1`);
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => resolve(101));
      ws.on("error", () => {});
    });
    expect(refused).toBe(400);
    const talker = await subscribe(url, "all");
    const closed = new Promise<number>((resolve) => talker.ws.once("close", (code) => resolve(code)));
    talker.ws.send("hello");
    expect(await closed).toBe(1003);
    expect((await json(`${url}/healthz`)).body).toMatchObject({ status: "ok" });
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  });

  it("keeps an /updates subscriber that answers pings and drops one that does not, while heights flow", async () => {
    // A heartbeat of 600 ms (a tick every 20 ms): the pings ride on update writes while heights
    // are queued and go on their own otherwise (decision 023); either way a silent subscriber is
    // dropped when the next round reaches it and one that answers stays.
    const r = await newRelay(validatorUrls(), undefined, { pingIntervalMs: 600 });
    await r.relay.waitForHeight(2n);
    const answers = await subscribe(r.url, "all");
    const silentWs = new WebSocket(`${r.url.replace("http", "ws")}/updates?filter=all`, { autoPong: false });
    await new Promise((resolve, reject) => silentWs.once("open", resolve).once("error", reject));
    const pings = { answers: 0, silent: 0 };
    answers.ws.on("ping", () => pings.answers++);
    silentWs.on("ping", () => pings.silent++);
    const silentClosed = new Promise<number>((resolve) => silentWs.once("close", (code) => resolve(code)));
    expect(await silentClosed).toBe(1006); // terminated, no close frame
    expect(pings.silent).toBeGreaterThanOrEqual(1);
    const framesThen = answers.frames.length;
    await waitUntil(
      "three pings answered and heights still arriving",
      async () => pings.answers >= 3 && answers.frames.length > framesThen,
    );
    expect(answers.ws.readyState).toBe(WebSocket.OPEN);
    expect(r.relay.hub.subscribers.size).toBe(1);
    answers.ws.close();
  });

  it("reports no height before it is stored and held for /log (sampled while the chain runs)", async () => {
    // The verified chain is a height ahead while that height is stored: `height` (the probes, the
    // explorer's tip, waitForHeight) must not be.
    const start = relay.relay.height;
    const steps = (turns: string) => relay.relay.metrics.pipelineSteps.get({ turns });
    const [full0, short0] = [steps("full"), steps("short")];
    let samples = 0;
    for (const until = Date.now() + 1500; Date.now() < until; samples++) {
      const claimed = relay.relay.height;
      expect(relay.relay.recent.window?.to ?? 0n).toBeGreaterThanOrEqual(claimed);
      await new Promise((r) => setImmediate(r));
    }
    expect(relay.relay.height).toBeGreaterThan(start); // the chain moved meanwhile
    // At the chain's pace its steps ran beside full send turns (decision 016).
    expect(steps("full") - full0).toBeGreaterThan(steps("short") - short0);
    expect(samples).toBeGreaterThan(100);
  });

  it("answers /log for recent heights from memory exactly as from its store", async () => {
    const target = relay.relay.height;
    expect(relay.relay.recent.window).toEqual({ from: 1n, to: target }); // a short chain: every height held
    const text = async (path: string) => (await fetch(`${relay.url}${path}`)).text();
    const metric = (source: string) => relay.relay.metrics.logAnswers.get({ source });
    const memoryBefore = metric("memory");
    // The newest heights one answer holds (at most 256: a slow run makes the chain longer).
    const first = target > 256n ? target - 255n : 1n;
    const fromMemory = [await text(`/log?from=${first}&to=${target}`), await text(`/log?from=2&to=3`)];
    expect(metric("memory")).toBe(memoryBefore + 2);
    relay.relay.recent.clear();
    const storeBefore = metric("store");
    const fromStore = [await text(`/log?from=${first}&to=${target}`), await text(`/log?from=2&to=3`)];
    expect(metric("store")).toBe(storeBefore + 2);
    // The same bytes but for the tip, which may have moved between the two.
    const withoutTip = (t: string) => ({ ...JSON.parse(t), tip: undefined });
    expect(fromMemory.map(withoutTip)).toEqual(fromStore.map(withoutTip));
    expect(JSON.parse(fromMemory[0] as string).bundles).toHaveLength(Number(target - first + 1n));
    expect(fromMemory[0]?.replace(/"tip":"\d+"/, "")).toBe(fromStore[0]?.replace(/"tip":"\d+"/, ""));
  });

  it("rebuilds from the validators on an empty store and answers /log and /state as the first relay", async () => {
    const freshDir = await tempDir("relay-store-");
    const fresh = await newRelay(validatorUrls(), freshDir);
    const target = relay.relay.height;
    await fresh.relay.waitForHeight(target);
    // Far behind the chain from its first height, its steps ran beside short send turns (decision 016).
    expect(fresh.relay.metrics.pipelineSteps.get({ turns: "short" })).toBeGreaterThan(Number(target) / 2);
    // The whole chain, in as many /log answers as it takes (a slow run makes it longer than one holds).
    const [a, b] = await Promise.all([logBundles(fresh.url, 1n, target), logBundles(relay.url, 1n, target)]);
    expect(a).toHaveLength(Number(target));
    expect(certified(core, a)).toEqual(certified(core, b));

    const key = toHex(StateKey.account(LocalChain.signer(4242).publicKey));
    // Both relays move with the chain: compare answers given at the same height.
    let same = false;
    for (let attempt = 0; attempt < 200 && !same; attempt++) {
      const [x, y] = await Promise.all([json(`${fresh.url}/state/${key}`), json(`${relay.url}/state/${key}`)]);
      if (x.body.height === y.body.height) {
        expect(stateContent(x.body)).toEqual(stateContent(y.body));
        same = true;
      }
    }
    expect(same).toBe(true);

    // Restarted on its own (non-empty) store, a relay re-verifies and replays it and resumes where it was.
    const stored = fresh.relay.height;
    await fresh.stop();
    const again = await newRelay(validatorUrls(), freshDir);
    expect(again.relay.height).toBeGreaterThanOrEqual(stored);
    expect(certified(core, await logBundles(again.url, 1n, target))).toEqual(certified(core, b));
  }, 90_000);
});
