// relay --genesis FILE --validators URL[,URL…] [--data DIR] [--host H] [--port P] [--wasm PATH]
// [--allowed-origins ORIGIN[,ORIGIN…]] (or RELAY_ALLOWED_ORIGINS: the browser origins served; default any).
// DATABASE_URL in the environment selects PostgreSQL instead of the PGlite folder; RELAY_BUS_URL
// (redis://host:port) joins the fan-out bus of relays sharing that PostgreSQL, and RELAY_SOURCE=store
// makes this relay take heights from the shared store instead of the validators' streams.
import { createRequire } from "node:module";
import { stopWhenParentGone } from "@nullspace/core/node";
import { parseAllowedOrigins } from "../api/origin.js";
import { jsonLog, startRelay } from "../start.js";

const USAGE =
  "relay --genesis FILE --validators URL[,URL…] [--data DIR] [--host 127.0.0.1] [--port 8080] [--wasm PATH] [--bus redis://…] [--source validators|store] [--checkpoint-every HEIGHTS] [--allowed-origins https://play.example[,…]]";

function sourceOf(v: string | undefined): "validators" | "store" | undefined {
  if (v === undefined || v === "validators" || v === "store") return v;
  throw new Error(`--source (RELAY_SOURCE) is validators or store, not ${v}\n${USAGE}`);
}

function checkpointEveryOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^(0|[1-9][0-9]{0,8})$/.test(v)) throw new Error(`--checkpoint-every is a whole number of heights (0: none), not ${v}\n${USAGE}`);
  return Number(v);
}

function flags(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith("--")) throw new Error(`unexpected ${a}\n${USAGE}`);
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new Error(`--${a.slice(2)} needs a value\n${USAGE}`);
    out[a.slice(2)] = v;
    i++;
  }
  return out;
}

async function main(): Promise<void> {
  const f = flags(process.argv.slice(2));
  if (!f.genesis || !f.validators) throw new Error(USAGE);
  const origins = f["allowed-origins"] ?? process.env.RELAY_ALLOWED_ORIGINS;
  const running = await startRelay({
    genesisPath: f.genesis,
    validators: f.validators.split(",").filter(Boolean),
    wasmPath: f.wasm ?? createRequire(import.meta.url).resolve("@nullspace/core/wasm"),
    dataDir: f.data ?? ".relay-data",
    databaseUrl: process.env.DATABASE_URL,
    busUrl: f.bus ?? process.env.RELAY_BUS_URL,
    source: sourceOf(f.source ?? process.env.RELAY_SOURCE),
    checkpointEvery: checkpointEveryOf(f["checkpoint-every"]),
    ...(origins ? { allowedOrigins: parseAllowedOrigins(origins) } : {}),
    host: f.host ?? "127.0.0.1",
    port: Number(f.port ?? 8080),
  });
  console.log(`[relay] serving ${running.url}`);
  // Once: a second signal (npm start sends one, then its lifeline closes) must not kill the relay
  // half-way through closing its store.
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await running.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  // Started by `npm start` over an IPC channel: stop once the parent is gone, however it went.
  stopWhenParentGone(() => void stop());
}

main().catch((e) => {
  const message = e instanceof Error ? e.message : String(e);
  // For whoever reads the terminal, and a record like every other for whoever collects the log.
  console.error(message);
  const code = (e as { code?: unknown }).code;
  jsonLog("error", "start_failed", { message, ...(typeof code === "string" ? { code } : {}) });
  process.exit(1);
});
