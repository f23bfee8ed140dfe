// The per-address connection cap (docs/relay-api.md, "Limits"): open connections of one remote
// address, every kind together (HTTP keep-alive, /updates, /rooms), counted from accept to close.
// Past it a new connection is closed at accept, as Node closes one past the global cap
// (maxConnections): reading its request first would let one address hold any number of sockets
// that never send one. The WebSocket cap per address (UpgradeRouter) is lower and answers a typed
// refusal; this one bounds what the WebSocket cap cannot see (plain HTTP sockets).
import type { Server } from "node:net";

export function capConnectionsPerAddress(server: Server, max: number, onDrop: () => void): void {
  const open = new Map<string, number>();
  server.on("connection", (socket) => {
    const address = socket.remoteAddress ?? "?";
    const n = open.get(address) ?? 0;
    if (n >= max) {
      onDrop();
      socket.destroy();
      return;
    }
    open.set(address, n + 1);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}
