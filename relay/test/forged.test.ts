// Forged input against a relay, on real bundles of a real devnet. Directly on the relay's verified
// chain: a finalization certificate one bit off, a forged progress certificate, a σ that is not the
// group's, and a progress record validly signed by a quorum (with the validators' real keys) that
// the block does not execute to — each refused with its reason; a block finalized through its
// descendant's certificate links. Through the follower: a Byzantine validator's stream of forged
// bundles is refused, counted and never stored, and the relay goes on with an honest validator;
// one that announces heights it cannot prove is left, and the relay's tip and readiness stay true;
// a relay given another chain's genesis says in /readyz what it refuses and warns once a minute.
// Then the same relay's guards: rate limit, origin allowlist, subscription and connection caps.
import { readFile, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { Core, sha256, toHex, writeVarint } from "@nullspace/core";
import { beaconMessage, encodeSignature, hashToG1 } from "@nullspace/core/bls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { BundleRefused, VerifiedChain } from "../src/chain/chain.js";
import { type TrustRoot, trustRootOf } from "../src/chain/trust.js";
import { type RunningRelay, startRelay } from "../src/start.js";
import { openDb } from "../src/store/db.js";
import { bundleOf, type Devnet, relayOptions, startDevnet, WASM_PATH, waitUntil } from "./support/devnet.js";
import { type Forger, forgerOf, lyingBundle, quorumSigned, withField } from "./support/forge.js";
import { certified, json, logBundles, rawAnswer, submit, upgradeStatus } from "./support/relays.js";
import { removeTempDirs, tempDir } from "./support/temp-dirs.js";

let devnet: Devnet;
let wasm: Uint8Array;
let trust: TrustRoot;
let core: Core;
let forger: Forger;
const relays: RunningRelay[] = [];

beforeAll(async () => {
  devnet = await startDevnet();
  wasm = new Uint8Array(await readFile(WASM_PATH));
  trust = trustRootOf(JSON.parse(await readFile(join(devnet.dir, "genesis.json"), "utf8")), wasm);
  core = await Core.load(wasm);
  forger = await forgerOf(devnet, core);
}, 180_000);

afterAll(async () => {
  for (const r of relays) await r.stop().catch(() => {});
  await devnet?.stop();
  await removeTempDirs();
});

/**
 * A validator stream on loopback that answers each connection (the `n`th, asking `from`) with the
 * one frame `frameFor` makes, and a relay following it, then honest validators 1 and 2, in turn
 * (or the validators `followed` lists).
 */
async function relayBehindByzantineStream(
  frameFor: (from: bigint, n: number) => Promise<{ tag: number; height: bigint; bundle: Uint8Array }>,
  options: Partial<Parameters<typeof startRelay>[0]> = {},
  followed: (fake: string) => string[] = (fake) => [fake, devnet.apiUrl(1), fake, devnet.apiUrl(2)],
): Promise<{ relay: RunningRelay; fake: WebSocketServer; connections: () => number }> {
  let connections = 0;
  const fake = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  fake.on("connection", async (ws, req) => {
    const from = BigInt(new URL(req.url ?? "/", "http://x").searchParams.get("from") ?? "1");
    const frame = await frameFor(from, connections++);
    const head: number[] = [frame.tag];
    writeVarint(head, frame.height);
    ws.send(Buffer.concat([Buffer.from(head), Buffer.from(frame.bundle)]));
  });
  await new Promise((r) => fake.once("listening", r));
  const fakeUrl = `http://127.0.0.1:${(fake.address() as { port: number }).port}`;
  const relay = await startRelay(
    relayOptions(devnet, { validators: followed(fakeUrl), dataDir: await tempDir("relay-store-"), ...options }),
  );
  relays.push(relay);
  return { relay, fake, connections: () => connections };
}

function flipLast(b: Uint8Array): Uint8Array {
  const out = b.slice();
  out[out.length - 1] = (out[out.length - 1] as number) ^ 0x40;
  return out;
}

async function refusal(chain: VerifiedChain, bundle: Uint8Array, descendants: { digest: string; parent: string }[] = []) {
  try {
    await chain.apply(bundle, descendants);
  } catch (e) {
    if (e instanceof BundleRefused) return e.reason;
    throw e;
  }
  return "accepted";
}

describe("forged bundles", () => {
  it("are refused by the verified chain, each with its reason, and change nothing", async () => {
    const chain = await VerifiedChain.create(wasm, trust);
    const real = core.codec.decodeFinalized(await bundleOf(devnet, 0, 1n));
    const record = core.codec.decodeProgressCertificate(real.progress as Uint8Array);
    const recordBytes = Uint8Array.from(Buffer.from(record.record, "hex"));
    const encode = (o: Partial<Parameters<typeof core.codec.encodeFinalized>[0]>) =>
      core.codec.encodeFinalized({
        height: 1n,
        block: real.block,
        finalization: real.finalization,
        progress: real.progress as Uint8Array,
        ...o,
      });

    expect(await refusal(chain, Uint8Array.of(1, 2, 3))).toBe("malformed");
    expect(await refusal(chain, encode({ finalization: flipLast(real.finalization) }))).toBe("bad-finalization");
    expect(await refusal(chain, encode({ progress: flipLast(real.progress as Uint8Array) }))).toBe("bad-progress");
    const foreignSigma = encodeSignature(
      hashToG1(beaconMessage({ chainId: trust.chainId, height: 1n, blockDigest: Buffer.from(real.digest, "hex") })).multiply(12345n),
    );
    expect(await refusal(chain, encode({ sigma: foreignSigma }))).toBe("sigma-mismatch");
    const sigmaRecord = withField(recordBytes, "beaconHash", sha256(foreignSigma));
    expect(await refusal(chain, encode({ sigma: foreignSigma, progress: quorumSigned(forger, sigmaRecord) }))).toBe("bad-sigma");
    expect(chain.height).toBe(0n);

    // A quorum signed a record the block does not execute to: certificates pass, replay does not.
    const lying = withField(recordBytes, "stateRoot", sha256(Uint8Array.of(1)));
    expect(await refusal(chain, encode({ progress: quorumSigned(forger, lying) }))).toBe("execution-mismatch");
    expect(chain.isPoisoned).toBe(true);
    chain.free();

    // The honest bundle applies on a fresh chain; one finalized through its child's certificate links.
    const fresh = await VerifiedChain.create(wasm, trust);
    const child = core.codec.decodeFinalized(await bundleOf(devnet, 0, 2n));
    const throughChild = encode({ finalization: child.finalization });
    expect(await refusal(fresh, throughChild)).toBe("unlinked");
    expect(await refusal(fresh, throughChild, [{ digest: toHex(sha256(child.block)), parent: real.digest }])).toBe("unlinked");
    expect(await refusal(fresh, throughChild, [child])).toBe("accepted");
    expect(fresh.height).toBe(1n);
    fresh.free();
  });

  it("from a Byzantine validator's stream are refused, counted, never stored, and the relay follows an honest one", async () => {
    // Its stream serves the requested height first with a lying record, validly signed, then
    // (on the next connection) with a finalization certificate one bit off.
    const { relay, fake } = await relayBehindByzantineStream(
      async (from, n) => {
        const honest = await bundleOf(devnet, 0, from);
        const real = core.codec.decodeFinalized(honest);
        const forged =
          n % 2 === 0
            ? lyingBundle(forger, honest, 2).bundle
            : core.codec.encodeFinalized({ ...real, height: from, finalization: flipLast(real.finalization) });
        return { tag: 0x02, height: from, bundle: forged };
      },
      {
        ipRate: { rate: 1, burst: 5 },
        allowedOrigins: ["https://play.nullspace.invalid"],
        maxSubscribersPerIp: 1,
        maxConnections: 32,
        maxConnectionsPerIp: 12,
      },
    );
    const target = ((await devnet.health(1))?.finalized ?? 5n) + 3n;
    await relay.relay.waitForHeight(target);
    fake.close();
    expect(relay.relay.metrics.refused.get({ reason: "execution-mismatch" })).toBeGreaterThanOrEqual(1);
    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toMatch(/relay_bundles_refused_total\{reason="execution-mismatch"\} [1-9]/);

    // Everything stored is the honest chain.
    const log = await logBundles(relay.url, 1n, target);
    const honest: Uint8Array[] = [];
    for (let h = 1n; h <= target; h++) honest.push(await bundleOf(devnet, 1, h));
    expect(certified(core, log)).toEqual(certified(core, honest));
  }, 90_000);

  it("a quorum certifying records the relay never reaches, again and again (its core.wasm not the validators'): rebuilds slow down and say why", async () => {
    const logged: string[] = [];
    const { relay, fake, connections } = await relayBehindByzantineStream(
      async (from) => {
        return { tag: 0x02, height: from, bundle: lyingBundle(forger, await bundleOf(devnet, 0, from), 3).bundle };
      },
      { log: (_level, event, fields) => logged.push(`${event} ${JSON.stringify(fields ?? {})}`) },
      (fake) => [fake],
    );
    await new Promise((r) => setTimeout(r, 6000));
    fake.close();
    const rebuilds = logged.filter((l) => l.startsWith("chain_rebuild ")).length;
    // Each at once, but the next height taken only after 1 s, 2 s, 4 s: not one rebuild per
    // reconnection (one every ~0.1–0.2 s).
    expect(rebuilds).toBeGreaterThanOrEqual(2);
    expect(rebuilds).toBeLessThanOrEqual(5);
    expect(connections()).toBeGreaterThanOrEqual(rebuilds);
    // Each mismatch after the first says how long the relay waits after its rebuild.
    const waits = logged
      .filter((l) => l.startsWith("execution_mismatch_again "))
      .map((l) => JSON.parse(l.slice(l.indexOf(" ") + 1)).resumeInMs);
    expect(waits.length).toBeGreaterThanOrEqual(1);
    expect(waits).toEqual([1000, 2000, 4000].slice(0, waits.length));
    expect(rebuilds).toBe(waits.length + 1);
    expect(logged.some((l) => l.includes("is its core.wasm the validators'?"))).toBe(true);
    expect(relay.relay.height).toBe(0n); // nothing it could not reach was stored or served
  }, 60_000);

  it("while a relay rebuilds past an execution mismatch its answers do not go back in time, and its state is not read", async () => {
    // A relay stores some 40 heights from an honest validator and stops; restarted on its folder
    // behind a stream of quorum-signed lying records, it replays them, meets the lie, rebuilds.
    const dataDir = await tempDir("relay-rebuild-");
    const honest = await startRelay({
      ...relayOptions(devnet),
      validators: [devnet.apiUrl(1)],
      dataDir,
    });
    await honest.relay.waitForHeight(40n);
    await honest.stop();
    const stored = honest.relay.height;

    const logged: string[] = [];
    const { relay, fake } = await relayBehindByzantineStream(
      async (from) => {
        return { tag: 0x02, height: from, bundle: lyingBundle(forger, await bundleOf(devnet, 0, from), 4).bundle };
      },
      { dataDir, log: (_level, event, fields) => logged.push(`${event} ${JSON.stringify(fields ?? {})}`) },
      (fake) => [fake],
    );
    const key = toHex(new Uint8Array(32).fill(7));
    const seen = { heights: new Set<string>(), stateRefusals: [] as string[], readyRefusals: [] as string[], stateAnswers: 0 };
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const [health, state, ready] = await Promise.all([
        json(`${relay.url}/healthz`),
        json(`${relay.url}/state/${key}`),
        json(`${relay.url}/readyz`),
      ]);
      seen.heights.add(String(health.body.height));
      if (state.status === 200) seen.stateAnswers++;
      else
        seen.stateRefusals.push(
          `${state.status} ${(state.body.error as { code: string; message: string }).code} ${(state.body.error as { message: string }).message}`,
        );
      for (const r of (ready.body.reasons as string[] | undefined) ?? []) if (r.startsWith("rebuilding")) seen.readyRefusals.push(r);
    }
    fake.close();
    expect(logged.filter((l) => l.startsWith("chain_rebuild ")).length).toBeGreaterThanOrEqual(1);
    // The restarted relay replayed its store before it listened: from its first answer on, the
    // stored height, through every rebuild.
    expect([...seen.heights]).toEqual([stored.toString()]);
    // While the poisoned chain is replaced its state is refused, with the replay's progress, and
    // /readyz says why it is not ready; between rebuilds the certified state answers.
    expect(seen.stateRefusals.length).toBeGreaterThanOrEqual(1);
    for (const r of seen.stateRefusals)
      expect(r).toMatch(/^503 RELAY_NOT_READY the relay is rebuilding its state from its store( \(replayed \d+ of \d+ heights\))?$/);
    expect(seen.stateRefusals.some((r) => r.endsWith(" heights)"))).toBe(true);
    expect(seen.readyRefusals.length).toBeGreaterThanOrEqual(1);
    expect(seen.stateAnswers).toBeGreaterThanOrEqual(1);
    expect(relay.relay.height).toBe(stored);
  }, 90_000);

  it("a stored height the relay refuses ends its replay before it: the relay starts, takes that height from a validator, and the row is replaced", async () => {
    // A relay stores some 40 heights and stops; then its row of height 30 holds a record a quorum
    // signed but the block does not execute to (a Byzantine writer, a torn disk).
    const dataDir = await tempDir("relay-refused-row-");
    const options = relayOptions(devnet, { validators: [devnet.apiUrl(1)], dataDir });
    const first = await startRelay(options);
    await first.relay.waitForHeight(40n);
    await first.stop();
    const honest = await bundleOf(devnet, 1, 30n);
    const lying = lyingBundle(forger, honest, 5);
    const db = await openDb({ dataDir });
    // The row as a Byzantine writer would put it: bundle, record and state root agreeing.
    await db.query("UPDATE heights SET bundle = $2, record = $3, state_root = $4 WHERE height = $1", [
      30n,
      lying.bundle,
      lying.record,
      lying.stateRoot,
    ]);
    await db.close();

    const logged: string[] = [];
    const relay = await startRelay({ ...options, log: (_level, event, fields) => logged.push(`${event} ${JSON.stringify(fields ?? {})}`) });
    relays.push(relay);
    const refused = logged.filter((l) => l.startsWith("store_row_refused ")).map((l) => JSON.parse(l.slice(l.indexOf(" ") + 1)));
    expect(refused.map((r) => [r.height, r.reason])).toEqual([["30", "execution-mismatch"]]);
    await relay.relay.waitForHeight(45n);
    expect(relay.relay.metrics.storeRowsReplaced.get({ reason: "forged" })).toBe(1);
    expect((await logBundles(relay.url, 30n, 30n))[0]).toBe(toHex(honest));
  }, 90_000);

  it("a validator announcing heights it cannot prove does not move the relay's tip: it stays ready on an honest one", async () => {
    // Its stream answers every connection with one unverified FINALIZED frame a million heights on:
    // first garbage for a bundle, then a real bundle whose certificate finalizes a lower height.
    const { relay, fake, connections } = await relayBehindByzantineStream(async (from, n) => ({
      tag: 0x01,
      height: from + 1_000_000n,
      bundle: n % 2 === 0 ? Uint8Array.of(1, 2, 3) : await bundleOf(devnet, 0, from),
    }));
    const target = ((await devnet.health(1))?.finalized ?? 5n) + 3n;
    await relay.relay.waitForHeight(target);
    await waitUntil("the relay is ready", async () => (await json(`${relay.url}/readyz`)).status === 200, 30_000);
    fake.close();
    expect(connections()).toBeGreaterThanOrEqual(1);
    expect(relay.relay.metrics.refused.get({ reason: "false-tip" })).toBeGreaterThanOrEqual(1);
    const honestTip = (await devnet.health(1))?.finalized ?? 0n;
    expect(relay.relay.validatorTip).toBeLessThanOrEqual(honestTip + 5n);
  }, 90_000);

  it("a validator cut off from the others (alive, answering, its chain standing) is left: the cross-check proves the tip has moved on", async () => {
    // A stand-in for validator 0 stuck at height `cut`: its stream sends the real heights up to it
    // and then nothing, its /readyz says `cut`, its /blocks serves the real bundles up to it. It
    // closes nothing and answers every question, so only another validator can tell the relay
    // that the chain went on. Asking only the one it followed, the relay stood at `cut`, ready.
    const cut = (await devnet.health(0))?.finalized ?? 5n;
    const server = createServer(async (req, res) => {
      const h = /^\/blocks\/(\d+)$/.exec(req.url ?? "")?.[1];
      if (req.url === "/readyz") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ ready: true, finalized: cut.toString(), executed: cut.toString() }));
      } else if (h !== undefined && BigInt(h) <= cut) {
        res.writeHead(200, { "content-type": "application/vnd.nullspace.bundle" });
        res.end(Buffer.from(await bundleOf(devnet, 0, BigInt(h))));
      } else {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { code: "API_NOT_FOUND" } }));
      }
    });
    const streams = new WebSocketServer({ server });
    streams.on("connection", async (ws, req) => {
      const from = BigInt(new URL(req.url ?? "/", "http://x").searchParams.get("from") ?? "1");
      for (let h = from; h <= cut && ws.readyState === WebSocket.OPEN; h++) {
        const head: number[] = [0x02];
        writeVarint(head, h);
        ws.send(Buffer.concat([Buffer.from(head), Buffer.from(await bundleOf(devnet, 0, h))]));
      }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const fakeUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const relay = await startRelay(
        relayOptions(devnet, { validators: [fakeUrl, devnet.apiUrl(1)], dataDir: await tempDir("relay-store-") }),
      );
      relays.push(relay);
      await relay.relay.waitForHeight(cut);
      expect(relay.relay.follower.source).toBe(fakeUrl); // it took the heights up to `cut` from the stand-in
      await relay.relay.waitForHeight(cut + 10n);
      expect(relay.relay.follower.source).toBe(devnet.apiUrl(1));
      await waitUntil("the relay is ready", async () => (await json(`${relay.url}/readyz`)).status === 200, 30_000);
      await relay.stop();
    } finally {
      streams.close();
      server.closeAllConnections();
      server.close();
    }
  }, 90_000);

  it("a relay of another chain id in front of these validators refuses all, says so in /readyz, and warns once a minute per kind", async () => {
    // What an operator meets when the genesis file is not the validators' (here its chain id is
    // edited): every bundle and tip claim fails its certificate. The tip is asked for every second
    // and the stream redialed with a backoff: each used to log every time, ~4 lines a second.
    const genesis = JSON.parse(await readFile(join(devnet.dir, "genesis.json"), "utf8")) as { chainId: string };
    const genesisPath = join(await tempDir("relay-other-id-"), "genesis.json");
    await writeFile(genesisPath, JSON.stringify({ ...genesis, chainId: "4242" }));
    const logged: string[] = [];
    const relay = await startRelay(
      relayOptions(devnet, {
        genesisPath,
        validators: [devnet.apiUrl(0)],
        dataDir: await tempDir("relay-store-"),
        log: (_level, event) => logged.push(event),
      }),
    );
    relays.push(relay);
    const refused = (reason: string) => relay.relay.metrics.refused.get({ reason });
    await waitUntil(
      "tip claims refused three times and bundles twice",
      () => refused("false-tip") >= 3 && refused("bad-finalization") >= 2,
      30_000,
    );
    const count = (event: string) => logged.filter((e) => e === event).length;
    expect([count("tip_refused"), count("bundle_refused")]).toEqual([1, 1]);
    // One switch per connection at most (its bundle and its tip are both refused), none between.
    expect(count("follow_switch")).toBeLessThanOrEqual(count("follow_closed") + 1);
    const ready = await json(`${relay.url}/readyz`);
    expect(ready.status).toBe(503);
    const reasons = ready.body.reasons as string[];
    expect(reasons.at(-1)).toMatch(
      /^refused what it was sent \d+ times since its height last moved, latest from http:\/\/127\.0\.0\.1:\d+: /,
    );
    expect(relay.relay.height).toBe(0n);
    await relay.stop();
  }, 60_000);

  it("past the guards: a flood, a foreign origin, one subscription too many; the relay stays up", async () => {
    const relay = relays[0] as RunningRelay;
    // A flood past the per-address rate gets 429 with Retry-After, and the relay stays up.
    const answers = await Promise.all(Array.from({ length: 8 }, () => submit(relay.url, Uint8Array.of(0xff))));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.body).toMatchObject({ error: { code: "RELAY_RATE_LIMITED" } });
    expect(Number(limited[0]?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await json(`${relay.url}/healthz`)).status).toBe(200);
    // The address's tokens are taken before the body is read: an oversized or mistyped body spends
    // one too, and every refusal is counted in relay_submit_total by its code.
    const submitted = (result: string) => relay.relay.metrics.submitted.get({ result });
    const [limitedBefore, tooLargeBefore, mediaBefore] = [
      submitted("RELAY_RATE_LIMITED"),
      submitted("RELAY_BODY_TOO_LARGE"),
      submitted("RELAY_UNSUPPORTED_MEDIA"),
    ];
    const oversized = (from: string, type = "application/octet-stream") =>
      rawAnswer(`${relay.url}/submit`, {
        method: "POST",
        headers: { "content-type": type },
        body: new Uint8Array(5000),
        localAddress: from,
      });
    expect((await oversized("127.0.0.1")).status).toBe(429); // this address spent its tokens above
    expect((await oversized("127.0.0.6")).status).toBe(413);
    expect((await oversized("127.0.0.6", "text/plain")).status).toBe(415);
    expect([
      submitted("RELAY_RATE_LIMITED") - limitedBefore,
      submitted("RELAY_BODY_TOO_LARGE") - tooLargeBefore,
      submitted("RELAY_UNSUPPORTED_MEDIA") - mediaBefore,
    ]).toEqual([1, 1, 1]);

    const allowed = await fetch(`${relay.url}/healthz`, { headers: { origin: "https://play.nullspace.invalid" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://play.nullspace.invalid");
    const foreign = await json(`${relay.url}/healthz`, { headers: { origin: "https://evil.invalid" } });
    expect([foreign.status, (foreign.body.error as { code: string }).code]).toEqual([403, "RELAY_ORIGIN_NOT_ALLOWED"]);
    const ws = relay.url.replace("http", "ws");
    expect(await upgradeStatus(`${ws}/updates?filter=all`, { origin: "https://evil.invalid" })).toBe(403);
    const first = new WebSocket(`${ws}/updates?filter=all`);
    await new Promise((r) => first.once("open", r));
    expect(await upgradeStatus(`${ws}/updates?filter=all`)).toBe(503);
    first.close();
    expect((await json(`${relay.url}/healthz`)).status).toBe(200);

    // Past maxConnections (32, all kinds together) a new connection is closed at accept and
    // counted; once some close, connections are taken again. From four addresses (127.0.0.2 to
    // .5, 10 each), so that none reaches its own cap of 12.
    const port = Number(new URL(relay.url).port);
    const dropped = (reason: string) => relay.relay.metrics.connectionsDropped.get({ reason });
    const open = async (from: string, n: number) => {
      const sockets: Socket[] = [];
      for (let i = 0; i < n; i++) {
        const s = connect({ port, host: "127.0.0.1", localAddress: from });
        s.on("error", () => {});
        sockets.push(s);
        await new Promise((r) => s.once("connect", r));
      }
      return sockets;
    };
    const until = async (done: () => boolean) => {
      for (let waited = 0; !done() && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    };
    let held: Socket[] = [];
    for (const from of ["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"]) held.push(...(await open(from, 10)));
    // At least 8 of the 40 are past the cap (the test's own keep-alive connections count too).
    await until(() => dropped("max_connections") >= 8);
    expect(dropped("max_connections")).toBeGreaterThanOrEqual(8);
    expect(dropped("per_address")).toBe(0);
    for (const s of held) s.destroy();
    await new Promise((r) => setTimeout(r, 100));

    // Past maxConnectionsPerIp (12) from one address: the 8 over it are closed at accept and
    // counted, while the relay has room for more from others.
    const globalBefore = dropped("max_connections");
    held = await open("127.0.0.6", 20);
    await until(() => dropped("per_address") >= 8);
    await new Promise((r) => setTimeout(r, 100));
    expect(dropped("per_address")).toBe(8);
    expect(dropped("max_connections")).toBe(globalBefore);
    expect(held.filter((s) => s.destroyed || s.readyState === "closed").length).toBe(8);
    expect((await json(`${relay.url}/healthz`)).status).toBe(200); // another address still gets in
    for (const s of held) s.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const after = await fetch(`${relay.url}/metrics`);
    expect(after.status).toBe(200);
    const text = await after.text();
    expect(text).toMatch(/relay_connections_dropped_total\{reason="max_connections"\} [1-9]/);
    expect(text).toMatch(/relay_connections_dropped_total\{reason="per_address"\} 8/);
  });

  it("a request not sent in time, oversized headers or bytes that are not HTTP: a typed refusal, the connection closed, subscribers served", async () => {
    const relay = await startRelay({
      ...relayOptions(devnet),
      validators: [devnet.apiUrl(1)],
      dataDir: await tempDir("relay-store-"),
      headersTimeoutMs: 400,
      requestTimeoutMs: 900,
    });
    relays.push(relay);
    const port = Number(new URL(relay.url).port);
    // A subscriber that stays past both limits keeps its socket and its heights: the limits are
    // on sending a request, not on holding a connection.
    const frames: number[] = [];
    const subscriber = new WebSocket(`${relay.url.replace("http", "ws")}/updates?filter=all`);
    subscriber.on("message", () => frames.push(Date.now()));
    await new Promise((r) => subscriber.once("open", r));

    /** What the relay wrote back to a raw connection that `talk` writes to (`every` repeats a
     * write), and when it closed it. */
    type Talk = (s: Socket, every: (ms: number, text: string) => void) => void;
    const exchange = (talk: Talk) =>
      new Promise<{ answer: string; ms: number }>((resolve) => {
        const t0 = Date.now();
        const s = connect({ port, host: "127.0.0.1" });
        const chunks: Buffer[] = [];
        const timers: NodeJS.Timeout[] = [];
        s.on("data", (d) => chunks.push(d));
        s.on("error", () => {});
        s.on("connect", () => talk(s, (ms, text) => timers.push(setInterval(() => s.write(text), ms))));
        s.on("close", () => {
          for (const t of timers) clearInterval(t);
          resolve({ answer: Buffer.concat(chunks).toString("latin1"), ms: Date.now() - t0 });
        });
      });
    const refusal = (answer: string) => {
      const [head = "", body = ""] = answer.split("\r\n\r\n");
      // Every answer carries a request id, also one to a request that could not be read.
      expect(head).toMatch(/\r\nx-request-id: [0-9a-f]{16}(\r\n|$)/);
      return { status: Number(head.split(" ")[1]), code: (JSON.parse(body) as { error: { code: string } }).error.code };
    };

    const [silent, trickledHeaders, trickledBody, oversized, garbage] = await Promise.all([
      exchange(() => {}), // connects and sends nothing
      exchange((s, every) => {
        s.write("GET /healthz HTTP/1.1\r\nhost: relay\r\n");
        every(100, "x-slow: 1\r\n"); // a header line every 100 ms, never the end
      }),
      exchange((s, every) => {
        s.write("POST /submit HTTP/1.1\r\nhost: relay\r\ncontent-type: application/octet-stream\r\ncontent-length: 200\r\n\r\n");
        every(150, "0123456789"); // 10 bytes of the 200 every 150 ms
      }),
      exchange((s) => s.write(`GET /healthz HTTP/1.1\r\nhost: relay\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`)),
      exchange((s) => s.write("\x00\x01\x02 not http at all\r\n\r\n")),
    ]);
    expect(refusal(silent.answer)).toEqual({ status: 408, code: "RELAY_REQUEST_TIMEOUT" });
    expect(refusal(trickledHeaders.answer)).toEqual({ status: 408, code: "RELAY_REQUEST_TIMEOUT" });
    expect(refusal(trickledBody.answer)).toEqual({ status: 408, code: "RELAY_REQUEST_TIMEOUT" });
    expect(refusal(oversized.answer)).toEqual({ status: 431, code: "RELAY_HEADERS_TOO_LARGE" });
    expect(refusal(garbage.answer)).toEqual({ status: 400, code: "RELAY_BAD_REQUEST" });
    // No route was reached: the hint says what was wrong, not a route's parameters.
    expect(JSON.parse(garbage.answer.split("\r\n\r\n")[1] ?? "{}").error.hint).toBe("send an HTTP/1.1 request");
    // Closed once the limit passed (checked every 100 ms here), not at Node's 60 s.
    for (const late of [silent, trickledHeaders]) expect(late.ms).toBeGreaterThanOrEqual(400);
    expect(trickledBody.ms).toBeGreaterThanOrEqual(900);
    for (const late of [silent, trickledHeaders, trickledBody]) expect(late.ms).toBeLessThan(5000);

    const metrics = await (await fetch(`${relay.url}/metrics`)).text();
    expect(metrics).toMatch(/relay_client_errors_total\{code="RELAY_REQUEST_TIMEOUT"\} 3/);
    expect(metrics).toMatch(/relay_client_errors_total\{code="RELAY_HEADERS_TOO_LARGE"\} 1/);
    expect(metrics).toMatch(/relay_client_errors_total\{code="RELAY_BAD_REQUEST"\} 1/);
    expect(metrics).toMatch(/^process_open_fds [1-9]/m); // the relay's own health, beside its work
    expect(metrics).toMatch(/^relay_event_loop_lag_seconds [0-9]/m);
    expect(subscriber.readyState).toBe(WebSocket.OPEN);
    const opened = frames.length;
    await relay.relay.waitForHeight(relay.relay.height + 2n);
    await new Promise((r) => setTimeout(r, 300));
    expect(frames.length).toBeGreaterThan(opened);
    subscriber.close();
  }, 60_000);
});
