// The beacon's three expensive operations behind one asynchronous interface, so a validator can
// run them off the thread that runs consensus (worker-crypto.ts) while simulations run them inline,
// deterministically (this file). Each costs milliseconds of BLS12-381 arithmetic in JavaScript
// (bench/beacon.ts); on the consensus thread they delayed votes by as much.

import { verifySignature } from "@nullspace/core/bls";
import type { Commitments, Share } from "./keys.js";
import { partialSign } from "./partial.js";
import { type PartialSignature, type RecoverManyItem, recoverVerified, recoverVerifiedMany } from "./recover.js";

export interface BeaconCrypto {
  /** This validator's partial σ_i on `message`. */
  partialSign(message: Uint8Array): Promise<Uint8Array>;
  /** σ from the partials, verified against the group key; undefined while fewer than t are valid. */
  recover(message: Uint8Array, partials: readonly PartialSignature[]): Promise<Uint8Array | undefined>;
  /** recover for several heights at once, verified with one pairing check (recoverVerifiedMany). */
  recoverMany(items: readonly RecoverManyItem[]): Promise<(Uint8Array | undefined)[]>;
  /** Whether `sigma` is the beacon signature on `message` (a σ a peer sent). */
  verify(message: Uint8Array, sigma: Uint8Array): Promise<boolean>;
  /** Releases what it holds (a worker); later calls reject. */
  close(): Promise<void>;
}

export interface BeaconKeys {
  share: Share;
  commitments: Commitments;
  groupKey: Uint8Array;
}

/** The operations themselves, synchronous: what both implementations run. */
export function beaconOps(keys: BeaconKeys) {
  return {
    partialSign: (message: Uint8Array): Uint8Array => partialSign(keys.share, message),
    recover(message: Uint8Array, partials: readonly PartialSignature[]): Uint8Array | undefined {
      if (partials.length < keys.commitments.length) return undefined;
      try {
        return recoverVerified({ commitments: keys.commitments, message, partials }).signature;
      } catch {
        return undefined; // not enough valid partials yet
      }
    },
    recoverMany: (items: readonly RecoverManyItem[]): (Uint8Array | undefined)[] => recoverVerifiedMany(keys.commitments, items),
    verify: (message: Uint8Array, sigma: Uint8Array): boolean => verifySignature(keys.groupKey, message, sigma),
  };
}

/** Runs each operation on the calling thread; results arrive as already-settled promises. */
export function inlineBeaconCrypto(keys: BeaconKeys): BeaconCrypto {
  const ops = beaconOps(keys);
  return {
    partialSign: async (message) => ops.partialSign(message),
    recover: async (message, partials) => ops.recover(message, partials),
    recoverMany: async (items) => ops.recoverMany(items),
    verify: async (message, sigma) => ops.verify(message, sigma),
    close: async () => {},
  };
}
