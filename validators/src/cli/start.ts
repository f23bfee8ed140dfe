// `validators start --home DIR`: runs one validator process from its home folder:
//   genesis.json          the public genesis (trust root)
//   validator.key.json    this validator's secret (ed25519 seed, beacon share), mode 0600
//   node.json             where it listens and where its peers are (NodeConfig below)
//   data/                 consensus journal, archive and checkpoints (FsStorage)
// Logs are JSON lines on stdout. SIGINT/SIGTERM close everything cleanly; kill -9 is what the
// journal and archive are for.

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fromHex, toHex } from "@nullspace/core";
import { enableFastBls, LoopLag } from "@nullspace/core/node";
import { Registry, validatorMetrics } from "../api/metrics.js";
import { ApiServer } from "../api/server.js";
import { WorkerBeaconCrypto } from "../beacon/worker-crypto.js";
import { type GenesisFile, type ValidatorSecret, validatorSigner } from "../genesis/genesis.js";
import { TcpNetwork } from "../net/tcp-network.js";
import { type Timing, ValidatorNode } from "../node/validator.js";
import { RealClock } from "../runtime/clock.js";
import { FsStorage } from "../runtime/fs-storage.js";
import { IoThread } from "../runtime/io-thread.js";

export interface NodeConfig {
  index: number;
  /** Peer-link address of every validator, by index (ours included). */
  peers: { host: string; port: number }[];
  api: { host: string; port: number };
  timing?: Partial<Timing>;
  checkpointEvery?: number;
  /** Per-IP request limit of the read API (false: off, for a devnet on loopback). */
  apiRateLimit?: { ratePerSecond: number; burst: number } | false;
  /** Connection caps of the read API (defaults 512 in all, 32 from one address). */
  apiConnections?: { max?: number; perIp?: number };
  /** BLS beacon work on a worker thread instead of the event loop (default false). Measured on the
   * 2-core devnet it lagged (σ 5.1 s after finality against 229 ms inline at 1,000 tx/s): the
   * thread only gets its share of the cores, and consensus, no longer slowed by the BLS work, makes
   * heights faster than the beacon can follow. For validators with cores to spare. */
  beaconThread?: boolean;
  /** Load shedding: submissions are refused (BUSY) while this many transactions are being admitted
   * (default 4,096) or while the event loop runs more than `maxLoopLagMs` late (default 250). */
  admission?: { maxInflight?: number; maxLoopLagMs?: number };
  /** Block making (defaults: 5,000 transactions, 100 ms idle wait, no minimum interval). */
  blocks?: { maxTxs?: number; idleMs?: number; minIntervalMs?: number; beaconIntervalMs?: number };
}

export const NODE_FILE = "node.json";
export const KEY_FILE = "validator.key.json";

function log(record: Record<string, unknown>): void {
  process.stdout.write(
    `${JSON.stringify({ t: new Date().toISOString(), ...record }, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}\n`,
  );
}

export async function startValidator(home: string, wasmPath: string): Promise<() => Promise<void>> {
  const genesis = JSON.parse(await readFile(join(home, "genesis.json"), "utf8")) as GenesisFile;
  const secret = JSON.parse(await readFile(join(home, KEY_FILE), "utf8")) as ValidatorSecret;
  const config = JSON.parse(await readFile(join(home, NODE_FILE), "utf8")) as NodeConfig;
  // Which heights get σ is a chain rule: two validators with different policies would disagree on
  // every progress record. It lives in the genesis file now; a node.json that still sets it is refused.
  if ("beaconPolicy" in config) throw new Error(`${NODE_FILE}: beaconPolicy moved to the genesis file (beacon.policy); remove it here`);
  if (config.index !== secret.index) throw new Error(`node.json index ${config.index} but the key is validator ${secret.index}`);
  const wasm = new Uint8Array(await readFile(wasmPath));
  // The beacon's BLS arithmetic on blst, else mcl (~17× and ~4× noble's speed, the same bytes;
  // decisions/018 and 021).
  const blsEngine = await enableFastBls();
  const clock = new RealClock();
  // Journal and archive writes on a thread of their own: the libuv pool is busy verifying
  // signatures (fs-storage.ts).
  const ioThread = new IoThread();
  const storage = new FsStorage(join(home, "data"), { ioThread });
  const registry = new Registry();
  const m = validatorMetrics(registry);
  const finalizedAt = new Map<bigint, number>();
  // NULLSPACE_TRACE_HEIGHTS=1: one log line per height with its σ and progress timings (benchmarks).
  const traceHeights = process.env.NULLSPACE_TRACE_HEIGHTS === "1";
  const sigmaAt = new Map<bigint, number>();
  const me = config.peers[config.index];
  if (!me) throw new Error(`node.json has no peer entry for index ${config.index}`);
  // Links come up first; what peers send before the node starts finds no handler and is dropped
  // (counted): consensus re-sends what matters.
  const network = await TcpNetwork.start({
    self: config.index,
    chainId: BigInt(genesis.chainId),
    signer: validatorSigner(secret),
    peers: config.peers.map((p, i) => ({ ...p, publicKey: fromHex(genesis.validators[i]?.publicKey ?? "") })),
    listen: { host: me.host, port: me.port },
    log: (entry) => log({ source: "net", ...entry }),
  });

  const loopLag = new LoopLag().start();
  const maxLoopLagMs = config.admission?.maxLoopLagMs ?? 250;
  const t0 = performance.now();
  const node = await ValidatorNode.open({
    genesis,
    secret,
    wasm,
    clock,
    network,
    storage,
    timing: config.timing,
    app: {
      maxBlockTxs: config.blocks?.maxTxs,
      idleBlockMs: config.blocks?.idleMs,
      minBlockIntervalMs: config.blocks?.minIntervalMs,
      beaconIntervalMs: config.blocks?.beaconIntervalMs,
    },
    checkpointEvery: config.checkpointEvery,
    peersConnected: () => network.peerStatus().filter((p) => p.connected).length,
    admission: { maxInflight: config.admission?.maxInflight, overloaded: () => loopLag.recentMs > maxLoopLagMs },
    beaconCrypto: config.beaconThread === true ? (keys) => new WorkerBeaconCrypto(keys) : undefined,
    log,
    hooks: {
      viewChanged: (view) => m.consensusView.set(view),
      signed: (kind, view) => {
        if (kind !== "nullify") return;
        m.nullifyVotes.inc();
        log({ level: "warn", event: "nullify", view, detail: "no verified proposal in time; voting to skip the view" });
      },
      refused: (_from, reason) => m.consensusRefused.inc(1, { reason }),
      journalSynced: (ms) => m.journalSync.observe(ms / 1000),
      finalized: (f) => {
        const now = Date.now();
        finalizedAt.set(f.block.height, performance.now());
        m.consensusFinalizedHeight.set(f.block.height);
        m.finalityLatency.observe(Math.max(0, now - Number(f.block.timestampMs)) / 1000);
        if (traceHeights) log({ event: "final", height: f.block.height, sinceProposalMs: now - Number(f.block.timestampMs) });
      },
      sigma: (h) => {
        const at = finalizedAt.get(h);
        if (at !== undefined) m.beaconLatency.observe((performance.now() - at) / 1000);
        if (traceHeights) sigmaAt.set(h, performance.now());
      },
      executed: (h) => m.executionHeight.set(h),
      progressCertificate: (h) => {
        const at = finalizedAt.get(h);
        if (at !== undefined) m.progressLatency.observe((performance.now() - at) / 1000);
        if (traceHeights && at !== undefined) {
          const s = sigmaAt.get(h);
          log({ event: "height", height: h, sigmaMs: s === undefined ? null : s - at, progressMs: performance.now() - at });
          sigmaAt.delete(h);
        }
        for (const k of finalizedAt.keys()) if (k < h - 1024n) finalizedAt.delete(k);
      },
      alarm: () => m.executionAlarm.set(1),
    },
  });
  log({
    event: "recovered",
    validator: config.index,
    ms: Math.round(performance.now() - t0),
    tip: node.tip(),
    executed: node.executor.executedHeight,
    blsEngine,
  });

  node.start();
  const api = await ApiServer.start({
    source: node,
    host: config.api.host,
    port: config.api.port,
    registry,
    log: (r) => log({ source: "api", ...r }),
    rateLimit: config.apiRateLimit ?? { ratePerSecond: 50, burst: 100 },
    ...(config.apiConnections?.max !== undefined ? { maxConnections: config.apiConnections.max } : {}),
    ...(config.apiConnections?.perIp !== undefined ? { maxConnectionsPerIp: config.apiConnections.perIp } : {}),
  });
  const gauges = setInterval(() => {
    m.mempoolTransactions.set(node.mempool.size);
    m.mempoolBytes.set(node.mempool.bytes);
    m.loopLag.set(loopLag.recentMs / 1000);
    m.admissionInflight.set(node.admission.inflight);
    for (const p of network.peerStatus()) m.peerConnected.set(p.connected ? 1 : 0, { peer: String(p.index) });
  }, 1000);
  gauges.unref();
  log({
    event: "serving",
    validator: config.index,
    publicKey: toHex(node.signer.publicKey),
    peerLink: `${me.host}:${me.port}`,
    api: `http://${config.api.host}:${api.port}`,
  });
  return async () => {
    clearInterval(gauges);
    loopLag.stop();
    await api.close();
    await node.close();
    await network.close();
    await ioThread.close();
    clock.stop();
  };
}
