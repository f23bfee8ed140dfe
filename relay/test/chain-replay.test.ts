// The benchmark's recorded chain (bench/chain-recording.ts, bench/chain-replay.ts), on a real
// devnet: heights recorded from a validator's /stream are written and read back byte for byte, and
// served again by the validators' own API server over a ReplaySource. A relay that follows only the
// replay verifies, replays and publishes them as it would the validators' (every live update
// verifies; a player registered on the devnet is an account on the relay), and what it accepts on
// /submit reaches the replay's source. The replay never releases past its recording.

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Core, fromHex, LocalChain, signTxSync, toHex, verifyUpdate } from "@nullspace/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ApiServer } from "../../validators/src/api/server.js";
import { readRecording, recordChain, writeRecording } from "../bench/chain-recording.js";
import { ReplaySource } from "../bench/chain-replay.js";
import { type RunningRelay, startRelay } from "../src/start.js";
import { type Devnet, relayOptions, startDevnet, WASM_PATH, waitUntil } from "./support/devnet.js";
import { json, submit } from "./support/relays.js";
import { removeTempDirs, tempDir } from "./support/temp-dirs.js";

let devnet: Devnet;
let core: Core;
let chainId: bigint;
let api: ApiServer | undefined;
let relay: RunningRelay | undefined;

beforeAll(async () => {
  devnet = await startDevnet();
  core = await Core.load(new Uint8Array(await readFile(WASM_PATH)));
  chainId = BigInt(devnet.genesis.chainId);
}, 180_000);

afterAll(async () => {
  await relay?.stop();
  await api?.close();
  await devnet?.stop();
  await removeTempDirs();
});

/** A signed registration of the account of `seed`. */
const registration = (seed: number, name: string) =>
  signTxSync({ codec: core.codec, signer: LocalChain.signer(seed), chainId, nonce: 0n, instruction: { op: "register", name } });

describe("a recorded chain served again", () => {
  it("is followed, verified and served by a relay as the validators' chain is", async () => {
    expect((await submit(devnet.apiUrl(0), registration(8101, "recorded"))).status).toBe(200);
    const player = toHex(LocalChain.signer(8101).publicKey);
    // Up to a height past the registration's.
    await waitUntil("the registration is final", async () => ((await devnet.health(0))?.finalized ?? 0n) >= 6n);
    const to = Number((await devnet.health(0))?.finalized) + 2;
    const recorded = await recordChain({ apiUrl: devnet.apiUrl(1), to, say: () => {}, timeoutMs: 60_000 });
    expect(recorded).toHaveLength(to);
    const path = join(await tempDir("replay-"), "chain.recording");
    writeRecording(path, recorded);
    const bundles = readRecording(path);
    expect(bundles.map((b) => toHex(b))).toEqual(recorded.map((b) => toHex(b)));

    const taken: Uint8Array[] = [];
    const source = new ReplaySource(bundles, chainId, devnet.n, (tx) => {
      taken.push(tx);
      return core.codec.txSummary(tx).hash;
    });
    expect(source.releaseTo(2n)).toBe(2n);
    api = await ApiServer.start({ source, port: 0, rateLimit: false });
    const replayUrl = `http://127.0.0.1:${api.port}`;
    relay = await startRelay(relayOptions(devnet, { validators: [replayUrl], dataDir: await tempDir("replay-relay-") }));
    const r = relay;
    await waitUntil("the relay has the released heights", () => r.relay.height === 2n);

    const frames: Uint8Array[] = [];
    const ws = new WebSocket(`${r.url.replace("http", "ws")}/updates?filter=all`);
    ws.on("message", (d: Buffer) => frames.push(new Uint8Array(d)));
    await new Promise((resolve) => ws.once("open", resolve));
    // Never past the recording's end.
    expect(source.releaseTo(BigInt(to) + 5n)).toBe(BigInt(to));
    await waitUntil("the relay has the whole recording", () => r.relay.height === BigInt(to), 30_000);
    await waitUntil("an update per height", () => frames.length === to - 2, 10_000);
    const check = { codec: core.codec, chainId, validators: devnet.genesis.validators.map((v) => fromHex(v.publicKey)) };
    for (const frame of frames) expect((await verifyUpdate({ ...check, frame })).ok).toBe(true);
    ws.close();
    const account = await json(`${r.url}/accounts/${player}`);
    expect(account.body).toMatchObject({ account: { name: "recorded", registered: true } });

    // The relay checks a transaction and forwards it to the replay, which takes it.
    const fresh = registration(8102, "fresh");
    expect((await submit(r.url, fresh)).status).toBe(200);
    await waitUntil("the replay took the transaction", () => taken.some((tx) => toHex(tx) === toHex(fresh)), 10_000);
  }, 120_000);
});
