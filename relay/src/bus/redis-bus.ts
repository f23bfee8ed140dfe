// The fan-out bus between relays on Redis pub/sub (docs/decisions/006-relay-bus.md). Two
// connections, because a subscribed Redis connection can do nothing but receive: one subscribes
// to the chain's heights channel, one publishes. Both reconnect forever with capped backoff, also
// when they stop answering without closing (redis-liveness.ts).
//
// Delivery is at most once and only while connected; the relay never relies on it for
// completeness. After every (re)subscription is confirmed the relay reads the shared store for
// what it missed (`onSubscribed`), and a message means "everything up to h is stored", so any
// later message also repairs a lost one. Publishing is coalesced: at most one PUBLISH in flight,
// newer heights replace a waiting one, nothing queues while the bus is down.
import { Redis } from "ioredis";
import { BusMessageMalformed, decodeHeightStored, encodeHeightStored, type HeightStored, heightsChannel } from "./message.js";
import { dropWhenSilent } from "./redis-liveness.js";
import { MAX_ROOM_BUS_MESSAGE_BYTES, roomsChannel } from "./room-message.js";

export interface BusEvents {
  /** A peer relay stored heights up to `m.height` (own messages are not passed on). */
  onHeight(m: HeightStored): void;
  /** The subscription is (again) confirmed: whatever was published while away is lost, read the store. */
  onSubscribed(): void;
  /** The subscriber connection dropped: nothing arrives until onSubscribed. */
  onDisconnected(): void;
}

export interface BusCounters {
  connected(isConnected: boolean): void;
  received(result: "ok" | "own" | "malformed"): void;
  published(result: "ok" | "failed"): void;
  reconnected(): void;
}

export interface RedisBusOptions {
  url: string;
  /** The chain's key on the bus (chainKey in message.ts). */
  chainKey: string;
  relayId: string;
  counters: BusCounters;
  log(level: "info" | "warn", event: string, fields?: Record<string, unknown>): void;
  maxBackoffMs?: number;
}

/**
 * Yjs room traffic between relays (rooms/rooms.ts): at most once, only while connected. A room
 * asks the others for what it lacks when it opens and after every (re)subscription, so a lost
 * message costs a delay, not a divergence.
 */
export interface RoomBus {
  readonly relayId: string;
  /** Sends an encoded RoomBusMessage to the other relays. Never throws, never queues. */
  publishRoom(message: Uint8Array): void;
  /** `onMessage` gets every room message of another relay; `onSubscribed` runs after each (re)subscription. */
  listenRooms(onMessage: (message: Uint8Array) => void, onSubscribed: () => void): void;
}

/** The bus a RelayCore talks to (Redis here; an in-memory one would do for a single process). */
export interface HeightBus {
  readonly isConnected: boolean;
  start(events: BusEvents): void;
  /** Tells peers heights up to `height` are in the shared store. Never throws, never queues. */
  announce(height: bigint): void;
  stop(): Promise<void>;
}

export class RedisBus implements HeightBus, RoomBus {
  private sub: Redis | undefined;
  private pub: Redis | undefined;
  private readonly channel: string;
  private readonly rooms: string;
  private roomListener: { onMessage: (m: Uint8Array) => void; onSubscribed: () => void } | undefined;
  private events: BusEvents | undefined;
  private inFlight = false;
  private waiting: bigint | undefined;
  private everSubscribed = false;
  private stopPings: (() => void)[] = [];
  isConnected = false;

  constructor(private readonly o: RedisBusOptions) {
    this.channel = heightsChannel(o.chainKey);
    this.rooms = roomsChannel(o.chainKey);
  }

  get relayId(): string {
    return this.o.relayId;
  }

  listenRooms(onMessage: (message: Uint8Array) => void, onSubscribed: () => void): void {
    this.roomListener = { onMessage, onSubscribed };
  }

  publishRoom(message: Uint8Array): void {
    if (!this.pub || message.length > MAX_ROOM_BUS_MESSAGE_BYTES) return;
    this.pub.publish(this.rooms, Buffer.from(message.buffer, message.byteOffset, message.byteLength)).catch(() => {
      // at most once: the rooms resynchronise when the bus is back
    });
  }

  start(events: BusEvents): void {
    this.events = events;
    const retryStrategy = (times: number) => Math.min(100 * 2 ** Math.min(times, 6), this.o.maxBackoffMs ?? 2000);
    // The subscriber resubscribes itself on every "ready" (autoResubscribe off) so that it knows
    // when the subscription is confirmed, which is when the store catch-up must start.
    this.sub = new Redis(this.o.url, {
      retryStrategy,
      autoResubscribe: false,
      maxRetriesPerRequest: null,
      connectionName: `relay-${this.o.relayId}-sub`,
    });
    // No offline queue: a PUBLISH while the bus is down fails at once instead of piling up; and one
    // a silent server never answers fails after commandTimeout, so the next height can be announced.
    this.pub = new Redis(this.o.url, {
      retryStrategy,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 2000,
      connectionName: `relay-${this.o.relayId}-pub`,
    });
    this.sub.on("ready", () => this.subscribe());
    this.sub.on("close", () => this.disconnected());
    this.sub.on("messageBuffer", (channel: Buffer, message: Buffer) => {
      if (channel.toString() === this.rooms)
        this.roomListener?.onMessage(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
      else this.receive(message.toString());
    });
    for (const [role, c] of [
      ["sub", this.sub],
      ["pub", this.pub],
    ] as const) {
      c.on("error", (e: Error) => this.o.log("warn", "bus_error", { role, message: e.message }));
      this.stopPings.push(dropWhenSilent(c, undefined, () => this.o.log("warn", "bus_silent", { role })));
    }
  }

  private subscribe(): void {
    const sub = this.sub;
    if (!sub) return;
    sub.subscribe(this.channel, this.rooms).then(
      () => {
        if (this.everSubscribed) this.o.counters.reconnected();
        this.everSubscribed = true;
        this.isConnected = true;
        this.o.counters.connected(true);
        this.o.log("info", "bus_subscribed", { channel: this.channel });
        this.events?.onSubscribed();
        this.roomListener?.onSubscribed();
      },
      (e: Error) => this.o.log("warn", "bus_subscribe_failed", { message: e.message }),
    );
  }

  private disconnected(): void {
    if (!this.isConnected) return;
    this.isConnected = false;
    this.o.counters.connected(false);
    this.o.log("warn", "bus_disconnected", { channel: this.channel });
    this.events?.onDisconnected();
  }

  private receive(text: string): void {
    let m: HeightStored;
    try {
      m = decodeHeightStored(text);
    } catch (e) {
      if (!(e instanceof BusMessageMalformed)) throw e;
      this.o.counters.received("malformed");
      return;
    }
    if (m.relayId === this.o.relayId) {
      this.o.counters.received("own");
      return;
    }
    this.o.counters.received("ok");
    this.events?.onHeight(m);
  }

  announce(height: bigint): void {
    if (this.waiting === undefined || height > this.waiting) this.waiting = height;
    if (!this.inFlight) this.flush();
  }

  private flush(): void {
    const pub = this.pub;
    const height = this.waiting;
    if (!pub || height === undefined) return;
    this.waiting = undefined;
    this.inFlight = true;
    const line = encodeHeightStored({ height, sentAtMs: Date.now(), relayId: this.o.relayId });
    pub
      .publish(this.channel, line)
      .then(
        () => this.o.counters.published("ok"),
        // Peers that missed it catch up from the store when they next hear of a height or reconnect.
        () => this.o.counters.published("failed"),
      )
      .finally(() => {
        this.inFlight = false;
        if (this.waiting !== undefined) this.flush();
      });
  }

  async stop(): Promise<void> {
    this.events = undefined;
    for (const stop of this.stopPings.splice(0)) stop();
    const conns = [this.sub, this.pub].filter((c): c is Redis => c !== undefined);
    this.sub = this.pub = undefined;
    for (const c of conns) c.disconnect(false);
    this.isConnected = false;
  }
}
