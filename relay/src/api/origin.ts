// The origin allowlist (HTTP and /updates): browsers send Origin, other clients do not and pass.
/** An origin allowlist as a predicate (undefined: every origin). */
export function originCheck(allowed: readonly string[] | undefined): (origin: string) => boolean {
  if (!allowed) return () => true;
  const set = new Set(allowed);
  return (origin) => set.has(origin);
}

/**
 * `--allowed-origins` (RELAY_ALLOWED_ORIGINS): a comma-separated list of origins as browsers send
 * them (`https://play.example`, `http://localhost:5173`: scheme, host and port, no path). Each is
 * checked against its own serialization, so a trailing slash, a path or an upper-case host, which
 * would never match a browser's Origin and silently refuse every visitor, is refused at start.
 */
export function parseAllowedOrigins(list: string): string[] {
  const origins = list.split(",").map((o) => o.trim());
  for (const o of origins) {
    let serialized: string | undefined;
    try {
      serialized = new URL(o).origin;
    } catch {
      serialized = undefined;
    }
    if (serialized !== o || !/^https?:/.test(o))
      throw new Error(
        `allowed origins are http(s)://host[:port] as browsers send them${serialized ? ` (${serialized}?)` : ""}, not ${JSON.stringify(o)}`,
      );
  }
  return origins;
}
