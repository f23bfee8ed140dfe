// The same golden scenario and standards vectors in headless Chromium, inside a dedicated
// worker, against the same core.wasm bytes: the results must equal Node's, field for field.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { computeGolden } from "./golden/scenario.js";
import { bundle, hasChromium, runPage, serve } from "./support/browser.js";
import { wasmBytes } from "./support/wasm.js";

const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
const w = new Worker("/worker.js", { type: "module" });
w.onmessage = (e) => { window.__result = e.data; };
w.onerror = (e) => { window.__result = { ok: false, error: "worker error: " + e.message }; };
</script>`;

interface BrowserResult {
  ok: boolean;
  error?: string;
  golden: Awaited<ReturnType<typeof computeGolden>>;
  standards: {
    backend: string;
    sha256: { ok: boolean }[];
    ed25519: Record<string, boolean | string>[];
    bls: Record<string, boolean | string>[];
    blsMcl: { enabled: boolean; checks: Record<string, boolean | string>[] };
  };
}

describe.runIf(hasChromium())("Chromium worker", () => {
  it("computes the golden vectors identically to Node and passes the standards vectors with WebCrypto, σ on noble and mcl", async () => {
    const worker = await bundle(fileURLToPath(new URL("./browser/worker.ts", import.meta.url)));
    const site = await serve({
      "/": { body: PAGE, type: "text/html" },
      "/worker.js": { body: worker, type: "text/javascript" },
      "/core.wasm": { body: wasmBytes(), type: "application/wasm" },
    });
    try {
      const result = await runPage<BrowserResult>(site.url);
      expect(result.error).toBeUndefined();
      const node = await computeGolden(wasmBytes());
      expect(result.golden).toEqual(node);
      const { wasmSha256: _, ...pinned } = JSON.parse(readFileSync(new URL("./golden/vectors.json", import.meta.url), "utf8"));
      const { wasmSha256: __, ...browser } = result.golden;
      expect(browser).toEqual(pinned);
      expect(result.standards.backend).toBe("webcrypto");
      expect(result.standards.sha256.every((v) => v.ok)).toBe(true);
      for (const v of result.standards.ed25519)
        expect(v).toMatchObject({ publicKeyOk: true, signatureOk: true, verifies: true, rejectsFlip: true });
      // σ checks in the browser, on noble and on the mcl engine (decisions/018): every published
      // vector and the drand round verify, and fail for another message.
      expect(result.standards.bls.length).toBeGreaterThan(1);
      for (const v of result.standards.bls) expect(v).toMatchObject({ verifies: true, rejectsOther: true });
      expect(result.standards.blsMcl.enabled).toBe(true);
      expect(result.standards.blsMcl.checks).toEqual(result.standards.bls);
    } finally {
      await site.close();
    }
  });
});
