// Spare loopback ports for a test's servers (a devnet's peer links and APIs), found by binding.
import { isPortFree } from "../../src/cli/ports.js";

/** A base port with `count` free ports after it (a devnet: peer links at base, APIs at base + 10). */
export async function freeBase(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 30_000 + Math.floor(Math.random() * 2500) * 10;
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if ((await Promise.all(ports.map((p) => isPortFree(p)))).every(Boolean)) return base;
  }
  throw new Error("no free ports on loopback");
}
