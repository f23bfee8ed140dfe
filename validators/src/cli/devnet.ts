// A local devnet: n validator processes on loopback from one command, their homes, data and logs
// under one folder. Used by `validators devnet`, `npm start`, the multi-process tests and
// `bench:consensus`. Child processes run `validators start --home <dir>/v<i>`.

import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createGenesis, type GenesisFile } from "../genesis/genesis.js";
import type { BeaconPolicy } from "../node/executor.js";
import { addressesInUse } from "./ports.js";
import { KEY_FILE, NODE_FILE, type NodeConfig } from "./start.js";

export interface DevnetOptions {
  dir: string;
  n?: number;
  /** Peer links listen on basePort + i, APIs on apiBasePort + i. */
  basePort?: number;
  apiBasePort?: number;
  chainId?: bigint;
  /** The chain's beacon policy, written into a new genesis (default "random-ops"). */
  beaconPolicy?: BeaconPolicy;
  wasmPath: string;
  /** Start from an empty folder (default: reuse what is there). */
  fresh?: boolean;
  /** Overrides for every node.json. */
  node?: Partial<Omit<NodeConfig, "index" | "peers" | "api">>;
  /** Extra environment for the validator processes. */
  env?: Record<string, string>;
  /** Extra flags for the validator processes' node (e.g. `--cpu-prof`; NODE_OPTIONS refuses it). */
  nodeArgs?: string[];
  /** Progress lines (default console.log). */
  say?: (line: string) => void;
}

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
/** blocks.beaconIntervalMs of a new devnet: after a block that needs σ, the next no earlier than
 * 50 ms later. Four validators share this machine's cores, so every σ height costs four pairing
 * checks; pacing them gave the lowest finality at 10, 100 and 1,000 spins/s of 0, 50 and 100 ms
 * (docs/decisions/019). */
export const DEVNET_BEACON_INTERVAL_MS = 50;
const PACKAGE_DIR = fileURLToPath(new URL("../../", import.meta.url));
/** Every client of a devnet comes from 127.0.0.1 (its relays, the tests' and the benchmarks' own
 * clients): one address's default cap (32) would be everyone's. */
const DEVNET_API_CONNECTIONS = { perIp: 512 } as const;

export class Devnet {
  readonly n: number;
  readonly children: (ChildProcess | undefined)[] = [];
  /** How each validator that is not running last exited (code or signal), for waitFor's line. */
  private readonly exits: (string | undefined)[] = [];
  genesis!: GenesisFile;
  private stopping = false;

  private constructor(private readonly o: DevnetOptions) {
    this.n = o.n ?? 4;
  }

  home(i: number): string {
    return join(this.o.dir, `v${i}`);
  }

  apiUrl(i: number): string {
    return `http://127.0.0.1:${(this.o.apiBasePort ?? 7200) + i}`;
  }

  get dir(): string {
    return this.o.dir;
  }

  static async create(o: DevnetOptions): Promise<Devnet> {
    const d = new Devnet(o);
    if (o.fresh) await rm(o.dir, { recursive: true, force: true });
    await d.prepare();
    return d;
  }

  private say(line: string): void {
    (this.o.say ?? console.log)(line);
  }

  /** Writes genesis, keys and node.json for every validator unless the folder has them already. */
  private async prepare(): Promise<void> {
    const genesisPath = join(this.o.dir, "genesis.json");
    if (existsSync(genesisPath)) {
      this.genesis = JSON.parse(await readFile(genesisPath, "utf8")) as GenesisFile;
      if (this.genesis.validators.length !== this.n)
        throw new Error(`${this.o.dir} holds a devnet of ${this.genesis.validators.length} validators, not ${this.n} (use --fresh)`);
      await this.addMissingSettings();
      return;
    }
    this.say(`[devnet] genesis ceremony for ${this.n} validators in ${this.o.dir}`);
    const wasm = new Uint8Array(await readFile(this.o.wasmPath));
    const c = await createGenesis({
      n: this.n,
      chainId: this.o.chainId ?? 1337n,
      genesisTimeMs: BigInt(Date.now()),
      wasm,
      ...(this.o.beaconPolicy ? { beaconPolicy: this.o.beaconPolicy } : {}),
    });
    this.genesis = c.genesis;
    await mkdir(join(this.o.dir, "admins"), { recursive: true });
    const write = (path: string, value: unknown, mode = 0o644) => writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { mode });
    await write(genesisPath, c.genesis);
    for (const [j, a] of c.admins.entries()) await write(join(this.o.dir, "admins", `admin-${j}.key.json`), a, 0o600);
    const peers = Array.from({ length: this.n }, (_, i) => ({ host: "127.0.0.1", port: (this.o.basePort ?? 7100) + i }));
    for (let i = 0; i < this.n; i++) {
      const home = this.home(i);
      await mkdir(home, { recursive: true });
      await write(join(home, "genesis.json"), c.genesis);
      await write(join(home, KEY_FILE), c.validators[i], 0o600);
      const config: NodeConfig = {
        index: i,
        peers,
        api: { host: "127.0.0.1", port: (this.o.apiBasePort ?? 7200) + i },
        apiRateLimit: false,
        apiConnections: DEVNET_API_CONNECTIONS,
        ...this.o.node,
        blocks: { beaconIntervalMs: DEVNET_BEACON_INTERVAL_MS, ...this.o.node?.blocks },
      };
      await write(join(home, NODE_FILE), config);
    }
  }

  /**
   * A folder made by an older devnet keeps its node.json files; the settings a devnet writes now
   * that they lack are added (a key already there, whatever its value, is the operator's and stays).
   */
  private async addMissingSettings(): Promise<void> {
    for (let i = 0; i < this.n; i++) {
      const path = join(this.home(i), NODE_FILE);
      const config = JSON.parse(await readFile(path, "utf8")) as NodeConfig;
      if (config.apiConnections !== undefined) continue;
      config.apiConnections = this.o.node?.apiConnections ?? DEVNET_API_CONNECTIONS;
      await writeFile(path, `${JSON.stringify(config, null, 2)}\n`);
      this.say(`[devnet] v${i}/${NODE_FILE}: added apiConnections ${JSON.stringify(config.apiConnections)}`);
    }
  }

  /** Starts validator i (its log appends to v<i>/validator.log). */
  start(i: number): ChildProcess {
    const log = createWriteStream(this.logPath(i), { flags: "a" });
    const child = spawn(
      process.execPath,
      [...(this.o.nodeArgs ?? []), "--import", "tsx", MAIN, "start", "--home", this.home(i), "--wasm", this.o.wasmPath],
      {
        cwd: PACKAGE_DIR,
        env: { ...process.env, ...this.o.env },
        // The IPC channel is only a lifeline: a validator whose channel closes (this process
        // died, whatever the way) stops itself (cli/main.ts).
        stdio: ["ignore", "pipe", "pipe", "ipc"],
      },
    );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    child.on("exit", (code, signal) => {
      const exit = signal ?? `code ${code}`;
      if (this.children[i] === child) {
        this.children[i] = undefined;
        this.exits[i] = exit;
      }
      if (!this.stopping) this.say(`[devnet] validator ${i} exited (${exit}); log: ${this.logPath(i)}`);
    });
    this.children[i] = child;
    this.exits[i] = undefined;
    return child;
  }

  /**
   * The peer-link and API addresses of this devnet's validators (from their node.json) that
   * something else holds now: most often a devnet already running from the same folder.
   */
  async addressesInUse(): Promise<string[]> {
    const addresses: { host: string; port: number }[] = [];
    for (let i = 0; i < this.n; i++) {
      const config = JSON.parse(await readFile(join(this.home(i), NODE_FILE), "utf8")) as NodeConfig;
      const own = config.peers[config.index];
      if (own) addresses.push(own);
      addresses.push(config.api);
    }
    return addressesInUse(addresses);
  }

  startAll(): void {
    for (let i = 0; i < this.n; i++) this.start(i);
  }

  /** Sends `signal` to validator i and waits for it to exit. */
  async kill(i: number, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.children[i];
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await exited;
  }

  async health(i: number): Promise<{ finalized: bigint; executed: bigint; view: bigint; peersConnected: number } | undefined> {
    try {
      // /readyz carries the figures whether it answers 200 or 503.
      const r = await fetch(`${this.apiUrl(i)}/readyz`, { signal: AbortSignal.timeout(1000) });
      const j = (await r.json()) as Record<string, string | number>;
      if (j.finalized === undefined) return undefined;
      return {
        finalized: BigInt(j.finalized ?? 0),
        executed: BigInt(j.executed ?? 0),
        view: BigInt(j.view ?? 0),
        peersConnected: Number(j.peersConnected ?? 0),
      };
    } catch {
      return undefined;
    }
  }

  /**
   * Waits until every validator (or those `only` lists) answers and has finalized past `height`,
   * printing progress; throws at the deadline, or at once when one of them has exited.
   */
  async waitFor(height: bigint, timeoutMs = 60_000, only?: number[]): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let lastLine = "";
    for (;;) {
      const which = only ?? [...Array(this.n).keys()];
      const hs = await Promise.all(which.map((i) => this.health(i)));
      const line = hs
        .map((h, k) => `v${which[k]} ${h ? `h${h.finalized}/x${h.executed}` : this.notAnswering(which[k] as number)}`)
        .join("  ");
      if (line !== lastLine) this.say(`[devnet] ${line}`);
      lastLine = line;
      if (hs.every((h) => h && h.finalized >= height && h.executed >= height)) return;
      // One that exited will not answer: say so now rather than at the deadline.
      if (hs.some((h, k) => !h && this.exits[which[k] as number] !== undefined))
        throw new Error(`devnet cannot reach height ${height}: ${line}`);
      if (performance.now() > deadline) throw new Error(`devnet did not reach height ${height} within ${timeoutMs} ms: ${line}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** What waitFor says of a validator that does not answer: still starting, or gone (and why, where). */
  private notAnswering(i: number): string {
    const exit = this.exits[i];
    return exit === undefined ? "starting" : `exited (${exit}; log: ${this.logPath(i)})`;
  }

  /** Where validator i's output goes. */
  logPath(i: number): string {
    return join(this.home(i), "validator.log");
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.children.map((_, i) => this.kill(i, "SIGTERM")));
  }
}
