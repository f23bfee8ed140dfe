// What relays say to each other on the bus (docs/decisions/006-relay-bus.md): only "height h is in
// the shared store", never the bytes of a height. A receiver reads the bundles from the store and
// verifies them like any other source, so a message is a hint: a lying or lost one costs a store
// read, never an unverified frame. Text, one line: `<height> <sentAtMs> <relayId>`, e.g.
// `1234 1718000000000 4f3a9c1e`, strictly canonical (no leading zeros, no extra spaces).

export const MAX_BUS_MESSAGE_BYTES = 128;
const U64_MAX = (1n << 64n) - 1n;
const LINE = /^(0|[1-9][0-9]{0,19}) (0|[1-9][0-9]{0,15}) ([0-9a-f]{8,32})$/;

export interface HeightStored {
  height: bigint;
  /** Sender's wall clock (ms since the epoch) when it published: for the delay metric only. */
  sentAtMs: number;
  /** The publishing relay's random id: a relay skips its own messages. */
  relayId: string;
}

/** A bus message that is not a canonical HeightStored line (code BUS_MESSAGE_MALFORMED). */
export class BusMessageMalformed extends Error {
  override readonly name = "BusMessageMalformed";
  readonly code = "BUS_MESSAGE_MALFORMED";
}

export function encodeHeightStored(m: HeightStored): string {
  return `${m.height} ${m.sentAtMs} ${m.relayId}`;
}

export function decodeHeightStored(text: string): HeightStored {
  if (text.length > MAX_BUS_MESSAGE_BYTES) throw new BusMessageMalformed(`a bus message of ${text.length} characters`);
  const m = LINE.exec(text);
  if (!m) throw new BusMessageMalformed("not `<height> <sentAtMs> <relayId>`");
  const height = BigInt(m[1] as string);
  if (height > U64_MAX) throw new BusMessageMalformed("height is not a u64");
  const sentAtMs = Number(m[2]);
  if (!Number.isSafeInteger(sentAtMs)) throw new BusMessageMalformed("sentAtMs is not a safe integer");
  return { height, sentAtMs, relayId: m[3] as string };
}

/**
 * What names one chain on a shared Redis: its id and the first 16 hex digits of its genesis
 * digest. The id alone does not tell chains apart (every devnet is 1337), and relays of two chains
 * keyed by it alone heard each other's heights, merged their table rooms and spent one rate-limit
 * bucket.
 */
export function chainKey(chainId: bigint, genesisDigest: string): string {
  return `${chainId}:${genesisDigest.slice(0, 16)}`;
}

/** The heights channel of one chain (`chainKey`): relays of different chains may share one bus server. */
export function heightsChannel(key: string): string {
  return `nullspace:${key}:heights`;
}
