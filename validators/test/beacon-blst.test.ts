// The beacon's whole test file (beacon.test.ts) again with the native blst engine on (decisions/021),
// after the engine's agreement with noble (support/engine-agreement.ts), plus what is particular
// to a native binding: it never sees a length or flag it could misread, and garbage never throws.

import { BLST_ENGINE, enableBlstEngine } from "@nullspace/core/node";
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { verifySignature } from "../src/beacon/index.js";
import { describeEngine } from "./support/engine-agreement.js";

describeEngine("blst", enableBlstEngine(), (bytes, strict) => {
  const point = BLST_ENGINE.decodeG1(bytes, strict);
  return point === undefined ? undefined : BLST_ENGINE.encode(point);
});

describe("the blst engine on garbage", () => {
  it("answers false, never throws, for bytes of any length and flags as key, message or σ", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 200 }),
        fc.uint8Array({ minLength: 0, maxLength: 200 }),
        fc.uint8Array({ minLength: 0, maxLength: 60 }),
        (key, message, sigma) => {
          expect(verifySignature(key, message, sigma)).toBe(false);
          expect(BLST_ENGINE.verify(key, message, sigma)).toBe(false);
          expect(BLST_ENGINE.decodeG1(sigma, false) === undefined || sigma.length === 48).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// The same tests as beacon.test.ts, collected into this file, where the engine is on.
await import("./beacon.test.js");
