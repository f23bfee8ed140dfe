// Games: the catalogue clients render from and typed builders for every move.
export { type Bet, betEntries } from "./bet.js";
export * from "./catalogue.js";
export { roulette } from "./roulette.js";
export { sicBo } from "./sicbo.js";
