// Beacon costs on the BLS engine in use: blst by default, mcl with NULLSPACE_BLS_ENGINE=mcl, noble
// with NULLSPACE_BLS_ENGINE=noble (decisions/018 and 021; consensus.md quotes noble's ~4 ms to sign a partial, 3–5 ms to recover, 17 ms to
// verify). recover() and dealing stay on noble either way. Runs every operation `iterations` times per round, several rounds, and reports for each
// the lowest of the round medians: the machine is shared, and a round that overlapped other work
// only ever reads slower. Ends with one JSON line for scripts.
// Run from validators/: npx tsx bench/beacon.ts [iterations] [rounds]

import { bls12_381 } from "@noble/curves/bls12-381.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { enableFastBls } from "@nullspace/core/node";
import {
  BEACON_DST,
  beaconMessage,
  type Dealing,
  deal,
  decodeCommitments,
  decodePublicKey,
  decodeSignature,
  encodeCommitments,
  encodePublicKey,
  encodeScalar,
  type PartialSignature,
  partialSign,
  recover,
  recoverVerified,
  verifyPartial,
  verifySignature,
} from "../src/beacon/index.js";
import { median } from "./stats.js";

const engine = await enableFastBls();
console.log(`BLS engine: ${engine}`);

const iterations = Number(process.argv[2] ?? 20);
const rounds = Number(process.argv[3] ?? 3);
const HEIGHTS = iterations + 3; // distinct messages, so no measured call reuses a hashed message

/** Runs f(k) for k = 0 … iterations + 2; the first 3 calls warm the JIT and are not counted. */
function measure(f: (k: number) => unknown): number {
  const samples: number[] = [];
  for (let k = 0; k < iterations + 3; k++) {
    const start = performance.now();
    f(k);
    const elapsed = performance.now() - start;
    if (k >= 3) samples.push(elapsed);
  }
  return median(samples);
}

function messages(chainId: bigint): Uint8Array[] {
  return Array.from({ length: HEIGHTS }, (_, h) =>
    beaconMessage({ chainId, height: BigInt(h + 1), blockDigest: sha256(new TextEncoder().encode(`block ${chainId}/${h}`)) }),
  );
}

function partialsOf(dealing: Dealing, message: Uint8Array): PartialSignature[] {
  return dealing.shares.map((s) => ({ index: s.index, signature: partialSign(s, message) }));
}

const seed = sha256(new TextEncoder().encode("beacon bench"));
const d4 = deal({ n: 4, seed });
const d7 = deal({ n: 7, seed });
const m4 = messages(4n);
const m7 = messages(7n);
const p4 = m4.map((m) => partialsOf(d4, m));
const p7 = m7.map((m) => partialsOf(d7, m));
const sigma7 = m7.map((_, h) => recover(p7[h]!.slice(0, 5), 5));
const share = d7.shares[0]!;
const groupKeyBytes = encodePublicKey(d7.groupKey);
const commitmentBytes = encodeCommitments(d7.commitments);
const nobleBls = bls12_381.shortSignatures;
const secretBytes = encodeScalar(share.secret);

// Each case gets k = 0, 1, …; cases named "new message" use a different height for every k, so
// they pay the hash to G1, the others reuse one message and hit its cached point.
const cases: [string, (k: number) => unknown][] = [
  ["deal n=7 (t=5)", () => deal({ n: 7, seed })],
  ["partialSign, new message", (k) => partialSign(share, m7[k]!)],
  ["verifyPartial, new message", (k) => verifyPartial({ commitments: d7.commitments, index: 1 }, m7[k]!, p7[k]![0]!.signature)],
  ["verifyPartial, message hashed", () => verifyPartial({ commitments: d7.commitments, index: 1 }, m7[0]!, p7[0]![0]!.signature)],
  ["recover t=3 (n=4)", (k) => recover(p4[k]!.slice(0, 3), 3)],
  ["recover t=5 (n=7)", (k) => recover(p7[k]!.slice(0, 5), 5)],
  ["verifySignature, new message", (k) => verifySignature(d7.groupKey, m7[k]!, sigma7[k]!)],
  ["verifySignature, message hashed", () => verifySignature(d7.groupKey, m7[0]!, sigma7[0]!)],
  [
    "recoverVerified t=5, all good, new message",
    (k) => recoverVerified({ commitments: d7.commitments, message: m7[k]!, partials: p7[k]! }),
  ],
  [
    "recoverVerified t=5, first partial bad",
    (k) => {
      const partials = [...p7[k]!];
      partials[0] = { index: 1, signature: p7[k]![1]!.signature };
      return recoverVerified({ commitments: d7.commitments, message: m7[k]!, partials });
    },
  ],
  ["decodePublicKey (subgroup check)", () => decodePublicKey(groupKeyBytes)],
  ["decodeSignature (subgroup check)", (k) => decodeSignature(sigma7[k]!)],
  ["decodeCommitments t=5", () => decodeCommitments(commitmentBytes)],
  // noble's own single-key BLS on the same machine, to read the figures above against.
  ["reference: noble shortSignatures.sign", (k) => nobleBls.sign(nobleBls.hash(m4[k]!, BEACON_DST), secretBytes)],
  ["reference: noble shortSignatures.verify", (k) => nobleBls.verify(sigma7[k]!, nobleBls.hash(m7[k]!, BEACON_DST), d7.groupKey)],
];

const best: Record<string, number> = {};
for (let round = 0; round < rounds; round++) {
  for (const [name, run] of cases) {
    const ms = measure(run);
    best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, ms);
  }
}
const results: Record<string, number> = {};
for (const [name] of cases) {
  results[name] = Number(best[name]!.toFixed(3));
  console.log(`${name.padEnd(44)} ${best[name]!.toFixed(2).padStart(8)} ms`);
}
console.log(
  JSON.stringify({
    bench: "beacon",
    engine,
    unit: "ms",
    statistic: "best round median",
    iterations,
    rounds,
    node: process.version,
    results,
  }),
);
