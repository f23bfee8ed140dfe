// Embedded PGlite on a worker thread of its own. PGlite is PostgreSQL compiled to wasm: every query
// runs to completion synchronously on the thread that owns it. On the relay's event loop that was
// 27% of the thread's time under /submit load, in tasks long enough that the loop ran 52 ms late
// at p50 and 138 ms at p99 (measured in bench:relay), delaying every /submit answer and every
// WebSocket frame behind them. Here the loop only posts the SQL and awaits the rows.
//
// Protocol (structured clone; errors as JSON strings so SQLSTATE codes survive the hop):
//   {op: "open", dataDir?, moduleUrl}   → undefined
//   {op: "query", sql, params, tx?}     → rows
//   {op: "begin"}                       → a transaction id; its queries carry it as `tx`
//   {op: "end", tx, commit}             → undefined (commit, or roll back)
//   {op: "runIfFirstReturns", first, rest} → whether `rest` ran (one transaction; Db.runIfFirstReturns)
//   {op: "close"}                       → undefined
// While a transaction is open PGlite holds its other queries back, as one connection would.

import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { WorkerRpc } from "@nullspace/core/node";
import { ensureCluster } from "./cluster-dir.js";
import { lockDataFolder } from "./data-lock.js";
import { asStoreError, BYTEA_OID, type Db, parseBytea, type Row, type SqlParam, serializeBytea, toParams } from "./db.js";

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const serializeBytea = ${serializeBytea.toString()};
const parseBytea = ${parseBytea.toString()};
let pg;
const txs = new Map();
let nextTx = 1;
const errorOf = (e) => JSON.stringify({ message: String((e && e.message) || e), code: e && e.code, detail: e && e.detail });
async function run(r) {
  if (r.op === "open") {
    const { PGlite } = await import(r.moduleUrl);
    pg = new PGlite({ dataDir: r.dataDir, serializers: { ${BYTEA_OID}: serializeBytea }, parsers: { ${BYTEA_OID}: parseBytea } });
    await pg.waitReady;
    return undefined;
  }
  if (!pg) throw new Error("the database is not open");
  if (r.op === "query") {
    const q = r.tx === undefined ? pg : txs.get(r.tx) && txs.get(r.tx).tx;
    if (!q) throw new Error("no open transaction " + r.tx);
    return (await q.query(r.sql, r.params)).rows;
  }
  if (r.op === "runIfFirstReturns") {
    return pg.transaction(async (tx) => {
      if ((await tx.query(r.first.sql, r.first.params)).rows.length === 0) return false;
      for (const s of r.rest) await tx.query(s.sql, s.params);
      return true;
    });
  }
  if (r.op === "begin") {
    const id = nextTx++;
    const entry = {};
    await new Promise((started, failed) => {
      entry.done = pg.transaction(
        (tx) => new Promise((commit, rollback) => {
          Object.assign(entry, { tx, commit, rollback });
          started();
        }),
      );
      entry.done.then(undefined, failed);
    });
    txs.set(id, entry);
    return id;
  }
  if (r.op === "end") {
    const t = txs.get(r.tx);
    if (!t) throw new Error("no open transaction " + r.tx);
    txs.delete(r.tx);
    if (r.commit) {
      t.commit();
      await t.done;
    } else {
      t.rollback(new Error("rolled back"));
      await t.done.catch(() => {});
    }
    return undefined;
  }
  if (r.op === "close") {
    await pg.close();
    pg = undefined;
    return undefined;
  }
  throw new Error("unknown op " + r.op);
}
parentPort.on("message", (r) => {
  run(r).then(
    (result) => parentPort.postMessage({ id: r.id, result }),
    (e) => parentPort.postMessage({ id: r.id, error: errorOf(e) }),
  );
});
`;

/** A database error as the worker reported it: the message and, from PostgreSQL, its SQLSTATE code. */
export class PgliteThreadError extends Error {
  override readonly name = "PgliteThreadError";
  constructor(
    message: string,
    readonly code?: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

function errorFrom(reply: string): PgliteThreadError {
  try {
    const e = JSON.parse(reply) as { message?: string; code?: string; detail?: string };
    return new PgliteThreadError(e.message ?? reply, e.code ?? undefined, e.detail ?? undefined);
  } catch {
    return new PgliteThreadError(reply); // EXIT_<code> or CLOSED from the worker plumbing
  }
}

/** Requests to a PGlite worker thread (WORKER_SOURCE), started on the first one. */
const pgliteRpc = () => new WorkerRpc(() => new Worker(WORKER_SOURCE, { eval: true }), errorFrom);

/**
 * Creates the database cluster in a new `dataDir` on a thread of its own, which then ends. The
 * PGlite instance that runs initdb keeps its wasm memory (which never shrinks) until its thread's
 * V8 collects it, and opening an existing cluster needs much less: a relay opened on a new store
 * held 859 MB, one reopening it 347 MB (docs/benchmarks.md). Ending the thread frees it all at once.
 */
async function createCluster(dataDir: string, moduleUrl: string): Promise<void> {
  const rpc = pgliteRpc();
  try {
    await rpc.call({ op: "open", dataDir, moduleUrl });
    await rpc.call({ op: "close" });
  } finally {
    await rpc.close();
  }
}

/** Opens PGlite in `dataDir` (or in memory when undefined) on a worker thread. */
export async function openPgliteThread(dataDir: string | undefined): Promise<Db> {
  const moduleUrl = pathToFileURL(createRequire(import.meta.url).resolve("@electric-sql/pglite")).href;
  const unlock = dataDir === undefined ? () => {} : lockDataFolder(dataDir);
  const rpc = pgliteRpc();
  try {
    const clusterDir = dataDir === undefined ? undefined : await ensureCluster(dataDir, (dir) => createCluster(dir, moduleUrl));
    await rpc.call({ op: "open", dataDir: clusterDir, moduleUrl });
  } catch (e) {
    await rpc.close();
    unlock();
    throw e;
  }
  let closed = false;
  // A closed database answers at once (the RPC would start a fresh worker with nothing open).
  // A full disk (SQLSTATE 53100) surfaces as StoreUnavailable, as on PostgreSQL (store/db.ts).
  const call = (request: object): Promise<unknown> =>
    closed
      ? Promise.reject(new PgliteThreadError("the database is closed"))
      : rpc.call(request).catch((e: unknown) => {
          throw asStoreError(e);
        });
  const query = async <T extends Row>(sql: string, params: readonly SqlParam[] = [], tx?: number): Promise<T[]> =>
    (await call({ op: "query", sql, params: toParams(params), tx })) as T[];
  return {
    kind: "pglite",
    query: (sql, params) => query(sql, params),
    runIfFirstReturns: async (first, rest) =>
      (await call({
        op: "runIfFirstReturns",
        first: { sql: first.sql, params: toParams(first.params) },
        rest: rest.map((s) => ({ sql: s.sql, params: toParams(s.params) })),
      })) as boolean,
    async transaction(fn) {
      const tx = (await call({ op: "begin" })) as number;
      let out: Awaited<ReturnType<typeof fn>>;
      try {
        out = await fn({ query: (sql, params) => query(sql, params, tx) });
      } catch (e) {
        await call({ op: "end", tx, commit: false }).catch(() => {});
        throw e;
      }
      await call({ op: "end", tx, commit: true });
      return out;
    },
    async close() {
      if (closed) return;
      try {
        await rpc.call({ op: "close" });
      } finally {
        closed = true;
        await rpc.close();
        unlock();
      }
    },
  };
}
