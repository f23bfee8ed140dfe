// The signed join of a relay's account room: the challenge round-trips, its decoder accepts only
// canonical bytes (fuzzed), and a join signature verifies only for its key, chain and challenge.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeJoinChallenge,
  encodeJoinChallenge,
  type JoinChallenge,
  JoinChallengeError,
  signJoinChallenge,
  verifyJoinSignature,
} from "../src/client/room-join.js";
import { SignatureKind, signingPayload } from "../src/crypto/domain.js";
import { signerFromSeedSync } from "../src/crypto/ed25519.js";
import { fuzzRuns, mutate, mutation } from "./support/fuzz.js";

const printable = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 255,
});
const challenge = fc.record({
  nonce: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  expiresAtMs: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  host: printable,
  room: printable,
});

function attempt(b: Uint8Array): JoinChallenge | undefined {
  try {
    return decodeJoinChallenge(b);
  } catch (e) {
    if (!(e instanceof JoinChallengeError)) throw e;
    return undefined;
  }
}

describe("room join challenge", () => {
  it("round-trips, and the decoder accepts only canonical bytes of random and mutated input", () => {
    fc.assert(
      fc.property(challenge, mutation, fc.uint8Array({ maxLength: 400 }), (c, m, junk) => {
        const bytes = encodeJoinChallenge(c);
        expect(decodeJoinChallenge(bytes)).toEqual(c);
        for (const input of [mutate(bytes, m), junk]) {
          const view = attempt(input);
          if (view) expect(encodeJoinChallenge(view)).toEqual(input);
        }
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });

  it("refuses bad fields when encoding", () => {
    const ok = { nonce: new Uint8Array(32), expiresAtMs: 1n, host: "relay:8080", room: "account:00" };
    expect(() => encodeJoinChallenge({ ...ok, nonce: new Uint8Array(31) })).toThrow(JoinChallengeError);
    expect(() => encodeJoinChallenge({ ...ok, host: "a b" })).toThrow(JoinChallengeError);
    expect(() => encodeJoinChallenge({ ...ok, room: "" })).toThrow(JoinChallengeError);
    expect(() => encodeJoinChallenge({ ...ok, expiresAtMs: -1n })).toThrow(JoinChallengeError);
  });

  it("a join signature verifies for its key, chain and challenge only", async () => {
    const owner = signerFromSeedSync(new Uint8Array(32).fill(1));
    const other = signerFromSeedSync(new Uint8Array(32).fill(2));
    const bytes = encodeJoinChallenge({ nonce: new Uint8Array(32).fill(7), expiresAtMs: 10n, host: "h", room: "r" });
    const sig = await signJoinChallenge(owner, 5n, bytes);
    expect(sig).toEqual(await owner.sign(signingPayload(SignatureKind.ROOM_JOIN, 5n, bytes)));
    expect(verifyJoinSignature(owner.publicKey, 5n, bytes, sig)).toBe(true);
    expect(verifyJoinSignature(other.publicKey, 5n, bytes, sig)).toBe(false);
    expect(verifyJoinSignature(owner.publicKey, 6n, bytes, sig)).toBe(false);
    const elsewhere = encodeJoinChallenge({ nonce: new Uint8Array(32).fill(7), expiresAtMs: 10n, host: "h", room: "s" });
    expect(verifyJoinSignature(owner.publicKey, 5n, elsewhere, sig)).toBe(false);
    // The same body under the transaction domain is another payload.
    expect(verifyJoinSignature(owner.publicKey, 5n, bytes, await owner.sign(signingPayload(SignatureKind.TX, 5n, bytes)))).toBe(false);
  });
});
