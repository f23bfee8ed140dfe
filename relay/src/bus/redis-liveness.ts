// A Redis connection that stops answering without closing (a frozen server, or one gone behind a
// network fault or failover that sends no reset) stays "ready" in ioredis, which only notices a
// closed socket: a subscriber would wait for messages for ever, and commands written to it pile up
// in its socket. So each of the relay's Redis connections is pinged while ready, and one that has
// not answered its ping by the next is dropped and reconnected: to the bus that is the bus going
// down (bus_disconnected, store polling) and coming back (resubscribe, store catch-up), as when
// Redis itself dies. PING is allowed on a subscribed connection.
import type { Redis } from "ioredis";

/**
 * Pings `redis` every `intervalMs` while it is ready; a ping still unanswered at the next tick
 * drops the connection (ioredis reconnects it) and calls `onSilent`. Returns the stop.
 */
export function dropWhenSilent(redis: Redis, intervalMs = 1000, onSilent: () => void = () => {}): () => void {
  let outstanding: object | undefined;
  const timer = setInterval(() => {
    if (redis.status !== "ready") {
      outstanding = undefined;
      return;
    }
    if (outstanding) {
      outstanding = undefined;
      onSilent();
      // Destroyed, not ended: `disconnect(true)` ends the socket and waits 2 s (ioredis's
      // disconnectTimeout) for a close that a silent server never sends. Either way ioredis sees
      // the connection lost and reconnects it.
      redis.stream.destroy();
      return;
    }
    const ping = {};
    outstanding = ping;
    const answered = () => {
      if (outstanding === ping) outstanding = undefined;
    };
    // Only a PONG answers: a ping failed by a command timeout proves nothing, and one failed by a
    // closed connection is forgotten at the next tick (the connection is not ready then).
    redis.ping().then(answered, () => {});
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
