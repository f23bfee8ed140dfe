// Network: the only way consensus code talks to other validators.
//
// Peers are numbered 0..size-1 (the validator set's order) and links are authenticated: the `from`
// a handler receives is the true sender, never a claim inside the bytes. Delivery is best effort:
// a message may be lost, delayed or reordered, and nothing is retried; consensus already
// re-broadcasts what matters. The real process implements this over TCP (not in this folder); the
// simulator uses SimNetwork below.
//
// SimNetwork: one object for the whole simulated cluster; endpoint(i) is node i's Network. Every
// send decides, from a per-link sub-stream of the seeded Rng, whether the message is lost and how
// long it takes (latency + uniform jitter, whole ms), then schedules its delivery on the Scheduler.
// Per-link streams mean traffic on one link never shifts the randomness of another, so a workload
// change stays local in a replay. The draws happen for every send, even ones a partition or a crash
// will drop, so changing the fault schedule does not reshuffle unrelated losses.
//
// Faults:
// - Partitions are windows of virtual time [start, end) with groups of nodes; nodes in different
//   groups (unlisted nodes form one extra group together) cannot talk. A message is dropped if its
//   link is cut when it is sent or when it would arrive: a partition breaks the route, so packets
//   in flight on it are lost, and nothing sent during the cut is buffered for after the heal.
// - crash(i) kills node i: its endpoint goes dead (sends are dropped, its handlers never run again),
//   messages to it are dropped, including ones already in flight, even if it recovers before they
//   arrive (they were addressed to the old process's connections). recover(i) returns a fresh
//   endpoint for the restarted process.

import type { Rng } from "./rng.js";
import type { Scheduler } from "./scheduler.js";

export type NetworkErrorCode =
  | "NETWORK_INVALID_PEER" // a peer index outside 0..size-1, or sending to oneself
  | "NETWORK_MESSAGE_TOO_LARGE" // more bytes than maxMessageBytes
  | "NETWORK_INVALID_CONFIG"; // a bad latency, jitter, loss, size or partition

export class NetworkError extends Error {
  override readonly name = "NetworkError";
  constructor(
    readonly code: NetworkErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/** Receives a message: `from` is the authenticated sender. The bytes are the handler's own copy. */
export type MessageHandler = (from: number, bytes: Uint8Array) => void;

export interface Network {
  /** This node's index. */
  readonly self: number;
  /** Number of peers, this node included. */
  readonly size: number;
  /** Best-effort delivery to one other peer. The caller may reuse `bytes` afterwards. */
  send(to: number, bytes: Uint8Array): void;
  /** send() to every peer except oneself. */
  broadcast(bytes: Uint8Array): void;
  /** Adds a handler (handlers run in the order added); returns a function that removes it. */
  onMessage(handler: MessageHandler): () => void;
}

export interface LinkConfig {
  /** Minimum one-way delay in ms (integer >= 0). */
  latencyMs: number;
  /** Extra delay uniform in [0, jitterMs] whole ms (integer >= 0). */
  jitterMs: number;
  /** Probability in [0, 1] that a message is lost. */
  loss: number;
}

/** A time window [start, end) in which the groups cannot reach one another. */
export interface PartitionWindow {
  start: number;
  /** Exclusive; Infinity for a partition that never heals. */
  end: number;
  /** Disjoint groups of node indices; nodes in no group form one more group. */
  groups: number[][];
}

export interface SimNetworkOptions {
  scheduler: Scheduler;
  /** The network forks it per link ("link/<from>-><to>"); pass a dedicated fork, e.g. rng.fork("network"). */
  rng: Rng;
  /** Number of nodes. */
  size: number;
  /** Default for every link (default latency 10 ms, no jitter, no loss). */
  link?: Partial<LinkConfig>;
  /** Largest message in bytes; larger sends throw (default 4 MiB). */
  maxMessageBytes?: number;
  /** Deliver each link's messages in send order, as TCP would (default false: jitter reorders). */
  fifo?: boolean;
  partitions?: PartitionWindow[];
}

export type DropReason = "loss" | "partition" | "crashed" | "deadSender" | "noHandler";

export interface SimNetworkStats {
  sent: number;
  delivered: number;
  dropped: Record<DropReason, number>;
}

const DEFAULT_LINK: LinkConfig = { latencyMs: 10, jitterMs: 0, loss: 0 };

function checkLink(link: LinkConfig): LinkConfig {
  const { latencyMs, jitterMs, loss } = link;
  if (!Number.isSafeInteger(latencyMs) || latencyMs < 0) throw new NetworkError("NETWORK_INVALID_CONFIG", `latencyMs ${latencyMs}`);
  if (!Number.isSafeInteger(jitterMs) || jitterMs < 0) throw new NetworkError("NETWORK_INVALID_CONFIG", `jitterMs ${jitterMs}`);
  if (!(loss >= 0 && loss <= 1)) throw new NetworkError("NETWORK_INVALID_CONFIG", `loss ${loss}`);
  return { latencyMs, jitterMs, loss };
}

interface NodeState {
  incarnation: number;
  isCrashed: boolean;
  handlers: MessageHandler[];
}

export class SimNetwork {
  readonly size: number;
  readonly maxMessageBytes: number;
  readonly stats: SimNetworkStats = {
    sent: 0,
    delivered: 0,
    dropped: { loss: 0, partition: 0, crashed: 0, deadSender: 0, noHandler: 0 },
  };
  private readonly scheduler: Scheduler;
  private readonly rng: Rng;
  private readonly fifo: boolean;
  private defaultLink: LinkConfig;
  private readonly linkOverrides = new Map<number, LinkConfig>();
  private readonly linkRngs = new Map<number, Rng>();
  private readonly lastArrival = new Map<number, number>();
  private readonly windows: { start: number; end: number; groupOf: Map<number, number> }[] = [];
  private readonly nodes: NodeState[] = [];

  constructor(options: SimNetworkOptions) {
    if (!Number.isSafeInteger(options.size) || options.size < 1) throw new NetworkError("NETWORK_INVALID_CONFIG", `size ${options.size}`);
    const max = options.maxMessageBytes ?? 4 * 1024 * 1024;
    if (!Number.isSafeInteger(max) || max < 0) throw new NetworkError("NETWORK_INVALID_CONFIG", `maxMessageBytes ${max}`);
    this.size = options.size;
    this.maxMessageBytes = max;
    this.scheduler = options.scheduler;
    this.rng = options.rng;
    this.fifo = options.fifo ?? false;
    this.defaultLink = checkLink({ ...DEFAULT_LINK, ...options.link });
    for (let i = 0; i < this.size; i++) this.nodes.push({ incarnation: 0, isCrashed: false, handlers: [] });
    for (const w of options.partitions ?? []) this.addPartition(w);
  }

  /** Node i's Network for its current incarnation (stays valid until crash(i)). */
  endpoint(i: number): Network {
    this.checkPeer(i);
    return new SimEndpoint(this, i, this.nodes[i]!.incarnation);
  }

  /** Sets the default for every link without an override. Applies to later sends. */
  setDefaultLink(link: Partial<LinkConfig>): void {
    this.defaultLink = checkLink({ ...this.defaultLink, ...link });
  }

  /** Overrides one directed link (from -> to), on top of the default. Applies to later sends. */
  setLink(from: number, to: number, link: Partial<LinkConfig>): void {
    this.checkPeer(from);
    this.checkPeer(to);
    this.linkOverrides.set(this.linkKey(from, to), checkLink({ ...this.linkConfig(from, to), ...link }));
  }

  linkConfig(from: number, to: number): LinkConfig {
    return this.linkOverrides.get(this.linkKey(from, to)) ?? this.defaultLink;
  }

  /** Adds a partition window (may start in the past; it only affects sends and arrivals from now on). */
  addPartition(window: PartitionWindow): void {
    const { start, end, groups } = window;
    if (!(start >= 0) || !(end > start) || Number.isNaN(end))
      throw new NetworkError("NETWORK_INVALID_CONFIG", `partition [${start}, ${end})`);
    const groupOf = new Map<number, number>();
    groups.forEach((group, g) => {
      for (const node of group) {
        this.checkPeer(node);
        if (groupOf.has(node)) throw new NetworkError("NETWORK_INVALID_CONFIG", `node ${node} is in two partition groups`);
        groupOf.set(node, g);
      }
    });
    this.windows.push({ start, end, groupOf });
  }

  /** Whether the link between a and b (either direction) is cut by a partition at `time`. */
  isCut(a: number, b: number, time: number): boolean {
    for (const w of this.windows) {
      if (time < w.start || time >= w.end) continue;
      // Unlisted nodes share group -1.
      if ((w.groupOf.get(a) ?? -1) !== (w.groupOf.get(b) ?? -1)) return true;
    }
    return false;
  }

  /** Kills node i: its endpoint dies and nothing reaches it (not even messages in flight). */
  crash(i: number): void {
    this.checkPeer(i);
    const node = this.nodes[i]!;
    node.isCrashed = true;
    node.incarnation++;
    node.handlers = [];
    this.scheduler.record(`net crash ${i}`);
  }

  /** Restarts node i; returns the new process's endpoint. Messages sent from now on can reach it. */
  recover(i: number): Network {
    this.checkPeer(i);
    const node = this.nodes[i]!;
    if (node.isCrashed) {
      node.isCrashed = false;
      node.incarnation++;
      node.handlers = [];
      this.scheduler.record(`net recover ${i}`);
    }
    return this.endpoint(i);
  }

  isCrashed(i: number): boolean {
    this.checkPeer(i);
    return this.nodes[i]!.isCrashed;
  }

  /** @internal used by SimEndpoint */
  addHandler(i: number, incarnation: number, handler: MessageHandler): () => void {
    const node = this.nodes[i]!;
    if (node.incarnation !== incarnation) return () => {};
    const list = node.handlers;
    list.push(handler);
    return () => {
      const at = list.indexOf(handler);
      if (at >= 0) list.splice(at, 1);
    };
  }

  /** @internal used by SimEndpoint */
  send(from: number, fromIncarnation: number, to: number, bytes: Uint8Array): void {
    this.checkPeer(to);
    if (to === from) throw new NetworkError("NETWORK_INVALID_PEER", `node ${from} sending to itself`);
    if (!(bytes instanceof Uint8Array)) throw new NetworkError("NETWORK_INVALID_CONFIG", "message is not a Uint8Array");
    if (bytes.length > this.maxMessageBytes) {
      throw new NetworkError("NETWORK_MESSAGE_TOO_LARGE", `${bytes.length} bytes > ${this.maxMessageBytes}`);
    }
    this.stats.sent++;
    const now = this.scheduler.now;
    const link = this.linkConfig(from, to);
    const rng = this.linkRng(from, to);
    // Always two decisions, in this order, whatever happens next (see the header).
    const isLost = rng.chance(link.loss);
    let arrival = now + link.latencyMs + (link.jitterMs > 0 ? rng.below(link.jitterMs + 1) : 0);
    const label = `net ${from}->${to}`;
    const sender = this.nodes[from]!;
    if (sender.isCrashed || sender.incarnation !== fromIncarnation) {
      this.drop("deadSender", label);
      return;
    }
    if (isLost) {
      this.drop("loss", label);
      return;
    }
    if (this.isCut(from, to, now)) {
      this.drop("partition", label);
      return;
    }
    const target = this.nodes[to]!;
    if (target.isCrashed) {
      this.drop("crashed", label);
      return;
    }
    if (this.fifo) {
      const key = this.linkKey(from, to);
      arrival = Math.max(arrival, this.lastArrival.get(key) ?? 0);
      this.lastArrival.set(key, arrival);
    }
    const toIncarnation = target.incarnation;
    const copy = bytes.slice();
    this.scheduler.schedule(arrival, () => this.deliver(from, to, toIncarnation, copy, label), { label, data: copy });
  }

  private deliver(from: number, to: number, toIncarnation: number, bytes: Uint8Array, label: string): void {
    const target = this.nodes[to]!;
    if (target.isCrashed || target.incarnation !== toIncarnation) {
      this.drop("crashed", label);
      return;
    }
    if (this.isCut(from, to, this.scheduler.now)) {
      this.drop("partition", label);
      return;
    }
    if (target.handlers.length === 0) {
      this.drop("noHandler", label);
      return;
    }
    this.stats.delivered++;
    // Snapshot: a handler that unsubscribes (or adds one) does not change who sees this message.
    const handlers = [...target.handlers];
    handlers.forEach((handler, k) => {
      // Every handler but the last gets its own copy, so one cannot corrupt another's bytes.
      handler(from, k === handlers.length - 1 ? bytes : bytes.slice());
    });
  }

  private drop(reason: DropReason, label: string): void {
    this.stats.dropped[reason]++;
    this.scheduler.record(`${label} drop ${reason}`);
  }

  private linkKey(from: number, to: number): number {
    return from * this.size + to;
  }

  private linkRng(from: number, to: number): Rng {
    const key = this.linkKey(from, to);
    let rng = this.linkRngs.get(key);
    if (rng === undefined) {
      rng = this.rng.fork(`link/${from}->${to}`);
      this.linkRngs.set(key, rng);
    }
    return rng;
  }

  private checkPeer(i: number): void {
    if (!Number.isSafeInteger(i) || i < 0 || i >= this.size)
      throw new NetworkError("NETWORK_INVALID_PEER", `peer ${i} not in 0..${this.size - 1}`);
  }
}

class SimEndpoint implements Network {
  readonly size: number;

  constructor(
    private readonly network: SimNetwork,
    readonly self: number,
    private readonly incarnation: number,
  ) {
    this.size = network.size;
  }

  send(to: number, bytes: Uint8Array): void {
    this.network.send(this.self, this.incarnation, to, bytes);
  }

  broadcast(bytes: Uint8Array): void {
    for (let to = 0; to < this.size; to++) if (to !== this.self) this.network.send(this.self, this.incarnation, to, bytes);
  }

  onMessage(handler: MessageHandler): () => void {
    return this.network.addHandler(this.self, this.incarnation, handler);
  }
}
