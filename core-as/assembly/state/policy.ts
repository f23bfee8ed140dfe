// The policy record: every economic constant, in state, changeable by an admin transaction only
// within the bounds below (economy.md: "one policy record ... within validated bounds").
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Json } from "../codec/json";
import { FORMAT_VERSION } from "../codec/limits";
import { E_UNKNOWN_VERSION, E_INVALID_VALUE } from "../errors";

export const DAY_MS: u64 = 86_400_000;
export const TOTAL_SUPPLY: u64 = 1_000_000_000;

export namespace PolicyField {
  export const REGISTER_GRANT: u8 = 0;
  export const FAUCET_AMOUNT: u8 = 1;
  export const FAUCET_COOLDOWN_MS: u8 = 2;
  export const FAUCET_MIN_AGE_MS: u8 = 3;
  export const FAUCET_MIN_SESSIONS: u8 = 4;
  export const FAUCET_ENABLED: u8 = 5;
  export const COUNT: u8 = 6;
}

// [min, max] per field, in field order.
const BOUNDS: StaticArray<u64> = [
  0, 1_000_000, // register grant
  0, 1_000_000, // faucet amount
  60_000, 30 * 86_400_000, // faucet cooldown
  0, 30 * 86_400_000, // faucet min account age
  0, 1_000, // faucet min sessions
  0, 1, // faucet enabled
];

export class Policy {
  values: StaticArray<u64> = [1_000, 1_000, DAY_MS, DAY_MS, 3, 1];

  get(field: u8): u64 {
    return this.values[field];
  }
}

export function isKnownPolicyField(field: u8): bool {
  return field < PolicyField.COUNT;
}

export function isWithinPolicyBounds(field: u8, value: u64): bool {
  return value >= BOUNDS[<i32>field * 2] && value <= BOUNDS[<i32>field * 2 + 1];
}

export function encodePolicy(p: Policy, w: Writer): void {
  w.u8(FORMAT_VERSION).varint(<u64>PolicyField.COUNT);
  for (let i = 0; i < <i32>PolicyField.COUNT; i++) w.varint(p.values[i]);
}

export function decodePolicy(r: Reader): Policy | null {
  const p = new Policy();
  if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
  if (r.varint() != <u64>PolicyField.COUNT) r.fail(E_INVALID_VALUE);
  for (let i: u8 = 0; i < PolicyField.COUNT && r.ok; i++) {
    const v = r.varint();
    if (r.ok && !isWithinPolicyBounds(i, v)) r.fail(E_INVALID_VALUE);
    p.values[i] = v;
  }
  return r.finish() ? p : null;
}

export function policyToJson(p: Policy, j: Json): void {
  j.big("registerGrant", p.values[0]).big("faucetAmount", p.values[1]).big("faucetCooldownMs", p.values[2]);
  j.big("faucetMinAgeMs", p.values[3]).big("faucetMinSessions", p.values[4]).bool("faucetEnabled", p.values[5] != 0);
}
