// A real node:http server on 127.0.0.1 for HTTP client tests (core-as's HttpPoster, the relay
// bench's LeanHttpConnection): each request's body read whole, then handed to `answer`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface LoopbackServer {
  server: Server;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** Drops every connection, then stops listening. */
  close(): Promise<void>;
}

export async function startLoopbackServer(
  answer: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void,
): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => answer(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    server,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
