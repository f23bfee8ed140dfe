// Starts one relay from its options: store (PGlite folder, or PostgreSQL with DATABASE_URL),
// trust root (the public genesis file), the verified pipeline and the API. Used by the CLI and tests.
import { readFile } from "node:fs/promises";
import { type Api, type ApiOptions, buildApi } from "./api/server.js";
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
  log?: LogFn;
  maxQueuedBytes?: number;
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
  const trust = trustRootOf(JSON.parse(await readFile(o.genesisPath, "utf8")), wasm);
  const db = await openDb({ databaseUrl: o.databaseUrl, dataDir: o.dataDir });
  const relay = await RelayCore.create({
    wasm,
    trust,
    db,
    validators: o.validators,
    log,
    ...(o.maxQueuedBytes ? { maxQueuedBytes: o.maxQueuedBytes } : {}),
  });
  await relay.start();
  const api = await buildApi({ ...o, relay, validators: o.validators, log });
  const address = api.server.address();
  const url = typeof address === "object" && address ? `http://${address.address}:${address.port}` : String(address);
  log("info", "relay_listening", { url, store: db.kind, height: relay.height.toString() });
  return {
    relay,
    api,
    url,
    async stop() {
      await api.close();
      await relay.stop();
      await db.close();
    },
  };
}
