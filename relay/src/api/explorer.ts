// Explorer reads (docs/relay-api.md, "Explorer"): JSON views of what the store holds, for people
// and dashboards. Nothing here is certified on its own: clients that need proof use /log and /state.
import { StateKey, toHex } from "@nullspace/core";
import type { FastifyInstance } from "fastify";
import { RelayError } from "../errors.js";
import type { RelayCore } from "../relay.js";
import type { EventRow, HeightRow, TxRow } from "../store/store.js";
import { jsonSafe, parseHex, parseLimit, parseU64 } from "./params.js";

function heightJson(h: HeightRow) {
  return {
    height: h.height,
    digest: h.digest,
    parent: h.parent,
    timestampMs: h.timestampMs,
    txCount: h.txCount,
    stateRoot: h.stateRoot,
    eventsRoot: h.eventsRoot,
    eventStart: h.eventStart,
    eventEnd: h.eventEnd,
  };
}

function txJson(t: TxRow) {
  return { hash: t.hash, height: t.height, index: t.txIndex, signer: t.signer, nonce: t.nonce, op: t.op, bytes: t.bytes };
}

export function registerExplorer(app: FastifyInstance, relay: RelayCore): void {
  const codec = () => relay.chain.core.codec;
  const eventJson = (e: EventRow) => ({ leaf: e.leaf, ...codec().decodeEvent(e.bytes), bytes: e.bytes });

  app.get("/blocks", async (req) => {
    const q = req.query as Record<string, unknown>;
    const limit = parseLimit(q.limit, 20, 100);
    const before = q.before === undefined ? undefined : parseU64(q.before, "RELAY_BAD_HEIGHT", "before");
    return jsonSafe({ tip: relay.height, blocks: (await relay.store.heights(limit, before)).map(heightJson) });
  });

  app.get("/blocks/:height", async (req) => {
    const h = parseU64((req.params as { height: string }).height, "RELAY_BAD_HEIGHT", "height");
    const row = await relay.store.height(h);
    if (!row) throw new RelayError("RELAY_NOT_FOUND", `height ${h} is not stored here`);
    const txs = await relay.store.txsOfHeight(h);
    return jsonSafe({
      ...heightJson(row),
      txs: txs.map((t) => ({ hash: t.hash, signer: t.signer, nonce: t.nonce, op: t.op })),
      bundle: row.bundle,
    });
  });

  app.get("/tx/:hash", async (req) => {
    const hash = parseHex((req.params as { hash: string }).hash, 32, "hash");
    const t = await relay.store.tx(hash);
    if (!t) throw new RelayError("RELAY_NOT_FOUND", `no finalized transaction ${toHex(hash)}`);
    const events = await relay.store.eventsOfTx(t.height, t.txIndex);
    return jsonSafe({ ...txJson(t), events: events.map(eventJson) });
  });

  app.get("/accounts/:key", async (req) => {
    const key = parseHex((req.params as { key: string }).key, 32, "key");
    const q = req.query as Record<string, unknown>;
    const limit = parseLimit(q.limit, 20, 100);
    const before = q.before === undefined ? undefined : parseU64(q.before, "RELAY_BAD_REQUEST", "before");
    const account = relay.chain.core.account(key);
    const height = relay.height;
    const events = await relay.store.eventsOfAccount(key, limit, before);
    if (!account && events.length === 0) throw new RelayError("RELAY_NOT_FOUND", `no account ${toHex(key)}`);
    return jsonSafe({ key, height, stateKey: StateKey.account(key), account, history: events.map(eventJson) });
  });
}
