// The relay command's own settings are checked before it starts anything (src/cli/main.ts): an
// allowed origin no browser would send (a trailing slash, a path) would refuse every visitor's
// page at run time; the command refuses it at start, from the flag or the environment alike.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const RELAY_DIR = fileURLToPath(new URL("..", import.meta.url));

function relayCommand(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "--genesis", "/nonexistent/genesis.json", "--validators", "http://127.0.0.1:1", ...args],
    { cwd: RELAY_DIR, env: { ...process.env, ...env }, encoding: "utf8", timeout: 30_000 },
  );
  return { status: run.status, stderr: run.stderr, stdout: run.stdout };
}

describe("relay --allowed-origins", () => {
  it("refuses an origin no browser sends, before opening anything, from the flag or RELAY_ALLOWED_ORIGINS", () => {
    const flag = relayCommand(["--allowed-origins", "https://play.example,https://casino.example/"]);
    expect(flag.status).toBe(1);
    expect(flag.stderr).toContain(
      'allowed origins are http(s)://host[:port] as browsers send them (https://casino.example?), not "https://casino.example/"',
    );
    const env = relayCommand([], { RELAY_ALLOWED_ORIGINS: "https://Play.example" });
    expect(env.status).toBe(1);
    expect(env.stderr).toContain('not "https://Play.example"');
    // Origins that are well formed pass the check: the command goes on to read its genesis file.
    const good = relayCommand(["--allowed-origins", "https://play.example"]);
    expect(good.status).toBe(1);
    expect(good.stderr).not.toContain("allowed origins");
    expect(good.stderr).toContain("/nonexistent/genesis.json");
    // And a log record for whoever collects stdout, as every other record.
    const record = JSON.parse(good.stdout.trim().split("\n").at(-1) ?? "{}");
    expect([record.level, record.event, record.code]).toEqual(["error", "start_failed", "ENOENT"]);
    expect(record.message).toContain("/nonexistent/genesis.json");
  });
});
