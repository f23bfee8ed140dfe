// Runs in a Chromium dedicated worker: loads core.wasm the way apps do (fetch, then the same
// loader as Node) and computes the golden vectors and the standards checks.
import { computeGolden } from "../golden/scenario.js";
import { runStandardChecks } from "./standards.js";

const wasm = new Uint8Array(await (await fetch("/core.wasm")).arrayBuffer());
try {
  const golden = await computeGolden(wasm);
  const standards = await runStandardChecks(wasm);
  postMessage({ ok: true, golden, standards });
} catch (e) {
  postMessage({ ok: false, error: String((e as Error).stack ?? e) });
}
