// The id every answer carries in `x-request-id` and every log line of its request names: the
// client's own when it sent a usable one (a proxy's, to follow a request across hops), else a new one.
import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export function requestIdOf(headers: IncomingHttpHeaders): string {
  const given = headers["x-request-id"];
  return typeof given === "string" && REQUEST_ID.test(given) ? given : newRequestId();
}

export function newRequestId(): string {
  return randomBytes(8).toString("hex");
}
