// What a socket costs to send k frames to (decision 016): k `ws.send`s apart, the same k sends
// corked into one write, the same frames pre-framed and joined into one shared buffer written
// straight to each socket, and one send alone, to N sockets held by clients in two child processes
// on loopback. Prints the median of 5 rounds per way, in µs a socket, and the ratios.
// `npm run bench:cork-writes -w relay -- [--sockets 5000] [--frames 4] [--bytes 1500]`
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import WebSocket, { WebSocketServer } from "ws";
import { median, numberArg, round } from "../../validators/bench/stats.js";
import { joinBinaryFrames } from "../src/updates/ws-frame.js";

const SOCKETS = numberArg("sockets", 5000);
const FRAMES = numberArg("frames", 4);
const BYTES = numberArg("bytes", 1500);
const ROUNDS = 5;

if (process.argv[2] === "--clients") {
  // Child: hold `count` clients on the url, and say when all are open.
  const [url, count] = [process.argv[3] as string, Number(process.argv[4])];
  let open = 0;
  for (let i = 0; i < count; i++) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on("open", () => ++open === count && process.send?.("open"));
    ws.on("message", () => {});
    ws.on("error", () => {});
  }
} else {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise((r) => wss.on("listening", r));
  const url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
  const kids = [0, 1].map(() =>
    fork(fileURLToPath(import.meta.url), ["--clients", url, String(SOCKETS / 2)], { execArgv: ["--import", "tsx"] }),
  );
  await Promise.all(kids.map((k) => new Promise((r) => k.once("message", r))));
  const frames = Array.from({ length: FRAMES }, () => randomBytes(BYTES));
  const options = { binary: true, compress: false } as const;
  const corkable = (ws: WebSocket) => (ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
  const ways: Record<string, () => void> = {
    apart: () => {
      for (const ws of wss.clients) for (const f of frames) ws.send(f, options);
    },
    corked: () => {
      for (const ws of wss.clients) {
        corkable(ws).cork();
        for (const f of frames) ws.send(f, options);
        corkable(ws).uncork();
      }
    },
    one: () => {
      for (const ws of wss.clients) ws.send(frames[0] as Buffer, options);
    },
  };
  // The same frames framed and joined as the hub does it: one buffer shared by every socket, one
  // write each.
  const framed = joinBinaryFrames(frames);
  ways.joined = () => {
    for (const ws of wss.clients) (ws as unknown as { _socket: { write(b: Uint8Array): void } })._socket.write(framed);
  };
  const times: Record<string, number[]> = { apart: [], corked: [], joined: [], one: [] };
  for (let r = 0; r < ROUNDS; r++)
    for (const [name, send] of Object.entries(ways)) {
      const t0 = performance.now();
      send();
      (times[name] as number[]).push(((performance.now() - t0) * 1000) / SOCKETS);
      await new Promise((done) => setTimeout(done, 1500)); // let the clients drain
    }
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  console.log(`${SOCKETS} sockets, ${FRAMES} frames of ${BYTES} bytes; µs a socket, median of ${ROUNDS}:`);
  for (const [k, v] of Object.entries(m)) console.log(`  ${k.padEnd(7)} ${round(v as number, 2)}`);
  console.log(
    JSON.stringify({
      apartUs: round(m.apart as number, 2),
      corkedUs: round(m.corked as number, 2),
      oneUs: round(m.one as number, 2),
      joinedUs: round(m.joined as number, 2),
      corkedOverOne: round((m.corked as number) / (m.one as number), 2),
      corkedOverJoined: round((m.corked as number) / (m.joined as number), 2),
      apartOverCorked: round((m.apart as number) / (m.corked as number), 2),
    }),
  );
  for (const k of kids) k.kill();
  wss.close();
  process.exit(0);
}
