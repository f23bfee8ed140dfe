// `npm run drill:explorer-reads -w relay -- [--url http://127.0.0.1:8080] [--paths /stats,/search?q=a]
// [--clients 16] [--seconds 10]`: does a crowd of explorer readers hold the relay's chain back?
// Against a running relay (`npm start`), for each path in turn: `clients` keep-alive clients ask
// it back to back for `seconds`; then the heights the relay took in that time are set beside the
// validators' (from /readyz before and after). A relay whose reads wait their turn (read-gate.ts)
// keeps pace. Prints a line per path and, last, one JSON object with every path's figures.
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8080" },
    paths: { type: "string", default: "/stats,/search?q=a,/blocks?limit=100,/leaderboard?limit=100" },
    clients: { type: "string", default: "16" },
    seconds: { type: "string", default: "10" },
  },
});
const clients = Number(values.clients);
const seconds = Number(values.seconds);
if (!(clients >= 1 && seconds > 0)) throw new Error("--clients ≥ 1 and --seconds > 0");

interface Ready {
  ready: boolean;
  height: string;
  validatorTip: string;
  lag?: string;
}
const readyz = async (): Promise<Ready> => (await (await fetch(`${values.url}/readyz`)).json()) as Ready;

const results = [];
for (const path of values.paths.split(",")) {
  const before = await readyz();
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        const r = await fetch(values.url + path);
        await r.arrayBuffer();
        latencies.push(performance.now() - t0);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      }
    }),
  );
  const after = await readyz();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 10) / 10;
  const result = {
    path,
    clients,
    seconds,
    answers: latencies.length,
    statuses,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    relayHeights: Number(BigInt(after.height) - BigInt(before.height)),
    validatorHeights: Number(BigInt(after.validatorTip) - BigInt(before.validatorTip)),
    readyAfter: after.ready,
    lagAfter: Number(after.lag ?? BigInt(after.validatorTip) - BigInt(after.height)),
  };
  results.push(result);
  console.log(
    `[explorer-reads] ${path} × ${clients} for ${seconds} s: ${result.answers} answers ${JSON.stringify(statuses)}, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; relay +${result.relayHeights} heights, validators +${result.validatorHeights}; ready after: ${result.readyAfter} (lag ${result.lagAfter})`,
  );
}
console.log(JSON.stringify({ results }));
