// The relay benchmark's background transactions, so that frames carry events with their proofs:
// registrations of fresh accounts, or ("spins") 20 players who register, sit at roulette and then
// spin, so that heights carry game rounds and need σ.
import { type Core, roulette, sha256, signerFromSeedSync, signTxSync } from "@nullspace/core";

export type TxMix = "registrations" | "spins";

export interface BackgroundLoad {
  /** Verdicts so far: "ok" or the error code (and reason). */
  verdicts: Map<string, number>;
  /**
   * Where the transactions go from now on: relays' or a validator's base URLs (both take /submit),
   * spread as a load balancer would (a spinner keeps to one; registrations take turns).
   */
  targets: string[];
  stop(): void;
}

const SPIN_PLAYERS = 20;

/** Sends `rate` transactions a second of `mix` to the targets' /submit until stopped. */
export function startBackgroundLoad(o: { core: Core; chainId: bigint; mix: TxMix; rate: number; targets: string[] }): BackgroundLoad {
  let txAccount = 0;
  const spinners = Array.from({ length: o.mix === "spins" ? SPIN_PLAYERS : 0 }, (_, k) => ({
    signer: signerFromSeedSync(sha256(new TextEncoder().encode(`relay-bench-spinner-${k}`))),
    name: `spinner${k}`,
    nonce: 0n,
    waiting: false,
  }));
  /** The next transaction, the number that picks its target, and what to do with the verdict on it
   * (undefined: nothing to send this tick). */
  const next = (): { tx: Uint8Array; sender: number; settle(ok: boolean): void } | undefined => {
    if (o.mix === "registrations") {
      const signer = signerFromSeedSync(sha256(new TextEncoder().encode(`relay-bench-bg-${txAccount}`)));
      const tx = signTxSync({
        codec: o.core.codec,
        signer,
        chainId: o.chainId,
        nonce: 0n,
        instruction: { op: "register", name: `bg${txAccount}` },
      });
      return { tx, sender: txAccount++, settle: () => {} };
    }
    // A spinner's nonces must all land: it sends its next one only once the last was accepted, and
    // sends it again after a refusal (BUSY while a validator sheds load).
    const spinner = txAccount++ % SPIN_PLAYERS;
    const p = spinners[spinner] as (typeof spinners)[number];
    if (p.waiting) return undefined;
    p.waiting = true;
    const instruction =
      p.nonce === 0n
        ? { op: "register" as const, name: p.name }
        : p.nonce === 1n
          ? roulette.start(1n)
          : roulette.spin(1n, [roulette.red(1n), roulette.straight(Number(p.nonce % 37n), 1n)]);
    const tx = signTxSync({ codec: o.core.codec, signer: p.signer, chainId: o.chainId, nonce: p.nonce, instruction });
    return {
      tx,
      sender: spinner,
      settle: (ok) => {
        p.waiting = false;
        if (ok) p.nonce++;
      },
    };
  };
  const load: BackgroundLoad = { verdicts: new Map(), targets: o.targets, stop: () => clearInterval(timer) };
  const timer = setInterval(() => {
    const n = next();
    if (!n) return;
    void submitOne(load.targets[n.sender % load.targets.length] as string, n.tx).then((verdict) => {
      n.settle(verdict === "ok");
      load.verdicts.set(verdict, (load.verdicts.get(verdict) ?? 0) + 1);
    });
  }, 1000 / o.rate);
  return load;
}

/** Posts one transaction to `target`'s /submit (a relay's or a validator's); resolves with "ok" or the refusal's code (and reason). */
export function submitOne(target: string, tx: Uint8Array): Promise<string> {
  return fetch(`${target}/submit`, { method: "POST", headers: { "content-type": "application/vnd.nullspace.tx" }, body: Buffer.from(tx) })
    .then(async (r) => verdictOfAnswer(await r.json()))
    .catch(() => "FETCH_FAILED");
}

/** A /submit answer as "ok" or the refusal's code (and reason): the relay answers {ok} or {error},
 * a validator {results: [{ok} or {code}]} or {error}. */
export function verdictOfAnswer(answer: unknown): string {
  type Verdict = { ok?: boolean; code?: string; reason?: string; error?: Verdict };
  const body = answer as (Verdict & { results?: Verdict[] }) | undefined;
  const v: Verdict | undefined = body?.results?.[0] ?? body;
  const refusal = v?.error ?? v;
  return v?.ok ? "ok" : `${refusal?.code}${refusal?.reason ? `:${refusal.reason}` : ""}`;
}
