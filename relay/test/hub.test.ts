// The update hub's send-queue bound, with stand-in sockets (a `ws` WebSocket's surface: state,
// bufferedAmount, send, close): a subscriber whose queue is past the limit is closed with 4008 and
// forgotten; the others get the frame, one shared encoding per filter.
import { readFileSync } from "node:fs";
import { Core, decodeUpdateFrame } from "@nullspace/core";
import { describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import type { AppliedHeight } from "../src/chain/chain.js";
import { UpdateHub } from "../src/updates/hub.js";
import { WASM_PATH } from "./support/devnet.js";

class StandInSocket {
  readonly OPEN = 1;
  readyState = 1;
  sent: Uint8Array[] = [];
  closed: { code: number; reason: string } | undefined;
  constructor(public bufferedAmount: number) {}
  send(frame: Uint8Array): void {
    this.sent.push(frame);
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
    this.readyState = 3;
  }
  once(): void {}
}

describe("update hub", () => {
  it("drops a slow consumer with 4008 and sends everyone else one shared frame per filter", async () => {
    const core = await Core.load(readFileSync(WASM_PATH));
    let evicted = 0;
    const counted: number[] = [];
    const hub = new UpdateHub({
      codec: core.codec,
      prove: () => new Uint8Array(0),
      maxQueuedBytes: 1000,
      onFrames: (n) => counted.push(n),
      onEvicted: () => evicted++,
    });
    const fast = new StandInSocket(0);
    const other = new StandInSocket(1000);
    const slow = new StandInSocket(1001);
    hub.add(fast as unknown as WebSocket, { kind: "all" });
    hub.add(other as unknown as WebSocket, { kind: "account", account: "ab".repeat(32) });
    hub.add(slow as unknown as WebSocket, { kind: "all" });
    const height = { height: 9n, progressCertificate: Uint8Array.of(1, 2, 3), events: [] } as unknown as AppliedHeight;
    hub.publish(height);
    expect(slow.closed?.code).toBe(4008);
    expect(slow.closed?.reason.startsWith("RELAY_SLOW_CONSUMER")).toBe(true);
    expect(slow.sent).toHaveLength(0);
    expect(evicted).toBe(1);
    expect(hub.subscribers.size).toBe(2);
    expect(fast.sent[0]).toBe(other.sent[0]); // no events matched either filter: one frame for both
    expect(decodeUpdateFrame(fast.sent[0] as Uint8Array)).toMatchObject({ height: 9n, events: [] });
    hub.publish({ ...height, height: 10n });
    expect(slow.sent).toHaveLength(0);
    expect(fast.sent).toHaveLength(2);
    expect(counted).toEqual([2, 2]); // frames sent per publish, the evicted consumer not counted
  });
});
