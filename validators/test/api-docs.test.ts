// docs/validator-api.md's tables against the validator itself: every error code with the status
// (or /stream close code) errors.ts gives it, the close codes of /stream, and every metric a
// validator of a real devnet exposes at /metrics, with its type, and no other.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_ERRORS, ApiErrorCode, StreamCloseCode } from "../src/api/errors.js";
import { Devnet } from "../src/cli/devnet.js";
import { doc, exposedMetricTypes, metricTable, tableRows } from "./support/doc-tables.js";
import { freeBase } from "./support/free-ports.js";
import { WASM_PATH } from "./support/wasm.js";

const md = doc("validator-api.md");
let devnet: Devnet | undefined;
let dir: string | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nullspace-api-docs-"));
  const base = await freeBase(20);
  devnet = await Devnet.create({ dir, basePort: base, apiBasePort: base + 10, wasmPath: WASM_PATH, fresh: true, say: () => {} });
  devnet.startAll();
  await devnet.waitFor(2n, 120_000);
}, 180_000);

afterAll(async () => {
  await devnet?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The /stream close table: reason prefix by close code (API_ codes, and the one `ws` sets). */
function closeTable(): Map<number, string> {
  return new Map(
    tableRows(md, ["code", "reason prefix", "when"])
      .filter(([, reason]) => reason?.startsWith("API_") || reason === "(set by ws)")
      .map(([code, reason]) => [Number(code), reason as string]),
  );
}

describe("docs/validator-api.md", () => {
  it("gives every error code the status errors.ts gives it, and the close code /stream closes with", () => {
    const rows = tableRows(md, ["code", "status / close", "meaning"]);
    expect(rows.map(([code]) => code).sort()).toEqual(Object.keys(ApiErrorCode).sort());
    const closes = closeTable();
    for (const [code, given] of rows as [ApiErrorCode, string][])
      for (const n of given.split("/").map(Number)) {
        if (n < 1000) expect(n, code).toBe(API_ERRORS[code].status);
        else expect(closes.get(n), `${code} ${n}`).toBe(code);
      }
  });

  it("lists every close code of /stream", () => {
    expect([...closeTable().keys()].sort()).toEqual(Object.values(StreamCloseCode).sort());
  });

  it("names every metric a validator exposes, with its type, and no other", async () => {
    const text = await (await fetch(`${devnet?.apiUrl(0)}/metrics`)).text();
    const exposed = exposedMetricTypes(text);
    const table = metricTable(md);
    // The server's own follow the table in one sentence, by name (label values are in backticks too).
    const sentence = /The server adds its own: (.*?)\.\n\n/s.exec(md)?.[1] ?? "";
    const own = [...sentence.matchAll(/`([a-z]+_[a-z_]+)(\{[^}]*\})?`/g)].map((m) => m[1] as string);
    expect(own.length).toBeGreaterThan(3);
    expect(Object.keys(exposed).sort()).toEqual([...table.map(([name]) => name), ...own].sort());
    for (const [name, type] of table) expect(exposed[name], name).toBe(type);
  });
});
