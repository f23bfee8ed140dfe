// How far the chain is, as the followed validator says, believed only as far as it proves. The tip
// drives /readyz ("synced within N heights"), the pipeline's short send turns and the stall check;
// a validator that announced heights it does not have (its frames are unverified until their
// bundles are complete) would keep every relay following it "not ready" and its fan-out in short
// turns for good. A claim at most `slack` heights past the relay's own verified height is taken as
// it is (the chain's pace: no cost); one further is taken once the finalization certificate in
// the frame's bundle verifies for a height at least that far, else its validator is left. One
// claim is checked at a time and at most ten a second (a relay catching up reads thousands of
// frames a second): the newest waits, older ones are dropped, and the tip lags by a check at most.
import type { Codec } from "@nullspace/core";
import { verifyCertificate } from "@nullspace/core";

export interface TipClaimsOptions {
  /** The codec of the relay's current chain (a rebuild replaces it). */
  codec: () => Codec;
  chainId: bigint;
  /** ed25519 keys of the validator set, by index. */
  validators: readonly Uint8Array[];
  /** The relay's verified height. */
  verifiedHeight: () => bigint;
  /** Claims up to verifiedHeight() + slack are taken unchecked. */
  slack: bigint;
  /** The highest height already taken: claims up to it need nothing. */
  tip: () => bigint;
  /** A height the chain has reached. */
  onTip: (height: bigint) => void;
  /** A claim that did not prove itself, from the validator at `from`. */
  onFalse: (from: string, height: bigint, why: string) => void;
  /** onTip or onFalse threw (the checks go on). */
  onError?: (e: unknown) => void;
}

const MIN_CHECK_INTERVAL_MS = 100;

interface Claim {
  height: bigint;
  bundle: Uint8Array;
  from: string;
  /** Whoever awaits this claim, or one it replaced: told once it is decided. */
  settled: (() => void)[];
}

export class TipClaims {
  private checking = false;
  private next: Claim | undefined;

  constructor(private readonly o: TipClaimsOptions) {}

  /** Validator `from` says the chain reached `height`, with the bundle it sent for it (complete or not). */
  claim(height: bigint, bundle: Uint8Array, from: string): void {
    this.take(height, bundle, from);
  }

  /** As claim; resolves once the claim is decided (taken or refused), or a newer one that replaced it is. */
  settle(height: bigint, bundle: Uint8Array, from: string): Promise<void> {
    return new Promise((resolve) => {
      const pending = this.take(height, bundle, from);
      if (pending) pending.settled.push(resolve);
      else resolve();
    });
  }

  /** The claim waiting to be checked that decides this one; undefined if it was decided now. */
  private take(height: bigint, bundle: Uint8Array, from: string): Claim | undefined {
    if (height <= this.o.tip()) return undefined;
    if (height <= this.o.verifiedHeight() + this.o.slack) {
      this.o.onTip(height);
      return undefined;
    }
    if (this.next && this.next.height >= height) return this.next;
    const claim = { height, bundle: bundle.slice(), from, settled: this.next?.settled ?? [] };
    this.next = claim;
    // checkAll takes `next` at once when no check is under way: the claim, not `next`, is returned.
    if (!this.checking) void this.checkAll();
    return claim;
  }

  private async checkAll(): Promise<void> {
    this.checking = true;
    try {
      for (let c = this.next; c; c = this.next) {
        this.next = undefined;
        const started = performance.now();
        try {
          const proven = await this.proven(c.height, c.bundle);
          if (typeof proven === "bigint") this.o.onTip(proven);
          else this.o.onFalse(c.from, c.height, proven);
        } catch (e) {
          // A handler that threw must not end the checks (nor the process: nobody awaits this loop).
          this.o.onError?.(e);
        } finally {
          for (const s of c.settled) s(); // whatever happened, nobody waits for good
        }
        const rest = MIN_CHECK_INTERVAL_MS - (performance.now() - started);
        if (this.next && rest > 0) await new Promise((r) => setTimeout(r, rest));
      }
    } finally {
      this.checking = false;
    }
  }

  /** The height the bundle's finalization certificate proves, if at least `height`; else why not. */
  private async proven(height: bigint, bundle: Uint8Array): Promise<bigint | string> {
    let finalization: Uint8Array;
    try {
      finalization = this.o.codec().decodeFinalized(bundle).finalization;
    } catch (e) {
      return `the bundle does not decode: ${(e as Error).message}`;
    }
    const { chainId, validators } = this.o;
    let cert: Awaited<ReturnType<typeof verifyCertificate>>;
    try {
      cert = await verifyCertificate({ codec: this.o.codec(), chainId, validators, certificate: finalization, offMainThread: true });
    } catch (e) {
      return `its finalization certificate could not be checked: ${(e as Error).message}`;
    }
    if (!cert.ok) return `its finalization certificate fails: ${cert.reason}`;
    if (cert.kind !== "finalization" || !cert.proposal) return `a ${cert.kind} certificate`;
    if (cert.proposal.height < height) return `its certificate finalizes height ${cert.proposal.height}`;
    return cert.proposal.height;
  }
}
