// Games: the catalogue clients render from and typed builders for every move.
export { baccarat, card } from "./baccarat.js";
export { type Bet, betEntries } from "./bet.js";
export * from "./blackjack.js";
export type { BlackjackBetResult, BlackjackMoveResult, BlackjackReplay } from "./blackjack-rules.js";
export * from "./catalogue.js";
export { craps } from "./craps.js";
export { CRAPS_MAX_HELD, CrapsBet } from "./craps-catalogue.js";
export type { CrapsRoll, CrapsStep, CrapsTransition } from "./craps-rules.js";
export { casinoWar, hiLo, threeCard, videoPoker } from "./hand.js";
export { roulette } from "./roulette.js";
export { type BetSettlement, GameRules } from "./rules.js";
export { sicBo } from "./sicbo.js";
export { TournamentPhase, TournamentRules, tournament, tournamentSchedule } from "./tournament.js";
export { uth } from "./uth.js";
