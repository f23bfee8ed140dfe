// Account instructions: register, faucet, and the admin set and policy. Each handler checks
// everything first and writes only once it cannot fail, so a refused instruction changes nothing
// but the nonce (economy.md, "Accounts and admin").
import { Tx } from "../codec/tx";
import { Ev } from "../codec/event";
import { Account } from "../state/account";
import { Policy, PolicyField, TOTAL_SUPPLY, isKnownPolicyField, isWithinPolicyBounds } from "../state/policy";
import { isValidAdminSet } from "../state/chain";
import { playerKey } from "../state/keys";
import { State } from "./state";
import { EventSink, TxContext } from "./events";
import {
  E_ALREADY_REGISTERED, E_SUPPLY_EXHAUSTED, E_FAUCET_DISABLED, E_UNKNOWN_ACCOUNT, E_FAUCET_NOT_ELIGIBLE,
  E_FAUCET_COOLDOWN, E_ARITHMETIC_OVERFLOW, E_NOT_ADMIN, E_ADMIN_KEYS_INVALID, E_UNKNOWN_POLICY_FIELD,
  E_POLICY_OUT_OF_BOUNDS,
} from "../errors";

/** Mints `amount` into an account if supply allows; returns an error code or 0. */
function checkMint(s: State, a: Account, amount: u64): u16 {
  if (amount > TOTAL_SUPPLY - s.supply.minted) return E_SUPPLY_EXHAUSTED;
  if (a.chips > U64.MAX_VALUE - amount) return E_ARITHMETIC_OVERFLOW;
  return 0;
}

export function register(s: State, ctx: TxContext, tx: Tx, a: Account, ev: EventSink): u16 {
  if (a.registered) return E_ALREADY_REGISTERED;
  const grant = s.policy.get(PolicyField.REGISTER_GRANT);
  const code = checkMint(s, a, grant);
  if (code != 0) return code;
  a.registered = true;
  a.setName(tx.name.dataStart, <u32>tx.name.length);
  a.chips = grant;
  a.registeredAtMs = ctx.timestampMs;
  a.playerIndex = s.meta.playerCount;
  s.store.set(playerKey(a.playerIndex), tx.signer);
  s.meta.playerCount++;
  s.supply.minted += grant;
  s.chainDirty = true;
  ev.begin(ctx, Ev.REGISTERED).varBytes(tx.name).varint(a.chips).varint(a.playerIndex);
  ev.end();
  return 0;
}

export function faucet(s: State, ctx: TxContext, a: Account, ev: EventSink): u16 {
  const p: Policy = s.policy;
  if (p.get(PolicyField.FAUCET_ENABLED) == 0) return E_FAUCET_DISABLED;
  if (!a.registered) return E_UNKNOWN_ACCOUNT;
  const now = ctx.timestampMs;
  const age = now >= a.registeredAtMs ? now - a.registeredAtMs : 0;
  const minAge = p.get(PolicyField.FAUCET_MIN_AGE_MS);
  const minSessions = p.get(PolicyField.FAUCET_MIN_SESSIONS);
  const cooldown = p.get(PolicyField.FAUCET_COOLDOWN_MS);
  if (age < minAge || a.sessionsPlayed < minSessions) return E_FAUCET_NOT_ELIGIBLE;
  if (a.lastFaucetMs != 0 && now - a.lastFaucetMs < cooldown) return E_FAUCET_COOLDOWN;
  const amount = p.get(PolicyField.FAUCET_AMOUNT);
  const code = checkMint(s, a, amount);
  if (code != 0) return code;
  a.chips += amount;
  a.lastFaucetMs = now;
  s.supply.minted += amount;
  s.chainDirty = true;
  ev.begin(ctx, Ev.FAUCET_CLAIMED).varint(amount).varint(a.chips);
  ev.end();
  return 0;
}

export function rotateAdmins(s: State, ctx: TxContext, tx: Tx, ev: EventSink): u16 {
  if (!s.admins.has(tx.signer)) return E_NOT_ADMIN;
  if (!isValidAdminSet(tx.keys)) return E_ADMIN_KEYS_INVALID;
  s.admins.keys = tx.keys;
  s.chainDirty = true;
  const w = ev.begin(ctx, Ev.ADMIN_KEYS_ROTATED).varint(<u64>tx.keys.length);
  for (let i = 0; i < tx.keys.length; i++) w.bytes(tx.keys[i]);
  ev.end();
  return 0;
}

export function setPolicy(s: State, ctx: TxContext, tx: Tx, ev: EventSink): u16 {
  if (!s.admins.has(tx.signer)) return E_NOT_ADMIN;
  if (!isKnownPolicyField(tx.policyField)) return E_UNKNOWN_POLICY_FIELD;
  if (!isWithinPolicyBounds(tx.policyField, tx.policyValue)) return E_POLICY_OUT_OF_BOUNDS;
  s.policy.values[tx.policyField] = tx.policyValue;
  s.chainDirty = true;
  ev.begin(ctx, Ev.POLICY_SET).u8(tx.policyField).varint(tx.policyValue);
  ev.end();
  return 0;
}
