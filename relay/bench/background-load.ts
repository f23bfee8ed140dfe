// The relay benchmark's background transactions, so that frames carry events with their proofs:
// registrations of fresh accounts, or ("spins") 20 players who register, sit at roulette and then
// spin, so that heights carry game rounds and need σ.
import { type Core, roulette, sha256, signerFromSeedSync, signTxSync } from "@nullspace/core";

export type TxMix = "registrations" | "spins";

export interface BackgroundLoad {
  /** Verdicts so far: "ok" or the error code (and reason). */
  verdicts: Map<string, number>;
  /** Where the transactions go from now on: a relay's or a validator's base URL (both take /submit). */
  target: string;
  stop(): void;
}

const SPIN_PLAYERS = 20;

/** Sends `rate` transactions a second of `mix` to `target`'s /submit until stopped. */
export function startBackgroundLoad(o: { core: Core; chainId: bigint; mix: TxMix; rate: number; target: string }): BackgroundLoad {
  let txAccount = 0;
  const spinners = Array.from({ length: o.mix === "spins" ? SPIN_PLAYERS : 0 }, (_, k) => ({
    signer: signerFromSeedSync(sha256(new TextEncoder().encode(`relay-bench-spinner-${k}`))),
    name: `spinner${k}`,
    nonce: 0n,
    waiting: false,
  }));
  /** The next transaction, and what to do with the verdict on it (undefined: nothing to send this tick). */
  const next = (): { tx: Uint8Array; settle(ok: boolean): void } | undefined => {
    if (o.mix === "registrations") {
      const signer = signerFromSeedSync(sha256(new TextEncoder().encode(`relay-bench-bg-${txAccount}`)));
      const tx = signTxSync({
        codec: o.core.codec,
        signer,
        chainId: o.chainId,
        nonce: 0n,
        instruction: { op: "register", name: `bg${txAccount++}` },
      });
      return { tx, settle: () => {} };
    }
    // A spinner's nonces must all land: it sends its next one only once the last was accepted, and
    // sends it again after a refusal (BUSY while a validator sheds load).
    const p = spinners[txAccount++ % SPIN_PLAYERS] as (typeof spinners)[number];
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
      settle: (ok) => {
        p.waiting = false;
        if (ok) p.nonce++;
      },
    };
  };
  const load: BackgroundLoad = { verdicts: new Map(), target: o.target, stop: () => clearInterval(timer) };
  const timer = setInterval(() => {
    const n = next();
    if (!n) return;
    void fetch(`${load.target}/submit`, {
      method: "POST",
      headers: { "content-type": "application/vnd.nullspace.tx" },
      body: Buffer.from(n.tx),
    })
      .then(async (r) => {
        // The relay answers {ok} or {error}; a validator {results: [{ok} or {code}]} or {error}.
        type Verdict = { ok?: boolean; code?: string; reason?: string; error?: Verdict };
        const body = (await r.json()) as Verdict & { results?: Verdict[] };
        const v: Verdict = body.results?.[0] ?? body;
        const refusal = v.error ?? v;
        return v.ok ? "ok" : `${refusal.code}${refusal.reason ? `:${refusal.reason}` : ""}`;
      })
      .catch(() => "FETCH_FAILED")
      .then((verdict) => {
        n.settle(verdict === "ok");
        load.verdicts.set(verdict, (load.verdicts.get(verdict) ?? 0) + 1);
      });
  }, 1000 / o.rate);
  return load;
}
