// Exact expected values of craps bets by Markov chain over the wasm's own settlement: the states
// are craps tables (sess.data bytes), the transitions the 36 rolls of games_craps_next. Progress
// of every bet only grows, so the chain's cycles stay among tables that differ only in the point
// and the shooter (a few states each): it is solved strongly connected component by component
// (Tarjan, sinks first), each by Gaussian elimination, with every settled return weighted by
// `reward`. Nothing here knows craps rules; the wasm decides every transition.
import type { CrapsTransition } from "../../src/games/index.js";

interface Node {
  /** reward of the returns of each roll (summed over its 36 rolls, before dividing by 36) */
  immediate: number;
  /** successor ids of the 36 rolls; -1 for a table with no bets left */
  next: Int32Array;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** The expected value of Σ reward(returned) over every roll until no bet is left, from each of
 * `starts` (tables with bets on them), all in one chain. */
export function expectedValues(
  starts: Uint8Array[],
  rolls: (table: Uint8Array) => CrapsTransition[],
  reward: (returned: bigint) => number = Number,
): { values: number[]; states: number } {
  const ids = new Map<string, number>();
  const nodes: Node[] = [];
  const tables: Uint8Array[] = [];
  const idOf = (t: Uint8Array): number => {
    const k = hex(t);
    let id = ids.get(k);
    if (id === undefined) {
      id = tables.length;
      ids.set(k, id);
      tables.push(t.slice());
    }
    return id;
  };
  const startIds = starts.map(idOf);
  for (let i = 0; i < tables.length; i++) {
    const next = new Int32Array(36);
    let immediate = 0;
    rolls(tables[i]!).forEach((r, j) => {
      immediate += r.returned === 0n ? 0 : reward(r.returned);
      next[j] = r.held === 0 ? -1 : idOf(r.table);
    });
    nodes.push({ immediate, next });
  }
  const value = solve(nodes);
  return { values: startIds.map((i) => value[i]!), states: nodes.length };
}

/** Values V(i) = (immediate(i) + Σ V(next)) / 36 for every node, by SCCs in reverse topological order. */
function solve(nodes: Node[]): Float64Array {
  const n = nodes.length;
  const value = new Float64Array(n);
  const done = new Uint8Array(n);
  for (const scc of tarjan(nodes)) {
    const k = scc.length;
    const local = new Map(scc.map((v, i) => [v, i]));
    // (I − P_scc / 36) V = b, where b holds the immediate rewards and the already-solved successors.
    const a = Array.from({ length: k }, () => new Float64Array(k + 1));
    scc.forEach((v, i) => {
      const row = a[i]!;
      row[i] = 1;
      let b = nodes[v]!.immediate;
      for (const w of nodes[v]!.next) {
        if (w < 0) continue;
        const j = local.get(w);
        if (j !== undefined) row[j]! -= 1 / 36;
        else if (done[w]) b += value[w]!;
        else throw new Error("successor outside the component not solved yet");
      }
      row[k] = b / 36;
    });
    const x = gauss(a);
    scc.forEach((v, i) => {
      value[v] = x[i]!;
      done[v] = 1;
    });
  }
  return value;
}

function gauss(a: Float64Array[]): Float64Array {
  const k = a.length;
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[p]![c]!)) p = r;
    [a[c], a[p]] = [a[p]!, a[c]!];
    const pivot = a[c]!;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / pivot[c]!;
      if (f === 0) continue;
      for (let j = c; j <= k; j++) a[r]![j]! -= f * pivot[j]!;
    }
  }
  return Float64Array.from(a, (row, i) => row[k]! / row[i]!);
}

/** Strongly connected components, each emitted after every component it reaches (iterative). */
function tarjan(nodes: Node[]): number[][] {
  const n = nodes.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const [v, edge] = top;
      if (edge < 36) {
        top[1]++;
        const w = nodes[v]!.next[edge]!;
        if (w < 0) continue;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const u = work[work.length - 1]![0];
        low[u] = Math.min(low[u]!, low[v]!);
      }
      if (low[v] === index[v]) {
        const scc: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          scc.push(w);
        } while (w !== v);
        out.push(scc);
      }
    }
  }
  return out;
}
