// The beacon's whole test file (beacon.test.ts: published vectors, our fixed-seed vector,
// recovery, the robust path, binding, malformed input) again with the mcl engine on, after the
// engine's agreement with noble (support/engine-agreement.ts).

import { enableMclEngine, MCL_ENGINE, mclDecodeG1 } from "@nullspace/core/bls";
import { describeEngine } from "./support/engine-agreement.js";

describeEngine("mcl", await enableMclEngine(), (bytes, strict) => {
  const point = mclDecodeG1(bytes, strict);
  return point === undefined ? undefined : MCL_ENGINE.encode(point);
});

// The same tests as beacon.test.ts, collected into this file, where the engine is on.
await import("./beacon.test.js");
