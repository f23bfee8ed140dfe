// Helpers for tests that talk to relays over HTTP and compare what they serve.
import { type IncomingMessage, request } from "node:http";
import { type Core, fromHex, toHex } from "@nullspace/core";
import WebSocket from "ws";

export async function json(url: string, init?: RequestInit): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const r = await fetch(url, init);
  return { status: r.status, headers: r.headers, body: (await r.json()) as Record<string, unknown> };
}

export function submit(url: string, body: Uint8Array, type = "application/vnd.nullspace.tx") {
  return json(`${url}/submit`, { method: "POST", headers: { "content-type": type }, body: Buffer.from(body) });
}

/**
 * The bundles of heights from..to from a relay's /log, in as many answers as it takes (one holds at
 * most 256 heights, and fewer when its bytes run out).
 */
export async function logBundles(url: string, from: bigint, to: bigint): Promise<string[]> {
  const out: string[] = [];
  for (let next = from; next <= to; ) {
    const last = next + 255n < to ? next + 255n : to;
    const r = await json(`${url}/log?from=${next}&to=${last}`);
    if (r.status !== 200) throw new Error(`/log?from=${next}&to=${last} answered ${r.status} ${JSON.stringify(r.body)}`);
    const bundles = r.body.bundles as string[];
    if (bundles.length === 0) throw new Error(`/log?from=${next}&to=${last} holds no height`);
    out.push(...bundles);
    next += BigInt(bundles.length);
  }
  return out;
}

/**
 * What a /log answer certifies, height by height: the block and the progress record. (The
 * certificates' bytes depend on which quorum a validator collected, so two honest relays that
 * followed different validators hold different but equally valid signatures.)
 */
export function certified(core: Core, bundles: readonly (string | Uint8Array)[]): { block: string; record: string }[] {
  return bundles.map((b) => {
    const v = core.codec.decodeFinalized(typeof b === "string" ? fromHex(b) : b);
    return { block: toHex(v.block), record: core.codec.decodeProgressCertificate(v.progress as Uint8Array).record };
  });
}

/** The HTTP status an upgrade gets (101 when it opens). */
export async function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return (await upgradeAnswer(url, headers)).status;
}

type RawAnswer = { status: number; headers: Headers; body: unknown };

/** An HTTP answer read whole: its status, headers and body (JSON parsed when it says it is JSON). */
function readAnswer(res: IncomingMessage): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("error", reject);
    res.on("end", () => {
      const h = new Headers();
      for (const [k, v] of Object.entries(res.headers)) if (typeof v === "string") h.set(k, v);
      const text = Buffer.concat(chunks).toString("utf8");
      resolve({
        status: res.statusCode ?? 0,
        headers: h,
        body: h.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : text,
      });
    });
  });
}

/** A WebSocket upgrade as an answer: 101 once open (then closed), or the refusal's status, headers and body. */
export function upgradeAnswer(url: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on("open", () => {
      resolve({ status: 101, headers: new Headers(), body: null });
      ws.close();
    });
    ws.on("unexpected-response", (_req, res) => void readAnswer(res).then(resolve, reject));
    ws.on("error", (e) => reject(e));
  });
}

/**
 * One request with exactly these headers, Upgrade offers included (fetch refuses them, and ws
 * writes its own handshake), on a connection of its own: the answer's status, headers and body. A
 * 101 is reported and closed.
 */
export function rawAnswer(
  url: string,
  o: { method?: string; headers?: Record<string, string>; body?: Uint8Array; localAddress?: string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: o.method ?? "GET",
      headers: o.headers ?? {},
      agent: false, // a connection of its own, closed after the answer: none lingers in a pool
      ...(o.localAddress ? { localAddress: o.localAddress } : {}),
    });
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 101, headers: new Headers(), body: null });
    });
    req.on("response", (res) => void readAnswer(res).then(resolve, reject));
    req.on("error", reject);
    req.end(o.body);
  });
}
