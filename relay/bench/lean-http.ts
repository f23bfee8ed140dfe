// The /submit load generator's HTTP client: one keep-alive HTTP/1.1 connection, one request at a
// time, the request's head written as one prepared string and the answer read by Content-Length.
// node:http cost the generator ~150 µs of CPU a request here (the submitter's main thread at 0.47
// cores for 3,700 requests a second), taken from the relay it measures on the same two cores;
// what a player's browser spends on its request is not the relay machine's. Answers are JSON
// with a Content-Length (the relay's and the validators' all are); anything else fails the request.
import { connect, type Socket } from "node:net";

export interface LeanAnswer {
  status: number;
  /** The parsed JSON body; undefined when it was not JSON. */
  body: unknown;
}

const HEAD_END = Buffer.from("\r\n\r\n");
/** Largest head or body read: the bench's answers are a few hundred bytes. */
const MAX_ANSWER_BYTES = 64 * 1024;

export class LeanHttpConnection {
  private socket: Socket | undefined;
  private pending: { resolve: (a: LeanAnswer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | undefined;
  private buffered: Buffer = Buffer.alloc(0);
  private readonly host: string;
  private readonly port: number;

  /** `origin`: http://host:port. */
  constructor(origin: string) {
    const u = new URL(origin);
    if (u.protocol !== "http:") throw new Error(`lean-http speaks plain http only, not ${origin}`);
    this.host = u.hostname;
    this.port = Number(u.port || 80);
  }

  /** POSTs `body` to `path`; rejects on a network error, a timeout or an answer it cannot read. */
  post(path: string, contentType: string, body: Uint8Array, timeoutMs: number): Promise<LeanAnswer> {
    const head = `POST ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\ncontent-type: ${contentType}\r\ncontent-length: ${body.length}\r\n\r\n`;
    return this.exchange(head, body, timeoutMs);
  }

  get(path: string, timeoutMs: number): Promise<LeanAnswer> {
    return this.exchange(`GET ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\n\r\n`, undefined, timeoutMs);
  }

  /** Drops the connection (a request in flight then times out or fails); the next request opens another. */
  close(): void {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
  }

  private exchange(head: string, body: Uint8Array | undefined, timeoutMs: number): Promise<LeanAnswer> {
    if (this.pending) return Promise.reject(new Error("one request at a time on a lean connection"));
    return new Promise<LeanAnswer>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      this.pending = { resolve, reject, timer };
      // A socket still connecting holds what is written until it is connected.
      const socket = this.socket ?? this.open();
      socket.cork();
      socket.write(head, "latin1");
      if (body) socket.write(body);
      socket.uncork();
    });
  }

  private open(): Socket {
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    this.buffered = Buffer.alloc(0);
    // A socket this connection has dropped says nothing about the request on its successor.
    socket.on("data", (chunk: Buffer) => this.socket === socket && this.read(chunk));
    socket.on("error", (e) => this.socket === socket && this.fail(e));
    socket.on("close", () => this.socket === socket && this.fail(new Error("the connection closed")));
    return socket;
  }

  private read(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const headEnd = this.buffered.indexOf(HEAD_END);
    if (headEnd < 0) {
      if (this.buffered.length > MAX_ANSWER_BYTES) this.fail(new Error("an answer's head is too long"));
      return;
    }
    const head = this.buffered.toString("latin1", 0, headEnd);
    const status = Number(head.slice(9, 12));
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (!m || !(status >= 100)) {
      this.fail(new Error(`an answer without a status or a Content-Length: ${head.slice(0, 80)}`));
      return;
    }
    const length = Number(m[1]);
    if (length > MAX_ANSWER_BYTES) {
      this.fail(new Error(`an answer of ${length} bytes`));
      return;
    }
    const bodyStart = headEnd + HEAD_END.length;
    if (this.buffered.length < bodyStart + length) return;
    let body: unknown;
    try {
      body = JSON.parse(this.buffered.toString("utf8", bodyStart, bodyStart + length));
    } catch {}
    const closing = /\r\nconnection:\s*close/i.test(head);
    this.buffered = this.buffered.subarray(bodyStart + length);
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      clearTimeout(p.timer);
      p.resolve({ status, body });
    }
    if (closing) this.close();
  }

  /** Fails the request in flight, if any, and drops the connection (the next request opens another). */
  private fail(e: Error): void {
    const p = this.pending;
    this.pending = undefined;
    this.close();
    if (p) {
      clearTimeout(p.timer);
      p.reject(e);
    }
  }
}
