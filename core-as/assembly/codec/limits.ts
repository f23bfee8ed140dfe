// Size limits of the wire formats. Part of consensus: changing one changes what decodes.

export const FORMAT_VERSION: u8 = 1;
export const KEY_LEN: i32 = 32;
export const SIG_LEN: i32 = 64;
export const DIGEST_LEN: i32 = 32;
/** BLS12-381 MinSig signature (G1, compressed). */
export const BEACON_LEN: i32 = 48;

export const MAX_TX_BYTES: u32 = 4096;
export const MAX_BLOCK_TXS: u32 = 20000;
export const MAX_NAME_BYTES: u32 = 32;
export const MAX_ADMIN_KEYS: u32 = 8;
/** Bets in one GameStart or GameMove (games.md: a batch of up to 20). */
export const MAX_BETS: i32 = 20;
