// A chain in one process without consensus: blocks are sealed on demand and executed at once.
// For tests, golden vectors, benchmarks and simulations, never for money: its beacon value is a
// hash of the height, not a threshold signature.

import { signTxSync } from "../client/sign-tx.js";
import type { Instruction } from "../codec.js";
import { Core, type ExecutionResult } from "../core.js";
import { createEd25519, ed25519, type Signer } from "../crypto/ed25519.js";
import { concatBytes, fromHex, sha256 } from "../crypto/sha256.js";
import type { BulkSigner, SignJob } from "./signing-pool.js";

export interface LocalChainOptions {
  wasm: Uint8Array;
  chainId?: bigint;
  genesisTimeMs?: bigint;
  /** Milliseconds between sealed blocks. */
  blockIntervalMs?: bigint;
  adminSeeds?: Uint8Array[];
  faucetEnabled?: boolean;
  /** The beacon value of each height (default devBeacon); tests choose σ to force outcomes. */
  beacon?: (height: bigint) => Uint8Array;
}

// Dev keys sign synchronously; where the platform's default is WebCrypto (async only), use noble.
const devKeys = ed25519.backend === "webcrypto" ? createEd25519("noble") : ed25519;
/** Seeds of the dev signers made here, so enqueued transactions can be signed on other threads. */
const seeds = new WeakMap<Signer, Uint8Array>();

function devSigner(seed: Uint8Array): Signer {
  const signer = devKeys.signerFromSeedSync(seed);
  seeds.set(signer, seed);
  return signer;
}

/** A deterministic test key: seed = sha256("nullspace-test-key" ‖ u32 index). */
export function testSeed(index: number): Uint8Array {
  const tag = new TextEncoder().encode("nullspace-test-key");
  const i = new Uint8Array(4);
  new DataView(i.buffer).setUint32(0, index);
  return sha256(tag, i);
}

/** The dev chain's stand-in beacon value for a height (48 bytes, like a BLS MinSig signature). */
export function devBeacon(height: bigint): Uint8Array {
  const h = new Uint8Array(8);
  new DataView(h.buffer).setBigUint64(0, height);
  const a = sha256(new TextEncoder().encode("nullspace-dev-beacon"), h);
  return new Uint8Array([...a, ...sha256(a).subarray(0, 16)]);
}

/** An enqueued transaction: its signer (for signing here) and the job a bulk signer gets. */
/** What an unsigned transaction carries instead of a signature (see LocalChain.signEnqueued). */
const UNSIGNED = new Uint8Array(64);

interface Deferred {
  signer: Signer;
  job: SignJob;
}

export class LocalChain {
  readonly chainId: bigint;
  readonly admins: Signer[];
  genesis!: Uint8Array;
  height = 0n;
  timestampMs: bigint;
  parent!: Uint8Array;
  /** Queued transactions: signed, or (enqueue) to be built and signed at seal. */
  private pending: (Uint8Array | Deferred)[] = [];
  /** Signs enqueued transactions at seal (worker threads); on the calling thread when absent. */
  bulkSigner: BulkSigner | undefined;
  /**
   * False: enqueued transactions go out with 64 zero bytes where the signature goes. The state
   * machine never checks signatures (validators do, before they vote for a block), so a chain that
   * only executes, like the simulator's, gets the same events and roots for a fraction of the
   * time (signing was ~70% of a simulated round). Never for a chain whose blocks anyone verifies.
   */
  signEnqueued = true;
  private nonces = new Map<string, bigint>();
  private readonly interval: bigint;
  /** σ of each height; replaceable, so a test can pick the σ of the next block. */
  beacon: (height: bigint) => Uint8Array;

  private constructor(
    readonly core: Core,
    o: LocalChainOptions,
  ) {
    this.chainId = o.chainId ?? 1n;
    this.timestampMs = o.genesisTimeMs ?? 1_700_000_000_000n;
    this.interval = o.blockIntervalMs ?? 1000n;
    this.beacon = o.beacon ?? devBeacon;
    this.admins = (o.adminSeeds ?? [testSeed(1_000_000)]).map(devSigner);
  }

  static async create(o: LocalChainOptions): Promise<LocalChain> {
    const chain = new LocalChain(await Core.load(o.wasm), o);
    chain.genesis = chain.core.codec.encodeGenesis({
      chainId: chain.chainId,
      genesisTimeMs: chain.timestampMs,
      admins: chain.admins.map((a) => a.publicKey),
      faucetEnabled: o.faucetEnabled ?? true,
    });
    chain.parent = chain.core.init(chain.genesis).genesisDigest;
    return chain;
  }

  /** Signs `instruction` with the signer's next nonce (or `nonce`) and queues it for the next block. */
  submit(signer: Signer, instruction: Instruction, nonce?: bigint): Uint8Array {
    const key = signer.publicKey.join(",");
    const n = nonce ?? this.nonces.get(key) ?? 0n;
    if (nonce === undefined) this.nonces.set(key, n + 1n);
    const tx = signTxSync({ codec: this.core.codec, signer, chainId: this.chainId, nonce: n, instruction });
    this.pending.push(tx);
    return tx;
  }

  /**
   * Like submit, but the transaction is built and signed at seal, together with the block's other
   * enqueued ones (on the bulk signer's threads when one is set): for hosts that submit many. The
   * signer must be a dev signer of this module (LocalChain.signer, the admins).
   */
  enqueue(signer: Signer, instruction: Instruction): void {
    const seed = seeds.get(signer);
    if (!seed) throw new Error("enqueue: not a LocalChain dev signer (use submit)");
    const key = signer.publicKey.join(",");
    const nonce = this.nonces.get(key) ?? 0n;
    this.nonces.set(key, nonce + 1n);
    this.pending.push({ signer, job: { seed, nonce, instruction } });
  }

  /** Queues raw bytes as a transaction (malformed input tests). */
  submitRaw(tx: Uint8Array): void {
    this.pending.push(tx);
  }

  /** Builds the next block from the queue without executing it. */
  buildBlock(opts: { advanceMs?: bigint } = {}): Uint8Array {
    const block = this.core.codec.encodeBlock({
      chainId: this.chainId,
      height: this.height + 1n,
      view: this.height + 1n,
      parent: this.parent,
      timestampMs: this.timestampMs + (opts.advanceMs ?? this.interval),
      proposer: 0,
      txs: this.signPending(),
    });
    this.pending = [];
    return block;
  }

  /** The queue as transactions, enqueued ones signed in one batch. */
  private signPending(): Uint8Array[] {
    const deferred = this.pending.filter((t): t is Deferred => !(t instanceof Uint8Array));
    if (deferred.length === 0) return this.pending as Uint8Array[];
    const built = this.buildDeferred(deferred);
    let next = 0;
    return this.pending.map((t) => (t instanceof Uint8Array ? t : built[next++]!));
  }

  /** Enqueued transactions as wire bytes: unsigned, signed on the bulk signer's threads, or signed here. */
  private buildDeferred(deferred: readonly Deferred[]): Uint8Array[] {
    const { codec } = this.core;
    if (!this.signEnqueued)
      return deferred.map(({ signer, job }) => concatBytes(codec.txBody(signer.publicKey, job.nonce, job.instruction), UNSIGNED));
    if (this.bulkSigner) return this.bulkSigner.signAll(deferred.map((d) => d.job));
    return deferred.map(({ signer, job }) =>
      signTxSync({ codec, signer, chainId: this.chainId, nonce: job.nonce, instruction: job.instruction }),
    );
  }

  /** Seals and executes the queued transactions as the next block. */
  seal(opts: { advanceMs?: bigint } = {}): ExecutionResult & { block: Uint8Array; sigma: Uint8Array } {
    const block = this.buildBlock(opts);
    return { ...this.executeBlock(block), block };
  }

  /** Executes a block built for this chain and advances the chain's tip. */
  executeBlock(block: Uint8Array): ExecutionResult & { sigma: Uint8Array } {
    const height = this.height + 1n;
    const sigma = this.beacon(height);
    const r = this.core.execute(block, sigma);
    if (r.executed) this.syncTip();
    return { ...r, sigma };
  }

  /** Executes a block built for this chain, returning the raw result frame (benchmarks). */
  executeBlockRaw(block: Uint8Array): Uint8Array {
    const frame = this.core.executeRaw(block, this.beacon(this.height + 1n));
    this.syncTip();
    return frame;
  }

  /** Replaces the state with a snapshot of this chain and moves the tip back to it. */
  restore(snapshot: Uint8Array): void {
    this.core.restore(snapshot);
    this.syncTip();
  }

  /** Takes height, parent and time of the next block from the executed state. */
  private syncTip(): void {
    const meta = this.core.meta();
    this.height = meta.height;
    this.parent = fromHex(meta.lastDigest);
    this.timestampMs = meta.lastTimestampMs;
  }

  /** A deterministic signer for tests (the same index gives the same key everywhere). */
  static signer(index: number): Signer {
    return devSigner(testSeed(index));
  }
}
