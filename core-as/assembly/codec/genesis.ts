// The genesis record: what a chain starts from. Its sha256 is the parent digest of block 1.
import { Reader } from "./reader";
import { Writer } from "./writer";
import { FORMAT_VERSION, KEY_LEN, MAX_ADMIN_KEYS } from "./limits";
import { E_UNKNOWN_VERSION, E_TOO_MANY_ITEMS } from "../errors";

export class Genesis {
  chainId: u64 = 0;
  genesisTimeMs: u64 = 0;
  admins: Uint8Array[] = [];
  faucetEnabled: bool = true;
}

export function decodeGenesis(r: Reader): Genesis | null {
  const g = new Genesis();
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  g.chainId = r.varint();
  g.genesisTimeMs = r.varint();
  const n = r.varintMax(MAX_ADMIN_KEYS, E_TOO_MANY_ITEMS);
  for (let i: u32 = 0; i < n && r.ok; i++) g.admins.push(r.bytes(KEY_LEN));
  g.faucetEnabled = r.bool();
  return r.finish() ? g : null;
}

export function encodeGenesis(g: Genesis, w: Writer): void {
  w.u8(FORMAT_VERSION).varint(g.chainId).varint(g.genesisTimeMs).varint(<u64>g.admins.length);
  for (let i = 0; i < g.admins.length; i++) w.bytes(g.admins[i]);
  w.bool(g.faucetEnabled);
}
