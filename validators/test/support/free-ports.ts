// Spare loopback ports for a test's servers (a devnet's peer links and APIs), found by binding.
import { readFileSync } from "node:fs";
import { isPortFree } from "../../src/cli/ports.js";

/**
 * The lowest port the kernel hands out to outgoing connections. Ports from there on can be taken
 * by any client socket between our check and the validator's bind (the suites run in parallel and
 * open thousands): a devnet whose API port was taken so never answered. So test ports lie below.
 */
function ephemeralLow(): number {
  try {
    const low = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768; // Linux's default
  }
}

/** A base port with `count` free ports after it (a devnet: peer links at base, APIs at base + 10). */
export async function freeBase(count: number): Promise<number> {
  const low = 10_000;
  const slots = Math.floor((ephemeralLow() - low - count) / 10);
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = low + Math.floor(Math.random() * slots) * 10;
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if ((await Promise.all(ports.map((p) => isPortFree(p)))).every(Boolean)) return base;
  }
  throw new Error("no free ports on loopback");
}
