// Which game module runs a game id. One instance per game: modules keep only the current round's
// outcome, which every round overwrites before reading.
import { GameId } from "./catalogue";
import { TableGame } from "./table-game";
import { Roulette } from "./roulette";
import { SicBo } from "./sicbo";
import { Baccarat } from "./baccarat";
import { HandGame } from "./hand-game";
import { CasinoWar } from "./war";
import { HiLo } from "./hilo";
import { VideoPoker } from "./videopoker";
import { ThreeCardPoker } from "./threecard";
import { Blackjack } from "./blackjack";
import { UltimateHoldem } from "./uth";
import { Craps } from "./craps";

const roulette = new Roulette();
const sicBo = new SicBo();
const baccarat = new Baccarat();
const war = new CasinoWar();
const hiLo = new HiLo();
const videoPoker = new VideoPoker();
const threeCard = new ThreeCardPoker();
const blackjack = new Blackjack();
const uth = new UltimateHoldem();
const craps = new Craps();

/** The table game of `id`, or null for an id that is unknown or not built yet. */
export function tableGameFor(id: u8): TableGame | null {
  if (id == GameId.ROULETTE) return roulette;
  if (id == GameId.SIC_BO) return sicBo;
  if (id == GameId.BACCARAT) return baccarat;
  if (id == GameId.CRAPS) return craps;
  return null;
}

/** The one-hand game of `id`, or null. */
export function handGameFor(id: u8): HandGame | null {
  if (id == GameId.CASINO_WAR) return war;
  if (id == GameId.HI_LO) return hiLo;
  if (id == GameId.VIDEO_POKER) return videoPoker;
  if (id == GameId.THREE_CARD) return threeCard;
  if (id == GameId.BLACKJACK) return blackjack;
  if (id == GameId.ULTIMATE_HOLDEM) return uth;
  return null;
}
