// A small Prometheus registry (text format 0.0.4): counters and gauges with optional labels.
// The relay's metrics are listed in docs/relay-api.md.

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type Labels = Record<string, string>;

function key(labels: Labels): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`)
    .join(",");
}

class Metric {
  readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: "counter" | "gauge",
  ) {}

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    if (this.values.size === 0 && this.type === "gauge") lines.push(`${this.name} 0`);
    for (const [k, v] of this.values) lines.push(k ? `${this.name}{${k}} ${v}` : `${this.name} ${v}`);
    return lines.join("\n");
  }
}

export class Counter extends Metric {
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(key(labels)) ?? 0;
  }
}

export class Gauge extends Metric {
  set(value: number, labels: Labels = {}): void {
    this.values.set(key(labels), value);
  }
  get(labels: Labels = {}): number {
    return this.values.get(key(labels)) ?? 0;
  }
}

export class Registry {
  private readonly metrics: Metric[] = [];

  counter(name: string, help: string): Counter {
    const m = new Counter(name, help, "counter");
    this.metrics.push(m);
    return m;
  }

  gauge(name: string, help: string): Gauge {
    const m = new Gauge(name, help, "gauge");
    this.metrics.push(m);
    return m;
  }

  render(): string {
    return `${this.metrics.map((m) => m.render()).join("\n")}\n`;
  }
}

/** The relay's metrics (docs/relay-api.md, "Metrics"). */
export function relayMetrics(r: Registry) {
  return {
    height: r.gauge("relay_height", "highest verified, executed and stored height"),
    validatorTip: r.gauge("relay_validator_tip", "highest height a followed validator announced"),
    verified: r.counter("relay_bundles_verified_total", "bundles verified, replayed and stored"),
    refused: r.counter("relay_bundles_refused_total", "bundles refused, by reason"),
    followReconnects: r.counter("relay_follow_reconnects_total", "reconnections to validators' streams"),
    submitted: r.counter("relay_submit_total", "transactions submitted, by result (ok or error code)"),
    submitsPending: r.gauge("relay_submits_pending", "submissions inside the relay, from their checks to the validators' verdict"),
    forwardBatches: r.counter("relay_forward_batches_total", "batched /submit requests sent to validators"),
    forwardTxs: r.counter(
      "relay_forward_transactions_total",
      "transactions carried by those batches (retries to another validator included)",
    ),
    requests: r.counter("relay_http_requests_total", "HTTP requests, by route and status"),
    logAnswers: r.counter("relay_log_answers_total", "/log answers, by where their bundles came from (memory: the recent heights; store)"),
    connectionsDropped: r.counter(
      "relay_connections_dropped_total",
      "connections closed at accept, by reason (max_connections: the relay held maxConnections; per_address: their address held maxConnectionsPerIp)",
    ),
    clientErrors: r.counter(
      "relay_client_errors_total",
      "connections closed before any route because their HTTP could not be read, by error code (RELAY_REQUEST_TIMEOUT, RELAY_HEADERS_TOO_LARGE, RELAY_BAD_REQUEST)",
    ),
    subscribers: r.gauge("relay_update_subscribers", "open /updates sockets"),
    frames: r.counter("relay_update_frames_total", "update frames sent"),
    evictions: r.counter("relay_update_evictions_total", "subscribers closed as slow consumers"),
    updatePasses: r.counter(
      "relay_update_passes_total",
      "send passes over every subscriber (each carries every height queued when it reached a socket)",
    ),
    updatePassMs: r.gauge("relay_update_pass_ms", "duration of the last send pass"),
    updateBacklog: r.gauge(
      "relay_update_backlog_heights",
      "heights published and not yet sent to every subscriber, at the end of the last pass",
    ),
    pipelineSteps: r.counter(
      "relay_pipeline_steps_total",
      "pipeline steps that waited for I/O (verifying, storing), by the send turns beside them: short (behind the chain) or full",
    ),
    heightsBySource: r.counter(
      "relay_heights_by_source_total",
      "heights verified and stored, by where the bundle came from (validator or store)",
    ),
    followingValidators: r.gauge(
      "relay_following_validators",
      "1 while this relay reads validators' streams, 0 while it follows the shared store",
    ),
    busConnected: r.gauge("relay_bus_connected", "1 while the bus subscription is confirmed"),
    busIn: r.counter("relay_bus_messages_in_total", "bus messages received, by result (ok, own, malformed)"),
    busOut: r.counter("relay_bus_messages_out_total", "heights announced on the bus, by result (ok, failed)"),
    roomBusIn: r.counter("relay_room_bus_messages_in_total", "room messages from other relays, by result (ok, ignored, malformed)"),
    busReconnects: r.counter("relay_bus_reconnects_total", "bus subscriptions confirmed again after a loss"),
    storeAvailable: r.gauge(
      "relay_store_available",
      "1 while the relay's database answers; 0 while the pipeline retries a step it could not reach it for",
    ),
    storeRowsReplaced: r.counter(
      "relay_store_rows_replaced_total",
      "stored heights this relay overwrote with its verified bundle, by reason (forged: block, roots or record differ; certificates: other signature bytes)",
    ),
    checkpoints: r.counter(
      "relay_checkpoints_total",
      "state checkpoints by outcome: written, restored (a start or rebuild began there), refused (did not give its height's certified record; dropped), failed (not written)",
    ),
    rateLimitFallbacks: r.counter(
      "relay_rate_limit_fallbacks_total",
      "/submit rate checks answered by this relay's own buckets because the shared Redis could not answer",
    ),
    busLag: r.gauge("relay_bus_lag_heights", "highest height announced on the bus, up to the validator tip, minus this relay's height"),
    busDelayMs: r.gauge("relay_bus_delay_ms", "receive time minus the sender's publish time of the last bus message (clocks of two hosts)"),
    roomSockets: r.gauge("relay_room_sockets", "open /rooms sockets"),
    roomsOpen: r.gauge("relay_rooms_open", "room documents in memory"),
    roomClosed: r.counter("relay_room_closed_total", "room sockets the relay closed, by reason"),
    loopLag: r.gauge("relay_event_loop_lag_seconds", "worst event-loop lag of the last 0.5 to 1 s (how late a 10 ms timer fired)"),
    residentBytes: r.gauge("process_resident_memory_bytes", "resident memory of the relay process"),
    heapUsedBytes: r.gauge("nodejs_heap_size_used_bytes", "JS heap in use on the relay's main thread"),
    cpuSeconds: r.counter("process_cpu_seconds_total", "CPU time of the relay process, user and system, every thread"),
    openFds: r.gauge("process_open_fds", "open file descriptors of the relay process (each connection is one)"),
  };
}

export type RelayMetrics = ReturnType<typeof relayMetrics>;
