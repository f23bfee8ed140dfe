// The WebSocket heartbeat of /updates and /rooms: every socket is pinged about once per interval
// and dropped if its previous ping went unanswered, so a subscriber whose network vanished
// without a close does not hold a slot (and a place in every send pass) for ever.
//
// The pings are spread over the interval, a few sockets every tick, in a round over the server's
// clients: one loop pinging 15,000 sockets at once held the event loop for ~0.3–0.6 s (a write
// each) and then read 15,000 pongs, which stalled the update fan-out once every interval
// (docs/decisions/020-spread-heartbeat.md).
import type { WebSocket, WebSocketServer } from "ws";

export interface Heartbeat {
  /** Starts watching `ws` (it counts as having answered until its first ping). */
  track(ws: WebSocket): void;
  stop(): void;
}

/** Ticks per interval: each tick pings ~1/TICKS_PER_INTERVAL of the sockets. */
export const TICKS_PER_INTERVAL = 30;

/** How a socket is pinged: `ws.ping()`, or (for /updates) with the update hub's next write to it. */
export type Pinger = (ws: WebSocket) => void;

const pingNow: Pinger = (ws) => ws.ping();

/** The heartbeat on a timer: a tick every interval / TICKS_PER_INTERVAL. */
export function startHeartbeat(wss: WebSocketServer, intervalMs: number, ping: Pinger = pingNow): Heartbeat {
  const heartbeat = createHeartbeat(wss, intervalMs, ping);
  const timer = setInterval(() => heartbeat.tick(performance.now()), intervalMs / TICKS_PER_INTERVAL);
  timer.unref();
  return { track: heartbeat.track, stop: () => clearInterval(timer) };
}

/**
 * The heartbeat's rounds, driven by `tick(nowMs)` (a timer in `startHeartbeat`, a test's clock in
 * tests): each tick pings the next ~1/TICKS_PER_INTERVAL of `wss.clients`, at most one round per
 * interval, and terminates a socket whose last ping is unanswered when it is reached again (at
 * least half an interval later).
 */
export function createHeartbeat(
  wss: WebSocketServer,
  intervalMs: number,
  ping: Pinger = pingNow,
): Pick<Heartbeat, "track"> & { tick(nowMs: number): void } {
  /** When each socket was last pinged and has not answered since (absent: answered). */
  const pingedAt = new WeakMap<WebSocket, number>();
  let round: Iterator<WebSocket> | undefined;
  let roundStartMs = Number.NEGATIVE_INFINITY;
  return {
    track(ws) {
      ws.on("pong", () => pingedAt.delete(ws));
    },
    tick(now) {
      if (!round) {
        // One round per interval at most, however few the sockets (a socket's visits stay ~an interval apart).
        if (now - roundStartMs < intervalMs) return;
        round = wss.clients.values();
        roundStartMs = now;
      }
      // A Set's iterator sees sockets added during the round and skips those deleted.
      for (let quota = Math.ceil(wss.clients.size / TICKS_PER_INTERVAL); quota > 0; quota--) {
        const next = round.next();
        if (next.done) {
          round = undefined;
          return;
        }
        const ws = next.value;
        const since = pingedAt.get(ws);
        if (since !== undefined && now - since >= intervalMs / 2) {
          ws.terminate();
          continue;
        }
        if (since !== undefined) continue; // pinged late in the last round: judged in the next
        pingedAt.set(ws, now);
        ping(ws);
      }
    },
  };
}
