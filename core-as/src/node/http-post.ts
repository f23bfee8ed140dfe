// POST bytes (or GET) and read a JSON answer over node:http(s) with keep-alive agents. The global
// fetch (undici) cost 340–760 µs of CPU a request on this 2-core machine against ~70 µs for the same
// request through node:http (docs/benchmarks.md, "Where a submission's CPU goes"): with the
// validators, the relay and the load generators sharing the cores, every request made through
// fetch was CPU taken from verifying and executing. Used by the relay's forwarder and the
// benchmarks' load generators; browsers keep fetch.
import http from "node:http";
import https from "node:https";

export interface PostAnswer {
  status: number;
  /** The parsed JSON body; undefined when it was not JSON. */
  body: unknown;
}

export interface HttpPosterOptions {
  /** Sockets per origin (default 16). */
  maxSockets?: number;
  /** Largest answer read (default 4 MiB); a longer one fails the request. */
  maxAnswerBytes?: number;
}

export class HttpPoster {
  private readonly agents: { "http:": http.Agent; "https:": https.Agent };
  private readonly maxAnswerBytes: number;

  constructor(o: HttpPosterOptions = {}) {
    const maxSockets = o.maxSockets ?? 16;
    // Every socket opened stays open while idle (Node keeps 256 by default and closes the rest): a
    // load generator's 512 warmed sockets otherwise came back as 256 and 256 new connections.
    const agentOptions = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets };
    this.agents = { "http:": new http.Agent(agentOptions), "https:": new https.Agent(agentOptions) };
    this.maxAnswerBytes = o.maxAnswerBytes ?? 4 * 1024 * 1024;
  }

  /** Rejects on a network error, a timeout (the whole exchange) or an answer over the bound. */
  post(url: string, contentType: string, body: Uint8Array, timeoutMs: number): Promise<PostAnswer> {
    return this.request("POST", url, timeoutMs, { "content-type": contentType, "content-length": body.length }, body);
  }

  /** A GET through the same keep-alive sockets (load generators open them with it before timing). */
  get(url: string, timeoutMs: number): Promise<PostAnswer> {
    return this.request("GET", url, timeoutMs, {});
  }

  private request(
    method: "GET" | "POST",
    url: string,
    timeoutMs: number,
    headers: http.OutgoingHttpHeaders,
    body?: Uint8Array,
  ): Promise<PostAnswer> {
    return new Promise((resolve, reject) => {
      const u = new URL(url);
      const isHttps = u.protocol === "https:";
      if (!isHttps && u.protocol !== "http:") {
        reject(new Error(`not an http(s) URL: ${url}`));
        return;
      }
      const request = (isHttps ? https : http).request(u, { method, agent: this.agents[isHttps ? "https:" : "http:"], headers }, (res) => {
        const chunks: Buffer[] = [];
        let length = 0;
        res.on("data", (c: Buffer) => {
          length += c.length;
          if (length > this.maxAnswerBytes) request.destroy(new Error(`answer over ${this.maxAnswerBytes} bytes`));
          else chunks.push(c);
        });
        res.on("end", () => {
          clearTimeout(timer);
          let parsed: unknown;
          try {
            parsed = JSON.parse(Buffer.concat(chunks, length).toString("utf8"));
          } catch {}
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on("error", fail);
      });
      const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      function fail(e: Error): void {
        clearTimeout(timer);
        reject(e);
      }
      request.on("error", fail);
      request.end(body);
    });
  }

  /** Closes every socket, idle or in use (what is in flight then fails). */
  close(): void {
    this.agents["http:"].destroy();
    this.agents["https:"].destroy();
  }
}
