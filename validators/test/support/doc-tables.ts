// Tables of the docs' Markdown (docs/*.md), read as rows of cells: what a test compares with the code.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** docs/<name> as text. */
export function doc(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../../docs/${name}`, import.meta.url)), "utf8");
}

/**
 * The rows of the `nth` table (from 0) in `markdown` whose header row has the cells `header`:
 * each row's cells trimmed, backticks removed. Throws when there is no such table, so that a
 * renamed header fails the test that reads it rather than leaving it nothing to compare.
 */
export function tableRows(markdown: string, header: readonly string[], nth = 0): string[][] {
  const lines = markdown.split("\n");
  const cells = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, "")
      .split(" | ")
      .map((c) => c.trim().replace(/`/g, ""));
  const starts = lines.flatMap((l, i) => (l.trim().startsWith("|") && cells(l).join("\u0000") === header.join("\u0000") ? [i] : []));
  const start = starts[nth];
  if (start === undefined) throw new Error(`no table ${nth} with header ${header.join(" | ")}`);
  const rows: string[][] = [];
  for (let i = start + 2; i < lines.length && (lines[i] as string).trim().startsWith("|"); i++) rows.push(cells(lines[i] as string));
  return rows;
}

/** A docs table of metrics (header: metric, type, meaning) as [name, type], labels left off the name. */
export function metricTable(markdown: string): [string, string][] {
  return tableRows(markdown, ["metric", "type", "meaning"]).map(([name, type]) => [(name ?? "").replace(/\{.*\}$/, ""), type ?? ""]);
}

/** What the table is compared with: each metric's type, by name, from a Prometheus text exposition. */
export function exposedMetricTypes(exposition: string): Record<string, string> {
  return Object.fromEntries([...exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1], m[2]]));
}
