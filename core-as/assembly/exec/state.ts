// The whole state of one chain: the key-value store, typed copies of the chain-wide records
// (written back once per block), and the two log MMRs.
import { Store } from "../state/store";
import { Meta, Supply, Admins, encodeMeta, encodeSupply, encodeAdmins, decodeMeta, decodeSupply, decodeAdmins, isValidAdminSet } from "../state/chain";
import { Policy, PolicyField, encodePolicy, decodePolicy } from "../state/policy";
import { Account, encodeAccount, decodeAccount, decodeAccountInto } from "../state/account";
import { Prefix, singletonKey, accountKey } from "../state/keys";
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { Genesis, decodeGenesis } from "../codec/genesis";
import { MmrPeaks } from "../commit/mmr";
import { sha256Raw } from "../crypto/sha256";
import { FORMAT_VERSION } from "../codec/limits";
import { E_SNAPSHOT_INVALID, E_UNKNOWN_VERSION } from "../errors";

const META_KEY = singletonKey(Prefix.META);
const SUPPLY_KEY = singletonKey(Prefix.SUPPLY);
const POLICY_KEY = singletonKey(Prefix.POLICY);
const ADMINS_KEY = singletonKey(Prefix.ADMINS);

export class State {
  store: Store = new Store();
  meta: Meta = new Meta();
  supply: Supply = new Supply();
  policy: Policy = new Policy();
  admins: Admins = new Admins();
  txLog: MmrPeaks = new MmrPeaks();
  eventLog: MmrPeaks = new MmrPeaks();
  /** Whether supply, policy or admins changed since they were last written to the store. */
  chainDirty: bool = false;
  /**
   * Set while a tournament round runs: the account's chips then hold the player's tournament
   * stack, which is not part of supply, so the ledger moves nothing to or from the house.
   */
  tournamentPlay: bool = false;
  private w: Writer = new Writer(256);

  /** Builds height 0 from a genesis record; returns an error code or 0. */
  static fromGenesis(bytes: usize, len: usize): State | null {
    const r = new Reader(bytes, len);
    const g = decodeGenesis(r);
    if (g == null || !isValidAdminSet(g.admins)) return null;
    const s = new State();
    s.meta.chainId = g.chainId;
    s.meta.genesisTimeMs = g.genesisTimeMs;
    s.meta.lastTimestampMs = g.genesisTimeMs;
    sha256Raw(bytes, len, s.meta.lastDigest.dataStart);
    s.admins.keys = g.admins;
    s.policy.values[PolicyField.FAUCET_ENABLED] = g.faucetEnabled ? 1 : 0;
    s.chainDirty = true;
    s.writeChainRecords();
    return s;
  }

  /** The store entry of the last account loaded, so saving it reuses its key hash. */
  private accountEntry: usize = 0;
  private accountKeyBuf: Uint8Array = new Uint8Array(33);
  private accountReader: Reader = new Reader(0, 0);
  private loaded: Account = new Account();

  /** Loads an account; `keyHash` is sha256 of its state key (the executor hashes a block's in bulk). */
  loadAccount(keyHash: usize): Account | null {
    const e = this.store.findHash(keyHash);
    this.accountEntry = e;
    if (!Store.isLive(e)) return null;
    return decodeAccountInto(this.accountReader.reset(Store.valuePtr(e), Store.valueLen(e)), this.loaded);
  }

  /** A blank account for a key entering state (the same reused object as loadAccount's). */
  newAccount(): Account {
    return this.loaded.reset();
  }

  /** Saves the account last loaded with loadAccount(pubkey). */
  saveAccount(pubkey: Uint8Array, a: Account): void {
    const w = this.w.reset();
    encodeAccount(a, w);
    const key = this.accountKeyBuf;
    key[0] = Prefix.ACCOUNT;
    memory.copy(key.dataStart + 1, pubkey.dataStart, 32);
    this.store.put(this.accountEntry, key.dataStart, 33, w.ptr, <u32>w.len);
  }

  /** An account by key, for views (not the execution path). */
  account(pubkey: Uint8Array): Account | null {
    const v = this.store.get(accountKey(pubkey));
    return v ? decodeAccount(Reader.of(v)) : null;
  }

  /** Writes the typed chain records back into the store (meta always, the rest when changed). */
  writeChainRecords(): void {
    let w = this.w.reset();
    encodeMeta(this.meta, w);
    this.store.set(META_KEY, w.toBytes());
    if (!this.chainDirty) return;
    w = this.w.reset();
    encodeSupply(this.supply, w);
    this.store.set(SUPPLY_KEY, w.toBytes());
    w = this.w.reset();
    encodePolicy(this.policy, w);
    this.store.set(POLICY_KEY, w.toBytes());
    w = this.w.reset();
    encodeAdmins(this.admins, w);
    this.store.set(ADMINS_KEY, w.toBytes());
    this.chainDirty = false;
  }

  /** Returns the raw memory of the store and state tree (the state is unusable afterwards). */
  free(): void {
    this.store.free();
  }

  /** version ‖ tx log peaks ‖ event log peaks ‖ state root ‖ count ‖ (key, value)* by key hash. */
  snapshot(w: Writer): void {
    const root = new Uint8Array(32);
    this.store.root(root.dataStart);
    w.u8(FORMAT_VERSION);
    this.txLog.encode(w);
    this.eventLog.encode(w);
    w.bytes(root);
    const entries = this.store.sortedEntries();
    w.varint(<u64>entries.length);
    for (let i = 0; i < entries.length; i++) {
      const e = <usize>entries[i];
      w.varint(<u64>Store.keyLen(e)).raw(Store.keyPtr(e), Store.keyLen(e));
      w.varint(<u64>Store.valueLen(e)).raw(Store.valuePtr(e), Store.valueLen(e));
    }
  }

  /** Rebuilds a state from a snapshot, refusing it unless every record decodes and the root matches. */
  static restore(r: Reader): State | null {
    const s = new State();
    if (s.fill(r)) return s;
    s.free(); // a refused snapshot must not leave its half-built store behind
    return null;
  }

  private fill(r: Reader): bool {
    if (r.u8() != FORMAT_VERSION) r.fail(E_UNKNOWN_VERSION);
    const txLog = MmrPeaks.decode(r);
    const eventLog = MmrPeaks.decode(r);
    const root = r.bytes(32);
    const n = r.varint();
    if (!r.ok || txLog == null || eventLog == null) return false;
    this.txLog = txLog;
    this.eventLog = eventLog;
    for (let i: u64 = 0; i < n && r.ok; i++) {
      const key = r.varBytes(64);
      const value = r.varBytes(1 << 20);
      if (!r.ok) break;
      if (key.length == 0 || value.length == 0 || this.store.get(key) != null) {
        r.fail(E_SNAPSHOT_INVALID);
        break;
      }
      this.store.set(key, value);
    }
    if (!r.finish()) return false;
    const actual = new Uint8Array(32);
    this.store.root(actual.dataStart);
    if (memory.compare(actual.dataStart, root.dataStart, 32) != 0) return false;
    const meta = this.store.get(META_KEY);
    const supply = this.store.get(SUPPLY_KEY);
    const policy = this.store.get(POLICY_KEY);
    const admins = this.store.get(ADMINS_KEY);
    if (!meta || !supply || !policy || !admins) return false;
    const m = decodeMeta(Reader.of(meta));
    const su = decodeSupply(Reader.of(supply));
    const p = decodePolicy(Reader.of(policy));
    const a = decodeAdmins(Reader.of(admins));
    if (!m || !su || !p || !a) return false;
    this.meta = m;
    this.supply = su;
    this.policy = p;
    this.admins = a;
    return true;
  }
}

