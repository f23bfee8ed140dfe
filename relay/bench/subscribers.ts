// One load-generator process: holds thousands of WebSocket clients on one URL (lean-subscriber.ts
// by default, `ws` clients on request), timestamps every frame on arrival, and turns arrival
// times into delivery latencies once told when each height was sent (by the relay's or the
// baseline's own clock reading at the start of its broadcast).
// IPC in: connect {url, count, inFlight, client}, record, status, collect {sent: [height, atMs][], available?: [height, atMs][]}, close.
// IPC out: replies with the same op.
import WebSocket from "ws";
import { frameHeight, type Histogram, nowMs, record } from "./histogram.js";
import { openLeanSubscriber } from "./lean-subscriber.js";

type Command =
  | { op: "connect"; url: string; count: number; inFlight: number; client: SubscriberClient }
  | { op: "record" }
  | { op: "status"; height?: number }
  | { op: "collect"; sent: [number, number][]; available?: [number, number][] }
  | { op: "close" };

/** Which client library holds the sockets: the lean one (what a frame costs the process kept small), or `ws`. */
export type SubscriberClient = "lean" | "ws";

let sockets: { terminate(): void }[] = [];
let open = 0;
let closed = 0;
let failed = 0;
let recording = false;
/** Set while the bench closes its own sockets, so those closes are not counted as drops. */
let isClosing = false;
let openAtRecord = 0;
/** Arrival times by height while recording. */
let arrivals = new Map<number, number[]>();
/** Frame size by height (of the first socket that saw it). */
let sizes = new Map<number, number>();

/** The highest height any socket has received, recording or not. */
let lastSeen = -1;

function onFrame(data: Uint8Array): void {
  const at = nowMs();
  const h = frameHeight(data);
  if (h > lastSeen) lastSeen = h;
  if (!recording) return;
  let list = arrivals.get(h);
  if (!list) {
    list = [];
    arrivals.set(h, list);
    sizes.set(h, data.length);
  }
  list.push(at);
}

/** Opens one socket; resolves once it is open or has failed. */
function connectOne(url: string, client: SubscriberClient): Promise<void> {
  return new Promise((resolve) => {
    const opened = (socket: { terminate(): void }) => {
      open++;
      sockets.push(socket);
      resolve();
    };
    const closedAfter = (wasOpen: boolean) => {
      if (isClosing) return;
      if (wasOpen) {
        open--;
        closed++;
      } else {
        failed++;
        resolve();
      }
    };
    if (client === "lean") {
      const socket = openLeanSubscriber(url, { onOpen: () => opened(socket), onFrame, onClose: closedAfter });
      return;
    }
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let isOpen = false;
    ws.binaryType = "nodebuffer";
    ws.on("message", onFrame);
    ws.once("open", () => {
      isOpen = true;
      opened(ws);
    });
    ws.on("error", () => {});
    ws.once("close", () => closedAfter(isOpen));
  });
}

/** Opens `count` sockets on `url`, `inFlight` attempts at a time. */
async function connect(url: string, count: number, inFlight: number, client: SubscriberClient): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      await connectOne(url, client);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
}

/** Latencies from each height's send start (`sent`) and, where given, from when it was available (`available`). */
function collect(sent: [number, number][], available: [number, number][] = []) {
  const hist: Histogram = new Map();
  const fromAvailable: Histogram = new Map();
  for (const [h, atMs] of available) for (const t of arrivals.get(h) ?? []) record(fromAvailable, t - atMs);
  let frames = 0;
  let missing = 0;
  for (const [h, atMs] of sent) {
    const list = arrivals.get(h) ?? [];
    frames += list.length;
    missing += Math.max(0, openAtRecord - list.length);
    for (const t of list) record(hist, t - atMs);
  }
  const out = { hist: [...hist], fromAvailable: [...fromAvailable], frames, missing, closed, sizes: [...sizes] };
  arrivals = new Map();
  sizes = new Map();
  recording = false;
  return out;
}

// Forked by the bench: gone with it, however it ended.
process.once("disconnect", () => process.exit(0));
process.on("message", async (m: Command) => {
  const reply = (body: object) => process.send?.({ op: m.op, ...body });
  switch (m.op) {
    case "connect":
      closed = 0;
      failed = 0;
      isClosing = false;
      await connect(m.url, m.count, m.inFlight, m.client);
      return reply({ open, failed });
    case "record":
      recording = true;
      openAtRecord = open;
      // Frames of heights up to lastSeen may have reached some sockets before recording began.
      return reply({ open, lastSeen });
    case "status": {
      const last = Math.max(-1, ...arrivals.keys());
      // `heightCount`: frames of the asked height so far (the bench waits for every socket's).
      const heightCount = m.height === undefined ? 0 : (arrivals.get(m.height)?.length ?? 0);
      return reply({ open, closed, last, lastCount: arrivals.get(last)?.length ?? 0, heightCount });
    }
    case "collect":
      return reply(collect(m.sent, m.available));
    case "close":
      recording = false;
      isClosing = true;
      lastSeen = -1; // the next server numbers its frames afresh
      for (const ws of sockets) ws.terminate();
      sockets = [];
      open = 0;
      return reply({});
  }
});
