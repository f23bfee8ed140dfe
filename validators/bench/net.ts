// Peer-link benchmark: two TcpNetworks in this process over loopback.
//
//   npx tsx bench/net.ts [--runs 3] [--messages 50000] [--pings 2000]
//
// 1. Throughput: node 0 sends --messages messages of 200 bytes (a vote's size), and --messages / 25
//    of 64 KiB (a block's share), to node 1, keeping at most 2,048 messages or 8 MiB in flight so
//    the queue never drops; messages/s and MiB/s until the last arrives.
// 2. Latency: --pings round trips of a 200-byte message (node 1 echoes), one at a time; p50 and p99
//    in ms. One-way latency is about half.
// Both ends share one thread, so the figures are the CPU cost of sealing, opening, framing and the
// syscalls for both sides together: a lower bound on what one validator can do per core. Each figure
// is the median over --runs runs, each on fresh networks. The last line printed is one JSON object.

import { signerFromSeedSync, testSeed } from "@nullspace/core";
import { TcpNetwork } from "../src/net/tcp-network.js";
import { median, numberArg, quantile, round } from "./stats.js";

const RUNS = numberArg("runs", 3);
const MESSAGES = numberArg("messages", 50_000);
const PINGS = numberArg("pings", 2000);
// At most this much in flight, well inside the default queue bounds (4,096 messages, 16 MiB).
const IN_FLIGHT_MESSAGES = 2048;
const IN_FLIGHT_BYTES = 8 * 1024 * 1024;

const tick = () => new Promise((r) => setImmediate(r));

async function pair(): Promise<[TcpNetwork, TcpNetwork]> {
  const signers = [0, 1].map((i) => signerFromSeedSync(testSeed(500 + i)));
  const peers = (port: number) => signers.map((s, i) => ({ publicKey: s.publicKey, host: "127.0.0.1", port: i === 1 ? port : 0 }));
  // Generous limits: the benchmark measures the links, not the limiter.
  const limits = { rateLimit: { messagesPerSecond: 1e9, messageBurst: 1e9, bytesPerSecond: 1e12, byteBurst: 1e12 } };
  const b = await TcpNetwork.start({ self: 1, chainId: 1n, signer: signers[1]!, peers: peers(0), ...limits });
  const a = await TcpNetwork.start({ self: 0, chainId: 1n, signer: signers[0]!, peers: peers(b.address().port), ...limits });
  while (!a.peerStatus()[1]!.connected || !b.peerStatus()[0]!.connected) await new Promise((r) => setTimeout(r, 5));
  return [a, b];
}

/** Messages per second from node 0 to node 1 for `count` messages of `size` bytes. */
async function throughput(count: number, size: number): Promise<number> {
  const [a, b] = await pair();
  let received = 0;
  b.onMessage(() => received++);
  const message = new Uint8Array(size).fill(7);
  const window = Math.max(1, Math.min(IN_FLIGHT_MESSAGES, Math.floor(IN_FLIGHT_BYTES / size)));
  const dropped = () => a.stats().drops.queueFull + b.stats().drops.rateLimited;
  const t0 = process.hrtime.bigint();
  let sent = 0;
  while (received < count) {
    while (sent < count && sent - received < window) {
      a.send(1, message);
      sent++;
    }
    if (dropped() > 0) throw new Error(`${dropped()} messages dropped: the benchmark must not overrun the queue`);
    await tick();
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await Promise.all([a.close(), b.close()]);
  return count / seconds;
}

/** Round-trip times in ms of `count` sequential echoes. */
async function roundTrips(count: number): Promise<number[]> {
  const [a, b] = await pair();
  b.onMessage((from, bytes) => b.send(from, bytes));
  let resolve: () => void = () => {};
  a.onMessage(() => resolve());
  const message = new Uint8Array(200).fill(9);
  const out: number[] = [];
  for (let i = 0; i < count + 50; i++) {
    const echoed = new Promise<void>((r) => {
      resolve = r;
    });
    const t0 = process.hrtime.bigint();
    a.send(1, message);
    await echoed;
    if (i >= 50) out.push(Number(process.hrtime.bigint() - t0) / 1e6); // the first 50 warm up
  }
  await Promise.all([a.close(), b.close()]);
  return out;
}

const small: number[] = [];
const large: number[] = [];
const p50: number[] = [];
const p99: number[] = [];
for (let run = 0; run < RUNS; run++) {
  small.push(await throughput(MESSAGES, 200));
  large.push(await throughput(Math.max(200, Math.floor(MESSAGES / 25)), 64 * 1024));
  const rtt = await roundTrips(PINGS);
  p50.push(quantile(rtt, 0.5));
  p99.push(quantile(rtt, 0.99));
}

const result = {
  runs: RUNS,
  messagesPerSecond200B: Math.round(median(small)),
  messagesPerSecond64KiB: Math.round(median(large)),
  mibPerSecond64KiB: round((median(large) * 64) / 1024, 1),
  roundTripP50Ms: round(median(p50)),
  roundTripP99Ms: round(median(p99)),
};
console.log(`200-byte messages: ${result.messagesPerSecond200B} msg/s`);
console.log(`64 KiB messages:   ${result.messagesPerSecond64KiB} msg/s (${result.mibPerSecond64KiB} MiB/s)`);
console.log(`round trip, 200 B: p50 ${result.roundTripP50Ms} ms, p99 ${result.roundTripP99Ms} ms`);
console.log(JSON.stringify(result));
