// Starts one relay from its options: store (PGlite folder, or PostgreSQL with DATABASE_URL),
// trust root (the public genesis file), the verified pipeline and the API. Used by the CLI and tests.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { enableFastBls } from "@nullspace/core/node";
import type { RecentBundlesOptions } from "./api/recent-bundles.js";
import { type Api, type ApiOptions, buildApi } from "./api/server.js";
import { chainKey } from "./bus/message.js";
import { RedisBus } from "./bus/redis-bus.js";
import { trustRootOf } from "./chain/trust.js";
import type { LogFn } from "./relay.js";
import { RelayCore } from "./relay.js";
import { openDb } from "./store/db.js";

export interface StartOptions extends Omit<ApiOptions, "relay" | "validators" | "log"> {
  /** Path of the public genesis file (genesis.json of the chain). */
  genesisPath: string;
  wasmPath: string;
  validators: readonly string[];
  /** PGlite data folder (in memory when neither it nor databaseUrl is set). */
  dataDir?: string;
  databaseUrl?: string;
  /** PostgreSQL only: a statement unanswered this long fails and its connection is dropped (default 15,000 ms; db.ts). */
  storeQueryTimeoutMs?: number;
  log?: LogFn;
  maxQueuedBytes?: number;
  /** Redis URL of the fan-out bus between relays on one PostgreSQL (RELAY_BUS_URL); absent: in-process only. */
  busUrl?: string;
  /** Where new heights come from (RELAY_SOURCE): validators' streams (default) or the shared store via the bus. */
  source?: "validators" | "store";
  /** Store poll period of a store-fed relay while its bus is down (default 1,000 ms). */
  storePollMs?: number;
  /** Period of the stall check (default 5,000 ms): a store-fed relay follows validators after 3 checks in which the store answered and did not advance. */
  stallCheckMs?: number;
  /** /submit rate limits (per remote address, per account); shared through the bus's Redis when there is one. */
  ipRate?: { rate: number; burst: number };
  accountRate?: { rate: number; burst: number };
  /** The recent heights /log answers from memory (api/recent-bundles.ts); maxHeights 0 turns it off. */
  recentBundles?: RecentBundlesOptions;
  /** Heights between state checkpoints (default 1,000; 0: none written). */
  checkpointEvery?: number | undefined;
}

export interface RunningRelay {
  relay: RelayCore;
  api: Api;
  url: string;
  stop(): Promise<void>;
}

/** One JSON line per record on stdout. */
export const jsonLog: LogFn = (level, event, fields = {}) => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`);
};

export async function startRelay(o: StartOptions): Promise<RunningRelay> {
  const log = o.log ?? jsonLog;
  const wasm = new Uint8Array(await readFile(o.wasmPath));
  // σ checks (where they run on this thread) on blst, else mcl: decisions/018 and 021.
  const blsEngine = await enableFastBls();
  const trust = trustRootOf(JSON.parse(await readFile(o.genesisPath, "utf8")), wasm);
  if ((o.busUrl || o.source === "store") && !o.databaseUrl)
    throw new Error("a bus or source=store needs DATABASE_URL: relays share heights through one PostgreSQL");
  const db = await openDb({ databaseUrl: o.databaseUrl, dataDir: o.dataDir, queryTimeoutMs: o.storeQueryTimeoutMs });
  const relayId = randomBytes(8).toString("hex");
  let relay: RelayCore | undefined;
  const bus = o.busUrl
    ? new RedisBus({
        url: o.busUrl,
        chainKey: chainKey(trust.chainId, trust.genesisDigest),
        relayId,
        log,
        counters: {
          connected: (is) => relay?.metrics.busConnected.set(is ? 1 : 0),
          received: (result) => relay?.metrics.busIn.inc({ result }),
          published: (result) => relay?.metrics.busOut.inc({ result }),
          reconnected: () => relay?.metrics.busReconnects.inc(),
        },
      })
    : undefined;
  try {
    relay = await RelayCore.create({
      wasm,
      trust,
      db,
      validators: o.validators,
      log,
      ...(o.maxQueuedBytes ? { maxQueuedBytes: o.maxQueuedBytes } : {}),
      ...(bus ? { bus } : {}),
      ...(o.source ? { source: o.source } : {}),
      ...(o.storePollMs ? { storePollMs: o.storePollMs } : {}),
      ...(o.stallCheckMs ? { stallCheckMs: o.stallCheckMs } : {}),
      ...(o.recentBundles ? { recentBundles: o.recentBundles } : {}),
      ...(o.checkpointEvery !== undefined ? { checkpointEvery: o.checkpointEvery } : {}),
    });
  } catch (e) {
    await db.close().catch(() => {}); // a relay that cannot start leaves no store open (its lock, its pool)
    throw e;
  }
  await relay.start();
  const api = await buildApi({
    ...o,
    relay,
    validators: o.validators,
    log,
    ...(bus ? { roomBus: bus } : {}),
    ...(o.busUrl ? { limiterRedisUrl: o.busUrl } : {}),
  });
  const address = api.server.address();
  const url = typeof address === "object" && address ? `http://${address.address}:${address.port}` : String(address);
  log("info", "relay_listening", {
    url,
    store: db.kind,
    height: relay.height.toString(),
    relayId,
    bus: bus ? "redis" : "none",
    source: o.source ?? "validators",
    blsEngine,
  });
  const running = relay;
  return {
    relay: running,
    api,
    url,
    async stop() {
      await api.close();
      await running.stop();
      await db.close();
    },
  };
}
