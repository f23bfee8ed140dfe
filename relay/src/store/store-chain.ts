// Which chain a store holds. A store (a PGlite folder, or the PostgreSQL database several relays
// share) is bound to the genesis digest and chain id of the first relay that opens it, and a relay
// of another chain refuses to start on it. Every chain a devnet makes has the same chain id, so the id alone
// tells nothing; and a relay that cannot verify the rows it finds takes the height from its
// validators and replaces the row (relay.ts: a peer writer may be wrong), so a relay pointed at
// another chain's store used to overwrite that chain's history with its own while the store's own
// relays went on serving the rows (2026-11-25 audit: 636 heights of a shared store replaced, a
// registration gone from /tx on every relay).
import type { Db } from "./db.js";

export class StoreOfAnotherChain extends Error {
  override readonly name = "StoreOfAnotherChain";
  readonly code = "RELAY_STORE_OTHER_CHAIN";
  constructor(
    readonly stored: { genesisDigest: string; chainId: string },
    readonly ours: { genesisDigest: string; chainId: string },
  ) {
    super(
      `RELAY_STORE_OTHER_CHAIN: the store holds chain ${stored.chainId} of genesis ${stored.genesisDigest}, this relay's genesis is ` +
        `${ours.genesisDigest} (chain ${ours.chainId}); point it at that chain's store (--data or DATABASE_URL), or at an empty one`,
    );
  }
}

/** Binds an unbound store to this chain, or throws StoreOfAnotherChain when it is bound to another. */
export async function bindStoreToChain(db: Db, trust: { genesisDigest: string; chainId: bigint }): Promise<void> {
  const ours = { genesisDigest: trust.genesisDigest, chainId: trust.chainId.toString() };
  const rows = await db.transaction(async (tx) => {
    await tx.query("INSERT INTO store_chain (genesis_digest, chain_id) VALUES ($1, $2) ON CONFLICT (singleton) DO NOTHING", [
      ours.genesisDigest,
      ours.chainId,
    ]);
    return tx.query<{ genesis_digest: string; chain_id: string }>("SELECT genesis_digest, chain_id FROM store_chain");
  });
  const stored = rows[0];
  if (!stored) throw new Error("store_chain holds no row after binding it");
  if (stored.genesis_digest !== ours.genesisDigest || stored.chain_id !== ours.chainId)
    throw new StoreOfAnotherChain({ genesisDigest: stored.genesis_digest, chainId: stored.chain_id }, ours);
}
