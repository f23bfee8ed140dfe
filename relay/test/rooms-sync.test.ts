// Rooms of two relays kept in step over a bus that goes down and comes back, the bus here a small
// in-process one with the Redis bus's delivery (to the relays subscribed at that moment, at most
// once, in order), so that the order of the two resubscriptions is the test's to choose. The real
// Redis bus is bus.test.ts's.
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import type { RoomBus } from "../src/bus/redis-bus.js";
import type { Room } from "../src/rooms/room.js";
import { parseRoomName } from "../src/rooms/room-name.js";
import { Rooms } from "../src/rooms/rooms.js";
import type { AccountDocs } from "../src/store/account-docs.js";

/** A pub/sub channel between relays: each member hears what the others publish while it is subscribed. */
class LocalBus {
  private readonly members: { id: string; subscribed: boolean; onMessage?: (m: Uint8Array) => void; onSubscribed?: () => void }[] = [];
  private queue: Promise<void> = Promise.resolve();

  member(id: string): RoomBus & { down(): void; up(): void; deaf(): void; hear(): void } {
    const me: (typeof this.members)[number] = { id, subscribed: true };
    this.members.push(me);
    return {
      relayId: id,
      publishRoom: (message) => {
        const to = this.members.filter((m) => m !== me && m.subscribed);
        if (!me.subscribed) return; // its connection is down too
        this.queue = this.queue.then(() => {
          for (const m of to) if (m.subscribed) m.onMessage?.(message);
        });
      },
      listenRooms: (onMessage, onSubscribed) => {
        me.onMessage = onMessage;
        me.onSubscribed = onSubscribed;
      },
      down: () => {
        me.subscribed = false;
      },
      up: () => {
        me.subscribed = true;
        me.onSubscribed?.();
      },
      // Its subscriber alone misses messages, and nothing tells it so (no resubscription follows).
      deaf: () => {
        me.subscribed = false;
      },
      hear: () => {
        me.subscribed = true;
      },
    };
  }

  /** Resolves once every message published so far has been delivered (and what they caused, to a fixed point). */
  async settle(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      const q = this.queue;
      await q;
      await new Promise((r) => setImmediate(r));
      if (q === this.queue) return;
    }
  }
}

const tableRooms = (bus: RoomBus) =>
  new Rooms({
    docs: {} as AccountDocs, // table rooms never touch the store
    log: () => {},
    maxRooms: 10,
    idleMs: 60_000,
    maxChatEntries: 100,
    maxClientIdsPerPeer: 4,
    maxPendingBytes: 1 << 20,
    bus,
  });

const chat = (room: Room) => room.doc.getArray<string>("chat").toArray().sort();
/** A chat line written by a player on this relay (a room socket's update, shared with the other relays). */
const say = (room: Room, line: string) => {
  const player = new Y.Doc();
  Y.applyUpdate(player, Y.encodeStateAsUpdate(room.doc));
  player.getArray<string>("chat").push([line]);
  room.applyUpdate(Y.encodeStateAsUpdate(player, Y.encodeStateVector(room.doc)), { send: () => {} });
};

describe("rooms on two relays over a bus that went down", () => {
  for (const first of ["x", "y"] as const)
    it(`converge whichever resubscribes first (${first}), with the lines each side wrote while it was down and after`, async () => {
      const bus = new LocalBus();
      const [busX, busY] = [bus.member("00000000000000a1"), bus.member("00000000000000b2")];
      const [x, y] = [tableRooms(busX), tableRooms(busY)];
      const name = parseRoomName("table:7:sync");
      const [roomX, roomY] = [x.acquire(name), y.acquire(name)] as [Room, Room];
      say(roomX, "x0");
      say(roomY, "y0");
      await bus.settle();
      expect([chat(roomX), chat(roomY)]).toEqual([
        ["x0", "y0"],
        ["x0", "y0"],
      ]);

      busX.down();
      busY.down();
      for (const i of [1, 2]) {
        say(roomX, `x${i}`);
        say(roomY, `y${i}`);
      }
      // One comes back and asks while the other is still away: its request is lost.
      const [early, late] = first === "x" ? [busX, busY] : [busY, busX];
      early.up();
      await bus.settle();
      late.up();
      await bus.settle();
      const all = ["x0", "x1", "x2", "y0", "y1", "y2"];
      expect([chat(roomX), chat(roomY)]).toEqual([all, all]);

      // And what each side writes next, on top of that history, reaches the other.
      say(roomX, "x3");
      say(roomY, "y3");
      await bus.settle();
      expect([chat(roomX), chat(roomY)]).toEqual([[...all, "x3", "y3"].sort(), [...all, "x3", "y3"].sort()]);
      await Promise.all([x.close(), y.close()]);
    });

  it("a relay that missed an update (lost on the bus) asks for the history the next one needs", async () => {
    const bus = new LocalBus();
    const [busX, busY] = [bus.member("00000000000000a1"), bus.member("00000000000000b2")];
    const [x, y] = [tableRooms(busX), tableRooms(busY)];
    const name = parseRoomName("table:7:lost");
    const [roomX, roomY] = [x.acquire(name), y.acquire(name)] as [Room, Room];
    await bus.settle();
    busY.deaf();
    say(roomX, "x1"); // lost to y
    await bus.settle();
    busY.hear();
    say(roomX, "x2"); // needs x1, which y never got
    await bus.settle();
    expect([chat(roomX), chat(roomY)]).toEqual([
      ["x1", "x2"],
      ["x1", "x2"],
    ]);
    expect(roomY.isWaitingForHistory).toBe(false);
    await Promise.all([x.close(), y.close()]);
  });
});
