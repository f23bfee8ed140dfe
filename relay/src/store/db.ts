// The one database interface the store speaks: parameterised SQL ($1, $2, …) that runs unchanged
// on embedded PGlite (the default: a data folder, no server) and on PostgreSQL (DATABASE_URL),
// which is how several relays share one store (DESIGN.md §6).
//
// Values cross the boundary as: bigint → decimal string, Uint8Array → bytea; rows come back with
// BIGINT columns as whatever the driver gives (use `big`) and bytea as Uint8Array.

export type SqlParam = string | number | bigint | boolean | Uint8Array | null;
export type Row = Record<string, unknown>;

export interface Queryable {
  query<T extends Row = Row>(sql: string, params?: readonly SqlParam[]): Promise<T[]>;
}

/** One parameterised statement. */
export interface Statement {
  sql: string;
  params: readonly SqlParam[];
}

export interface TransactionOptions {
  /**
   * No time limit on its statements. Only migrations: a reindex of a large store, or the advisory
   * lock while another relay migrates, may take minutes; every other statement is bounded
   * (PostgresOptions.queryTimeoutMs).
   */
  unbounded?: boolean;
}

export interface Db extends Queryable {
  /** Runs `fn` in one transaction: every statement or none. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Runs `first` and, only if it returned a row, `rest` after it, in one transaction; says whether
   * `rest` ran. One request where the database is on another thread, instead of one per statement
   * (the store's common case: an `INSERT … ON CONFLICT DO NOTHING RETURNING` and what follows it).
   */
  runIfFirstReturns(first: Statement, rest: readonly Statement[]): Promise<boolean>;
  close(): Promise<void>;
  readonly kind: "pglite" | "postgres";
}

/**
 * The database could not be reached or dropped the connection (a PostgreSQL restart, failover or
 * network fault), or cannot do the work now for want of a resource (its disk full, out of memory,
 * out of connections), as opposed to a statement that failed: worth retrying, and no fault of the
 * request that met it.
 */
export class StoreUnavailable extends Error {
  override readonly name = "StoreUnavailable";
}

// SQLSTATE classes and codes of a server that is going or not yet there: 08 (connection
// exception), 57P01–57P03 (admin or crash shutdown, cannot connect now); and class 53, insufficient
// resources (53100: the disk is full, which PGlite reports too; 53200 out of memory; 53300 too
// many connections): a write that fails for those succeeds once the operator frees the resource.
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53...)$/;
// Node's socket errors, a full disk or quota, and what `pg` says when the server hangs up between its messages.
const UNAVAILABLE_ERRNO = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "ENOSPC", "EDQUOT"]);
const UNAVAILABLE_MESSAGE = /^Connection terminated|^timeout exceeded when trying to connect|^Client has encountered a connection error/;

/** `e` as StoreUnavailable when it is a lost or refused connection or a resource run out, else `e` unchanged. */
export function asStoreError(e: unknown): unknown {
  if (e instanceof StoreUnavailable || !(e instanceof Error)) return e;
  const code = (e as { code?: unknown }).code;
  const isUnavailable =
    (typeof code === "string" && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) || UNAVAILABLE_MESSAGE.test(e.message);
  return isUnavailable ? new StoreUnavailable(e.message, { cause: e }) : e;
}

/** A BIGINT column as bigint, whatever the driver returned (number, string or bigint). */
export function big(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" || typeof v === "string") return BigInt(v);
  throw new TypeError(`not an integer column: ${String(v)}`);
}

/** A bytea column as a plain Uint8Array. */
export function bytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  throw new TypeError("not a bytea column");
}

/** PostgreSQL's type oid of bytea, whose text form is `\x` and two lowercase hex digits a byte. */
export const BYTEA_OID = 17;

/**
 * bytea to PostgreSQL's text form through Buffer's hex codec. PGlite's own converts byte by byte
 * (`Number#toString(16)` and `padStart` per byte), which was a tenth of the store thread's time
 * under /submit load (perf, 2026-11-23). Self-contained: the PGlite thread's source embeds it.
 */
export function serializeBytea(value: unknown): string {
  if (!(value instanceof Uint8Array)) throw new Error("Invalid input for bytea type");
  return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}`;
}

/** bytea from PostgreSQL's text form (hex) into a Uint8Array of its own; the counterpart of `serializeBytea`. */
export function parseBytea(text: string): Uint8Array {
  const out = new Uint8Array((text.length - 2) >>> 1);
  Buffer.from(out.buffer).write(text.slice(2), "hex");
  return out;
}

export function toParams(params: readonly SqlParam[]): unknown[] {
  return params.map((p) => (typeof p === "bigint" ? p.toString() : p));
}

/** Opens PGlite in `dataDir` (or in memory when undefined) on the calling thread (tests, tools). */
export async function openPglite(dataDir: string | undefined): Promise<Db> {
  const { PGlite } = await import("@electric-sql/pglite");
  const pg = new PGlite({ dataDir, serializers: { [BYTEA_OID]: serializeBytea }, parsers: { [BYTEA_OID]: parseBytea } });
  await pg.waitReady;
  const run = async <T extends Row>(q: { query: PgliteQuery }, sql: string, params: readonly SqlParam[] = []) =>
    (await q.query<T>(sql, toParams(params))).rows;
  const transaction: Db["transaction"] = (fn) => pg.transaction((tx) => fn({ query: (sql, params) => run(tx, sql, params) }));
  return {
    kind: "pglite",
    query: (sql, params) => run(pg, sql, params),
    transaction,
    runIfFirstReturns: (first, rest) => transaction((tx) => runIfFirstReturns(tx, first, rest)),
    close: () => pg.close(),
  };
}

type PgliteQuery = <T>(sql: string, params?: unknown[]) => Promise<{ rows: T[] }>;

export interface PostgresOptions {
  /**
   * A statement with no answer this long fails as StoreUnavailable and its connection is dropped
   * (default 15,000 ms). A server that stops answering without closing (frozen, or gone behind a
   * network fault or a failover that sends no reset) would otherwise hold the relay's store step,
   * and every read, until TCP gives up: minutes, or never for a connection waiting on an answer.
   */
  queryTimeoutMs?: number;
}

/** Connects to PostgreSQL through a small pool (`pg`); a lost, refused or silent connection surfaces as StoreUnavailable. */
export async function openPostgres(url: string, o: PostgresOptions = {}): Promise<Db> {
  const { default: pg } = await import("pg");
  const timeoutMs = o.queryTimeoutMs ?? 15_000;
  const pool = new pg.Pool({ connectionString: url, max: 8, connectionTimeoutMillis: 5000, keepAlive: true });
  // An idle pooled connection that the server drops (restart, failover) is an event, not a crash:
  // the pool discards it and the next query opens a new one.
  pool.on("error", () => {});
  const prep = (params: readonly SqlParam[] = []) =>
    toParams(params).map((p) => (p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p));
  // pg's own timer: it fails the statement and, released with that error, the connection is dropped.
  const statement = (sql: string, params: readonly SqlParam[] | undefined, unbounded = false) => ({
    text: sql,
    values: prep(params),
    ...(unbounded ? {} : { query_timeout: timeoutMs }),
  });
  const storeError = (e: unknown) =>
    e instanceof Error && e.message === "Query read timeout"
      ? new StoreUnavailable(`the database has not answered a statement in ${timeoutMs} ms`, { cause: e })
      : asStoreError(e);
  const db: Db = {
    kind: "postgres",
    query: async (sql, params) => {
      try {
        return (await pool.query(statement(sql, params))).rows;
      } catch (e) {
        throw storeError(e);
      }
    },
    runIfFirstReturns: (first, rest) => db.transaction((tx) => runIfFirstReturns(tx, first, rest)),
    async transaction(fn, options) {
      const unbounded = options?.unbounded === true;
      let client: import("pg").PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        throw asStoreError(e);
      }
      // A checked-out client whose server goes away emits "error" between statements; unheard,
      // that event would end the process. Its statements fail with the same cause.
      let lost: Error | undefined;
      const onError = (e: Error) => {
        lost = e;
      };
      client.on("error", onError);
      try {
        await client.query(statement("BEGIN", [], unbounded));
        const out = await fn({ query: async (sql, params) => (await client.query(statement(sql, params, unbounded))).rows });
        await client.query(statement("COMMIT", [], unbounded));
        return out;
      } catch (e) {
        const error = storeError(e);
        // A connection that is lost or silent would wait out another timeout for its ROLLBACK: it is
        // dropped instead, and the server rolls back when it sees it go.
        if (error instanceof StoreUnavailable) lost ??= error;
        else await client.query(statement("ROLLBACK", [])).catch(() => {});
        throw error;
      } finally {
        client.off("error", onError);
        client.release(lost); // a client that lost its connection is discarded, not pooled
      }
    },
    close: () => pool.end(),
  };
  return db;
}

/** `runIfFirstReturns` over any open transaction. */
export async function runIfFirstReturns(tx: Queryable, first: Statement, rest: readonly Statement[]): Promise<boolean> {
  if ((await tx.query(first.sql, first.params)).length === 0) return false;
  for (const s of rest) await tx.query(s.sql, s.params);
  return true;
}

/** PostgreSQL when `databaseUrl` is set, else PGlite in `dataDir` on a thread of its own (pglite-thread.ts). */
export async function openDb(o: { databaseUrl?: string | undefined; dataDir?: string | undefined } & PostgresOptions): Promise<Db> {
  if (o.databaseUrl) return openPostgres(o.databaseUrl, o);
  const { openPgliteThread } = await import("./pglite-thread.js");
  return openPgliteThread(o.dataDir);
}
