// The origin allowlist (HTTP and /updates): browsers send Origin, other clients do not and pass.
/** An origin allowlist as a predicate (undefined: every origin). */
export function originCheck(allowed: readonly string[] | undefined): (origin: string) => boolean {
  if (!allowed) return () => true;
  const set = new Set(allowed);
  return (origin) => set.has(origin);
}
