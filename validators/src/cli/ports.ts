// Whether loopback ports are free, found by binding them for a moment: a devnet checks its own
// before starting (a second `npm start` beside a running devnet would otherwise read the first
// one's health and report it as its own while its validators fail to listen).
import { createServer } from "node:net";

/** True when nothing listens on host:port (it can be bound now). */
export function isPortFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

/** The `host:port` of each address that cannot be bound now, in the order given. */
export async function addressesInUse(addresses: readonly { host: string; port: number }[]): Promise<string[]> {
  const free = await Promise.all(addresses.map((a) => isPortFree(a.port, a.host)));
  return addresses.filter((_, i) => !free[i]).map((a) => `${a.host}:${a.port}`);
}
