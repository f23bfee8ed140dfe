// One workspace's vitest run with its counts read from vitest's JSON report (scripts/test.mjs,
// scripts/fuzz.mjs): a run that failed outside any test counts as one failure.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Runs `vitest run …args` in `cwd` with output shown; returns the tests passed and failed. */
export function runVitest(cwd, args, env = process.env) {
  const out = mkdtempSync(join(tmpdir(), "nullspace-vitest-"));
  const report = join(out, "report.json");
  const r = spawnSync("npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...args], {
    cwd,
    stdio: "inherit",
    env,
  });
  try {
    const j = JSON.parse(readFileSync(report, "utf8"));
    return { passed: j.numPassedTests, failed: j.numFailedTests + (r.status !== 0 && j.numFailedTests === 0 ? 1 : 0) };
  } catch {
    return { passed: 0, failed: 1 };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
