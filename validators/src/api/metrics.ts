// A small Prometheus registry: counters, gauges and fixed-bucket histograms with labels, rendered
// in the text exposition format 0.0.4. No dependency: the format is a page of rules
// (prometheus.io/docs/instrumenting/exposition_formats) and prom-client would pull in a tree of
// packages for the dozen metrics a validator has. Metrics render in registration order and their
// series in first-use order, so the output is deterministic and testable as text.

import { ApiConfigError } from "./errors.js";

/** The Content-Type of `Registry.render()`. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type LabelValues = Readonly<Record<string, string | number | bigint>>;

export interface MetricOptions {
  name: string;
  help: string;
  /** Label names every series of this metric carries (default none). */
  labelNames?: readonly string[];
}

export interface HistogramOptions extends MetricOptions {
  /** Upper bounds, strictly increasing and finite; `+Inf` is implied. */
  buckets: readonly number[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface Series<S> {
  readonly labels: readonly string[];
  readonly state: S;
}

abstract class Metric<S> {
  abstract readonly type: "counter" | "gauge" | "histogram";
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  private readonly series = new Map<string, Series<S>>();

  constructor(o: MetricOptions) {
    if (typeof o?.name !== "string" || !METRIC_NAME.test(o.name)) throw new ApiConfigError("name", `bad metric name ${o?.name}`);
    if (typeof o.help !== "string") throw new ApiConfigError("help", `metric ${o.name} needs a help text`);
    const labelNames = [...(o.labelNames ?? [])];
    for (const l of labelNames) {
      if (!LABEL_NAME.test(l) || l.startsWith("__")) throw new ApiConfigError("labelNames", `bad label name ${l} on ${o.name}`);
    }
    if (new Set(labelNames).size !== labelNames.length) throw new ApiConfigError("labelNames", `repeated label on ${o.name}`);
    this.name = o.name;
    this.help = o.help;
    this.labelNames = labelNames;
  }

  /** Drops one labelled series (e.g. a peer that left the set). */
  remove(labels: LabelValues): void {
    this.series.delete(JSON.stringify(this.values(labels)));
  }

  /** Drops every series (an unlabelled metric goes back to zero). */
  reset(): void {
    this.series.clear();
  }

  protected abstract fresh(): S;
  protected abstract lines(name: string, labels: string, state: S, out: string[]): void;

  protected at(labels: LabelValues | undefined): S {
    const values = this.values(labels);
    const key = JSON.stringify(values);
    let s = this.series.get(key);
    if (s === undefined) {
      s = { labels: values, state: this.fresh() };
      this.series.set(key, s);
    }
    return s.state;
  }

  protected peek(labels: LabelValues | undefined): S | undefined {
    return this.series.get(JSON.stringify(this.values(labels)))?.state;
  }

  /** @internal */
  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`);
    // An unlabelled metric has exactly one series, shown at zero before its first use so that a
    // dashboard can tell "nothing happened yet" from "not exported".
    if (this.labelNames.length === 0 && this.series.size === 0) {
      this.lines(this.name, "", this.fresh(), out);
      return;
    }
    for (const s of this.series.values()) {
      const pairs = this.labelNames.map((n, i) => `${n}="${escapeLabel(s.labels[i]!)}"`);
      this.lines(this.name, pairs.join(","), s.state, out);
    }
  }

  private values(labels: LabelValues | undefined): string[] {
    const given = labels === undefined ? [] : Object.keys(labels);
    if (given.length !== this.labelNames.length || given.some((k) => !this.labelNames.includes(k))) {
      throw new ApiConfigError("labels", `${this.name} takes labels {${this.labelNames.join(",")}}, got {${given.join(",")}}`);
    }
    return this.labelNames.map((n) => String(labels![n]));
  }
}

export class Counter extends Metric<{ value: number }> {
  readonly type = "counter";
  /** Adds `value` (≥ 0; a counter never goes down). */
  inc(value: number | bigint = 1, labels?: LabelValues): void {
    const v = Number(value);
    if (!(v >= 0)) throw new ApiConfigError("value", `counter ${this.name} cannot add ${value}`);
    this.at(labels).value += v;
  }
  get(labels?: LabelValues): number {
    return this.peek(labels)?.value ?? 0;
  }
  protected fresh() {
    return { value: 0 };
  }
  protected lines(name: string, labels: string, s: { value: number }, out: string[]): void {
    out.push(`${name}${braces(labels)} ${formatValue(s.value)}`);
  }
}

export class Gauge extends Metric<{ value: number }> {
  readonly type = "gauge";
  /** Sets the value (a bigint height or view converts to a float, exact below 2^53). */
  set(value: number | bigint | boolean, labels?: LabelValues): void {
    this.at(labels).value = Number(value);
  }
  inc(value: number | bigint = 1, labels?: LabelValues): void {
    this.at(labels).value += Number(value);
  }
  dec(value: number | bigint = 1, labels?: LabelValues): void {
    this.at(labels).value -= Number(value);
  }
  get(labels?: LabelValues): number {
    return this.peek(labels)?.value ?? 0;
  }
  protected fresh() {
    return { value: 0 };
  }
  protected lines(name: string, labels: string, s: { value: number }, out: string[]): void {
    out.push(`${name}${braces(labels)} ${formatValue(s.value)}`);
  }
}

interface HistogramState {
  /** Observations per bucket, not cumulative; the last slot is +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Metric<HistogramState> {
  readonly type = "histogram";
  readonly buckets: readonly number[];

  constructor(o: HistogramOptions) {
    const buckets = [...(o?.buckets ?? [])];
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]!))) {
      throw new ApiConfigError("buckets", `histogram ${o?.name} needs strictly increasing finite buckets`);
    }
    if ((o.labelNames ?? []).includes("le")) throw new ApiConfigError("labelNames", `le is reserved on histogram ${o.name}`);
    super(o);
    this.buckets = buckets;
  }

  /** Records one observation (seconds, for the *_seconds metrics); NaN is ignored. */
  observe(value: number, labels?: LabelValues): void {
    if (Number.isNaN(value)) return;
    const s = this.at(labels);
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]!) i++;
    s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  /** Cumulative counts per bucket (the last is +Inf), sum and count of one series. */
  get(labels?: LabelValues): { cumulative: number[]; sum: number; count: number } {
    const s = this.peek(labels) ?? this.fresh();
    let acc = 0;
    return { cumulative: s.counts.map((c) => (acc += c)), sum: s.sum, count: s.count };
  }

  protected fresh(): HistogramState {
    return { counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
  }

  protected lines(name: string, labels: string, s: HistogramState, out: string[]): void {
    const sep = labels === "" ? "" : ",";
    let acc = 0;
    for (let i = 0; i <= this.buckets.length; i++) {
      acc += s.counts[i]!;
      const le = i < this.buckets.length ? formatValue(this.buckets[i]!) : "+Inf";
      out.push(`${name}_bucket{${labels}${sep}le="${le}"} ${formatValue(acc)}`);
    }
    out.push(`${name}_sum${braces(labels)} ${formatValue(s.sum)}`, `${name}_count${braces(labels)} ${formatValue(s.count)}`);
  }
}

type AnyMetric = Counter | Gauge | Histogram;

export class Registry {
  private readonly metrics = new Map<string, AnyMetric>();
  private readonly collectors: (() => void)[] = [];

  counter(o: MetricOptions): Counter {
    return this.register(o, "counter", () => new Counter(o)) as Counter;
  }

  gauge(o: MetricOptions): Gauge {
    return this.register(o, "gauge", () => new Gauge(o)) as Gauge;
  }

  histogram(o: HistogramOptions): Histogram {
    return this.register(o, "histogram", () => new Histogram(o)) as Histogram;
  }

  /** Runs `fn` before every render, to copy values that are cheaper to read than to push. */
  onCollect(fn: () => void): () => void {
    this.collectors.push(fn);
    return () => {
      const i = this.collectors.indexOf(fn);
      if (i >= 0) this.collectors.splice(i, 1);
    };
  }

  /** The exposition text (format 0.0.4), one metric family after another, ending in a newline. */
  render(): string {
    for (const fn of this.collectors) {
      try {
        fn();
      } catch {
        // A failing collector leaves its metrics at their last values; the scrape still answers.
      }
    }
    const out: string[] = [];
    for (const m of this.metrics.values()) m.render(out);
    return out.length === 0 ? "" : out.join("\n") + "\n";
  }

  /**
   * Registering a name twice returns the first metric when type and labels agree (a restarted
   * component keeps its series), and is a caller bug otherwise.
   */
  private register(o: MetricOptions, type: AnyMetric["type"], make: () => AnyMetric): AnyMetric {
    const known = this.metrics.get(o?.name);
    if (known !== undefined) {
      const labels = o.labelNames ?? [];
      if (known.type !== type || known.labelNames.join(",") !== labels.join(",")) {
        throw new ApiConfigError("name", `metric ${o.name} is already registered as another ${known.type}`);
      }
      return known;
    }
    const m = make();
    this.metrics.set(m.name, m);
    return m;
  }
}

function braces(labels: string): string {
  return labels === "" ? "" : `{${labels}}`;
}

/** Go's float syntax, which the Prometheus parser reads: +Inf, -Inf, NaN, else shortest round-trip. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

function escapeHelp(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function escapeLabel(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** Buckets for sub-second latencies on loopback and LAN (1 ms to 10 s). */
export const LATENCY_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Buckets for fsync (100 µs to 1 s). */
export const SYNC_BUCKETS: readonly number[] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** The metrics a validator exports (docs/validator-api.md); the engine sets them, /metrics shows them. */
export interface ValidatorMetrics {
  consensusView: Gauge;
  consensusFinalizedHeight: Gauge;
  finalityLatency: Histogram;
  mempoolTransactions: Gauge;
  mempoolBytes: Gauge;
  /** Label `peer`: the peer's validator index. */
  peerConnected: Gauge;
  journalSync: Histogram;
  executionHeight: Gauge;
  executionAlarm: Gauge;
  beaconLatency: Histogram;
  progressLatency: Histogram;
  /** Views this validator voted to skip (its leader timed out or its proposal failed to verify). */
  nullifyVotes: Counter;
  /** Consensus messages from peers refused by a check; label `reason` (stable strings of the voter). */
  consensusRefused: Counter;
  /** Worst event-loop lag of the last second or so (`LoopLag` of @nullspace/core/node). */
  loopLag: Gauge;
  /** Transactions inside mempool admission (node/admission.ts). */
  admissionInflight: Gauge;
}

export function validatorMetrics(registry: Registry): ValidatorMetrics {
  return {
    consensusView: registry.gauge({ name: "consensus_view", help: "Current consensus view." }),
    consensusFinalizedHeight: registry.gauge({ name: "consensus_finalized_height", help: "Highest finalized block height." }),
    finalityLatency: registry.histogram({
      name: "consensus_finality_latency_seconds",
      help: "Seconds from a block's proposal to its finalization, as this validator saw them.",
      buckets: LATENCY_BUCKETS,
    }),
    mempoolTransactions: registry.gauge({ name: "mempool_transactions", help: "Transactions held in the mempool." }),
    mempoolBytes: registry.gauge({ name: "mempool_bytes", help: "Bytes of the transactions held in the mempool." }),
    peerConnected: registry.gauge({
      name: "peer_connected",
      help: "1 while the link to a peer validator is up, else 0.",
      labelNames: ["peer"],
    }),
    journalSync: registry.histogram({ name: "journal_sync_seconds", help: "Seconds per journal sync (fsync).", buckets: SYNC_BUCKETS }),
    executionHeight: registry.gauge({ name: "execution_height", help: "Highest executed block height." }),
    executionAlarm: registry.gauge({
      name: "execution_alarm",
      help: "1 when this validator's execution disagrees with a progress certificate or failed, else 0.",
    }),
    beaconLatency: registry.histogram({
      name: "beacon_latency_seconds",
      help: "Seconds from finalizing a height to recovering its beacon signature.",
      buckets: LATENCY_BUCKETS,
    }),
    progressLatency: registry.histogram({
      name: "progress_latency_seconds",
      help: "Seconds from finalizing a height to holding its progress certificate.",
      buckets: LATENCY_BUCKETS,
    }),
    nullifyVotes: registry.counter({ name: "consensus_nullify_votes_total", help: "Views this validator voted to skip." }),
    consensusRefused: registry.counter({
      name: "consensus_refused_total",
      help: "Consensus messages from peers refused by a check.",
      labelNames: ["reason"],
    }),
    loopLag: registry.gauge({ name: "event_loop_lag_seconds", help: "Worst event-loop lag of the last 0.5 to 1 s." }),
    admissionInflight: registry.gauge({
      name: "admission_inflight_transactions",
      help: "Transactions being admitted to the mempool (decoding, checks, signatures).",
    }),
  };
}
