// Requests to a relay held to docs/relay-openapi.yaml (OpenApiOracle), and the small helpers the
// document's tests build requests with.
import { RELAY_ERRORS, type RelayErrorCode } from "../../src/errors.js";
import { type Answer, answerOf, type OpenApiOracle } from "./openapi.js";
import { upgradeAnswer } from "./relays.js";

/**
 * Requests to the relay whose answers are each held to the document: `problems` collects what
 * is wrong, `succeeded` the operations that answered 2xx or 101.
 */
export function checker(oracle: OpenApiOracle, relayUrl: string) {
  const problems: string[] = [];
  const succeeded = new Set<string>();
  const record = (operation: string, a: Answer) => {
    problems.push(...oracle.problems(operation, a));
    if (a.status < 300) succeeded.add(operation);
    // An error body's code has the status the relay gives that code everywhere (errors.ts).
    const code = (a.body as { error?: { code?: string } } | null)?.error?.code;
    if (code !== undefined && RELAY_ERRORS[code as RelayErrorCode]?.status !== a.status)
      problems.push(`${operation}: ${code} answered with ${a.status}`);
    return a;
  };
  const call = async (operation: string, path: string, init?: RequestInit) =>
    record(operation, await answerOf(await fetch(`${relayUrl}${path}`, init)));
  return {
    problems,
    succeeded,
    record,
    get: (operation: string, path: string, headers: Record<string, string> = {}) => call(operation, path, { headers }),
    post: (body: Uint8Array | string, type = "application/vnd.nullspace.tx") =>
      call("POST /submit", "/submit", { method: "POST", headers: { "content-type": type }, body: Buffer.from(body) }),
    upgrade: async (operation: string, path: string, headers: Record<string, string> = {}) =>
      record(operation, await upgradeAnswer(`${relayUrl.replace("http", "ws")}${path}`, headers)),
  };
}

/** "GET /blocks/{height}" for fastify's "/blocks/:height". */
export const documented = (method: string, url: string) => `${method} ${url.replace(/:(\w+)/g, "{$1}")}`;

export const U64_MAX = (1n << 64n) - 1n;

/** Whether `value` holds a 20-digit id (the whole value, or between colons) past the largest u64. */
export function overU64(value: string): boolean {
  return (value.match(/(?<=^|:)[0-9]{20}(?=$|:)/g) ?? []).some((d) => BigInt(d) > U64_MAX);
}

/** `path` ("/blocks/{height}") with its parameters filled in and `query` after it, encoded. */
export function urlOf(path: string, values: Record<string, string>, query: Record<string, string>): string {
  const filled = path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(values[name] as string));
  const q = Object.entries(query).map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
  return q.length ? `${filled}?${q.join("&")}` : filled;
}
