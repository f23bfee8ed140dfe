// The typed log wrapper against the TypeScript verifiers and the state machine's own event log.
import { describe, expect, it } from "vitest";
import { fromHex, sha256, toHex } from "../src/crypto/sha256.js";
import { LocalChain } from "../src/dev/local-chain.js";
import { MmrLog } from "../src/mmr-log.js";
import { verifyMmrMulti, verifyMmrRange } from "../src/proof/mmr.js";
import { newChain } from "./support/chain.js";
import { wasmBytes } from "./support/wasm.js";

describe("MmrLog", () => {
  it("rebuilds a chain's event log root and proves events against the certified events root", async () => {
    const chain = await newChain();
    const log = await MmrLog.create(wasmBytes());
    for (let b = 0; b < 3; b++) {
      for (let i = 0; i < 5; i++) chain.submit(LocalChain.signer(b * 10 + i), { op: "register", name: `p${b}${i}` });
      const r = chain.seal();
      log.append(r.events.map((e) => sha256(e)));
      const root = fromHex(r.progressView!.eventsRoot);
      expect(toHex(log.root())).toBe(r.progressView!.eventsRoot);
      const start = Number(r.progressView!.eventStart);
      const digests = r.events.map((e) => sha256(e));
      expect(verifyMmrRange(root, start, digests, log.proveRange(start, start + digests.length))).toBe(true);
      const picked = [start + 1, start + 3];
      const proof = log.prove(picked);
      expect(verifyMmrMulti(root, log.leafCount, picked, [digests[1]!, digests[3]!], proof)).toBe(true);
      expect(verifyMmrMulti(root, log.leafCount, picked, [digests[3]!, digests[1]!], proof)).toBe(false);
    }
    log.free();
    expect(() => log.root()).toThrow(/after free/);
  });
});
