// The query string of a request. Parsed as fastify's own parser would (`+` is a space, a key
// without `=` has the value "", a repeated key gives an array), except that a query which is not
// valid percent-encoding (a `%` without two hex digits, escapes of bytes that are not UTF-8) is not
// taken raw, as fastify's parser takes it: it is marked, and a route that reads its query refuses
// it with 400 (queryOf), as the router refuses a path that is not valid percent-encoding. A route
// that reads no query ignores it, whatever it holds.
import type { FastifyRequest } from "fastify";
import { RelayError } from "../errors.js";

const BAD_QUERY: unique symbol = Symbol("bad query");

type ParsedQuery = Record<string, string | string[]> & { [BAD_QUERY]?: true };

/** The fields of `query` (the part after `?`, undecoded), or an empty object marked as not valid percent-encoding. */
export function parseQuery(query: string): ParsedQuery {
  const out: ParsedQuery = Object.create(null);
  if (query.length === 0) return out;
  try {
    decodeURIComponent(query); // every field is a substring of it: it decodes iff they all do
  } catch {
    out[BAD_QUERY] = true;
    return out;
  }
  for (const [key, value] of new URLSearchParams(query)) {
    const have = out[key];
    if (have === undefined) out[key] = value;
    else if (typeof have === "string") out[key] = [have, value];
    else have.push(value);
  }
  return out;
}

/** The request's query fields; RELAY_BAD_REQUEST when its query is not valid percent-encoding. */
export function queryOf(req: FastifyRequest): Record<string, unknown> {
  const q = req.query as ParsedQuery;
  if (q[BAD_QUERY]) throw new RelayError("RELAY_BAD_REQUEST", "the query is not valid percent-encoding");
  return q;
}
