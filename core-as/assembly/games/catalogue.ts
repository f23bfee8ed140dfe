// The ten games' ids and table limits (games.md, "Common session model"). Ids are part of the wire
// format (GameStart.game) and never change.
export namespace GameId {
  export const BACCARAT: u8 = 1;
  export const BLACKJACK: u8 = 2;
  export const CRAPS: u8 = 3;
  export const ROULETTE: u8 = 4;
  export const SIC_BO: u8 = 5;
  export const THREE_CARD: u8 = 6;
  export const ULTIMATE_HOLDEM: u8 = 7;
  export const CASINO_WAR: u8 = 8;
  export const VIDEO_POKER: u8 = 9;
  export const HI_LO: u8 = 10;
}

/** Every bet is at least this many chips. */
export const MIN_BET: u64 = 1;
/** The table maximum of one bet, except Hi-Lo and Video Poker. */
export const MAX_BET: u64 = 10_000;
/** Hi-Lo and Video Poker maximum. */
export const MAX_BET_SMALL: u64 = 1_000;
/** A progressive side bet is exactly this. */
export const PROGRESSIVE_BET: u64 = 1;
/** Where every progressive meter starts and restarts after a top hit. */
export const METER_START: u64 = 10_000;

export function maxBet(game: u8): u64 {
  return game == GameId.HI_LO || game == GameId.VIDEO_POKER ? MAX_BET_SMALL : MAX_BET;
}

/** Actions of every table game (baccarat, roulette, sic bo): one round with a batch, or leave. */
export namespace TableAction {
  export const PLAY: u8 = 0;
  export const CLOSE: u8 = 1;
}
