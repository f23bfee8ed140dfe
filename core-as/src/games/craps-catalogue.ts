// Craps in the catalogue: bet kinds (the wire numbers of assembly/games/craps-rules.ts) and the
// table clients render. Values only from literals here, so catalogue.ts can import this file
// without an import cycle.
import type { GameSpec } from "./catalogue.js";

export const CrapsBet = {
  pass: 0,
  dontPass: 1,
  come: 2,
  dontCome: 3,
  passOdds: 4,
  dontPassOdds: 5,
  comeOdds: 6,
  dontComeOdds: 7,
  field: 8,
  hard: 9,
  yes: 10,
  no: 11,
  next: 12,
  fire: 13,
  allSmall: 14,
  allTall: 15,
  makeEmAll: 16,
  muggsy: 17,
  differentDoubles: 18,
  rideTheLine: 19,
  replay: 20,
  hotRoller: 21,
} as const;

/** Bets a craps table holds at most between rolls (more: TABLE_FULL). */
export const CRAPS_MAX_HELD = 40;

const B = CrapsBet;
const point = "point 4, 5, 6, 8, 9, 10";
const number = "2–12 but 7";

export const crapsSpec: GameSpec = {
  id: 3,
  name: "craps",
  title: "Craps",
  available: true,
  table: true,
  minBet: 1n,
  maxBet: 10_000n,
  bets: [
    { kind: B.pass, name: "Pass (come-out only)", pays: "1", target: "none" },
    { kind: B.dontPass, name: "Don't Pass (come-out only; 12 pushes)", pays: "1", target: "none" },
    { kind: B.come, name: "Come (point on)", pays: "1", target: "none (held with its number)" },
    { kind: B.dontCome, name: "Don't Come (point on; 12 pushes)", pays: "1", target: "none (held with its number)" },
    { kind: B.passOdds, name: "Pass odds (≤ 3x/4x/5x)", pays: "2:1, 3:2, 6:5", target: "none" },
    { kind: B.dontPassOdds, name: "Don't Pass lay odds (≤ 6x)", pays: "1:2, 2:3, 5:6", target: "none" },
    { kind: B.comeOdds, name: "Come odds (≤ 3x/4x/5x)", pays: "2:1, 3:2, 6:5", target: point },
    { kind: B.dontComeOdds, name: "Don't Come lay odds (≤ 6x)", pays: "1:2, 2:3, 5:6", target: point },
    { kind: B.field, name: "Field (one roll)", pays: "3, 4, 9, 10, 11: 1; 2: 2; 12: 3", target: "none" },
    { kind: B.hard, name: "Hardway", pays: "hard 4/10: 7; hard 6/8: 9", target: "4, 6, 8, 10" },
    { kind: B.yes, name: "YES (number before 7)", pays: "true odds less 1% of the win", target: number },
    { kind: B.no, name: "NO (7 before number)", pays: "true odds less 1% of the win", target: number },
    { kind: B.next, name: "NEXT (one roll)", pays: "35/17/11/8/6/5 by ways, less 1%", target: "total 2–12" },
    { kind: B.fire, name: "Fire", pays: "4/5/6 points made: 24/249/999", target: "none" },
    { kind: B.allSmall, name: "All Small (2–6 before 7)", pays: "30", target: "none" },
    { kind: B.allTall, name: "All Tall (8–12 before 7)", pays: "30", target: "none" },
    { kind: B.makeEmAll, name: "Make 'Em All (2–6 and 8–12 before 7)", pays: "150", target: "none" },
    { kind: B.muggsy, name: "Muggsy's Corner", pays: "come-out 7: 2; 7 right after a point: 3", target: "none" },
    { kind: B.differentDoubles, name: "Different Doubles", pays: "3/4/5/6 doubles before 7: 4/8/15/100", target: "none" },
    { kind: B.rideTheLine, name: "Ride the Line", pays: "3–10 pass wins: 1/2/3/5/10/15/25/40; 11: 100", target: "none" },
    { kind: B.replay, name: "Replay", pays: "a point 3 or 4+ times: 4/10 120/1000, 5/9 95/500, 6/8 70/100", target: "none" },
    {
      kind: B.hotRoller,
      name: "Hot Roller",
      pays: "2/3/4/5/6 points both ways: 5/10/20/50/200",
      target: "none",
      // As specified it returns 1.405 per chip (docs/games.md, Craps): refused with BET_CLOSED.
      closed: true,
    },
  ],
  options: [],
};
