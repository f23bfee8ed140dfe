// Loading and saving the tournament records of state/tournament.ts in the store.
import { Reader } from "../codec/reader";
import { Writer } from "../codec/writer";
import { tournamentKey, tournamentEntryKey, freerollKey, singletonKey, Prefix } from "../state/keys";
import {
  Tournament, Entry, Freeroll, FreerollTotals, encodeTournament, decodeTournament, encodeEntry, decodeEntry, encodeFreeroll,
  decodeFreeroll, encodeFreerollTotals, decodeFreerollTotals, foldVested, creditsExpired, creditsHeld,
} from "../state/tournament";
import { State } from "./state";

const TOTALS_KEY = singletonKey(Prefix.FREEROLL_TOTALS);
const w = new Writer(256);

export function loadTournament(s: State, id: u64): Tournament | null {
  const v = s.store.get(tournamentKey(id));
  return v == null ? null : decodeTournament(Reader.of(v));
}

export function saveTournament(s: State, id: u64, t: Tournament): void {
  encodeTournament(t, w.reset());
  s.store.set(tournamentKey(id), w.toBytes());
}

export function loadEntry(s: State, id: u64, player: Uint8Array): Entry | null {
  const v = s.store.get(tournamentEntryKey(id, player));
  return v == null ? null : decodeEntry(Reader.of(v));
}

export function saveEntry(s: State, id: u64, player: Uint8Array, e: Entry): void {
  encodeEntry(e, w.reset());
  s.store.set(tournamentEntryKey(id, player), w.toBytes());
}

export function loadFreeroll(s: State, player: Uint8Array): Freeroll {
  const v = s.store.get(freerollKey(player));
  if (v == null) return new Freeroll();
  const f = decodeFreeroll(Reader.of(v));
  return f == null ? new Freeroll() : f; // written only by encodeFreeroll: always decodes
}

/** Saves a freeroll record as of `nowMs`: expired credits are dropped, fully vested grants folded. */
export function saveFreeroll(s: State, player: Uint8Array, f: Freeroll, nowMs: u64): void {
  if (creditsExpired(f, nowMs) && creditsHeld(f) != 0) {
    const totals = loadTotals(s);
    totals.creditsExpired += creditsHeld(f);
    saveTotals(s, totals);
    f.creditsUnlocked = 0;
    f.grantAmounts = [];
    f.grantStarts = [];
  }
  foldVested(f, nowMs);
  encodeFreeroll(f, w.reset());
  s.store.set(freerollKey(player), w.toBytes());
}

export function loadTotals(s: State): FreerollTotals {
  const v = s.store.get(TOTALS_KEY);
  if (v == null) return new FreerollTotals();
  const t = decodeFreerollTotals(Reader.of(v));
  return t == null ? new FreerollTotals() : t;
}

export function saveTotals(s: State, t: FreerollTotals): void {
  encodeFreerollTotals(t, w.reset());
  s.store.set(TOTALS_KEY, w.toBytes());
}

