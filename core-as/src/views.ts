// Typed views of decoded values. The wasm decodes (one codec) and hands over JSON in which u64
// values are decimal strings; these types say what each view holds, with u64 as bigint.

export type Hex = string;

export interface TxView {
  nonce: bigint;
  signer: Hex;
  op:
    | "register"
    | "faucet"
    | "adminRotateKeys"
    | "adminSetPolicy"
    | "gameStart"
    | "gameMove"
    | "tournamentJoin"
    | "tournamentStart"
    | "tournamentEnd"
    | "adminSetFreerollLimit";
  name?: string;
  /** gameStart / gameMove fields. */
  game?: number;
  sessionId?: bigint;
  mode?: number;
  modifiers?: number;
  options?: number;
  stake?: bigint;
  action?: number;
  bets?: BetView[];
  keys?: Hex[];
  field?: number;
  value?: bigint;
  /** tournamentJoin / tournamentStart / tournamentEnd. */
  tournamentId?: bigint;
  /** adminSetFreerollLimit. */
  player?: Hex;
  limit?: number;
  signature: Hex;
  hash: Hex;
  bodyLength: number;
}

export interface BetView {
  kind: number;
  target: number;
  amount: bigint;
}

/** A card (0–51), die (1–6) or pocket (0–37) revealed at `move`, the `index`-th draw of that move. */
export interface DrawView {
  move: number;
  index: number;
  value: number;
}

/** One bet of a round: status 0 settled, 1 held for a later move (En Prison), 2 held earlier and
 * settled now. */
export interface BetResultView {
  kind: number;
  target: number;
  stake: bigint;
  return: bigint;
  status: number;
}

export interface BlockHeaderView {
  chainId: bigint;
  height: bigint;
  view: bigint;
  parent: Hex;
  timestampMs: bigint;
  txRoot: Hex;
  proposer: number;
}

export interface BlockView {
  header: BlockHeaderView;
  digest: Hex;
  headerLength: number;
  txs: Hex[];
}

export interface EventBase {
  height: bigint;
  txIndex: number;
  account: Hex;
  nonce: bigint;
}

export type EventView = EventBase &
  (
    | { kind: "registered"; name: string; chips: bigint; playerIndex: bigint }
    | { kind: "faucetClaimed"; amount: bigint; chips: bigint }
    | { kind: "adminKeysRotated"; keys: Hex[] }
    | { kind: "policySet"; field: number; value: bigint }
    | { kind: "txError"; op: string; opCode: number; code: number; nonceConsumed: boolean }
    | {
        kind: "gameStarted";
        sessionId: bigint;
        game: number;
        mode: number;
        options: number;
        /** Chain-wide session number: the session id of the randomness stream. */
        serial: bigint;
        stake: bigint;
        bets: BetView[];
        /** Balance after. */
        chips: bigint;
      }
    | {
        kind: "gameRound";
        sessionId: bigint;
        game: number;
        move: number;
        phase: number;
        draws: DrawView[];
        bets: BetResultView[];
        /** Game-specific numbers (docs/games.md), e.g. the sic bo total. */
        info: number[];
        /** Chips staked at this move. */
        staked: bigint;
        /** Chips returned at this move, stakes of winning bets included. */
        returned: bigint;
        /** Balance after. */
        chips: bigint;
        finished: boolean;
      }
    | {
        kind: "tournamentJoined";
        tournamentId: bigint /** Join order, 0-based. */;
        entrant: number;
        stack: bigint;
        shields: number;
        doubles: number;
      }
    | { kind: "tournamentStarted"; tournamentId: bigint; entrants: number }
    | { kind: "tournamentEnded"; tournamentId: bigint; entrants: number; prizePool: bigint; paid: bigint; places: PaidPlaceView[] }
    | {
        kind: "modifierApplied";
        sessionId: bigint;
        tournamentId: bigint;
        /** Bit 0 Shield, bit 1 Double. */
        modifiers: number;
        /** What the round (or the whole hand) staked and returned before the modifier. */
        staked: bigint;
        returned: bigint;
        /** Added to the stack: a Shield's refund or a Double's second net win. */
        extra: bigint;
        /** Tournament stack after. */
        stack: bigint;
      }
    | { kind: "freerollLimitSet"; player: Hex; limit: number }
  );

/** One paid place of a tournament: its prize in freeroll credits. */
export interface PaidPlaceView {
  rank: number;
  player: Hex;
  stack: bigint;
  /** Proof-of-play × account-age weight, in basis points (500 – 10,000). */
  weightBps: number;
  prize: bigint;
}

export interface TournamentView {
  tournamentId: bigint;
  /** 0 registering, 1 running, 2 ended. */
  phase: number;
  entrants: number;
  prizePool: bigint;
  paid: bigint;
  winners: number;
  registrationStartMs: bigint;
  playStartMs: bigint;
  endMs: bigint;
}

export interface TournamentEntryView {
  index: number;
  stack: bigint;
  shields: number;
  doubles: number;
  sessions: number;
  moves: number;
  firstPlayMs: bigint;
  lastPlayMs: bigint;
}

export interface FreerollView {
  /** Daily tournament entries (1 free, the admin-set limit for members). */
  limit: number;
  day: bigint;
  joinsToday: number;
  lastJoinMs: bigint;
  sessions: bigint;
  playMs: bigint;
  lastPlayMs: bigint;
  /** As of the last block: unlocked plus vested, and still vesting. */
  creditsUsable: bigint;
  creditsVesting: bigint;
  creditsExpired: boolean;
  grants: number;
}

export interface SessionView {
  game: number;
  mode: number;
  options: number;
  serial: bigint;
  moves: number;
  phase: number;
  finished: boolean;
  stake: bigint;
  /** Game-specific state (only what has been revealed), hex. */
  data: Hex;
  /** Tournament sessions (mode 1): the tournament, the hand's modifiers, its stakes and returns so far. */
  tournamentId?: bigint;
  modifiers?: number;
  handStaked?: bigint;
  handReturned?: bigint;
}

export interface ProgressView {
  chainId: bigint;
  height: bigint;
  blockDigest: Hex;
  beaconHash: Hex;
  stateRoot: Hex;
  eventsRoot: Hex;
  txLogRoot: Hex;
  txStart: bigint;
  txEnd: bigint;
  eventStart: bigint;
  eventEnd: bigint;
}

export type VoteKind = "notarize" | "nullify" | "finalize";
export type CertificateKind = "notarization" | "nullification" | "finalization";

/** A consensus body: a proposal (notarize, finalize) or just a view (nullify). `body` is its exact
 * bytes, hex: what was signed after the domain prefix. */
export interface ConsensusBodyView {
  view: bigint;
  /** Present for notarize / finalize (the proposal). */
  height?: bigint;
  parent?: Hex;
  digest?: Hex;
  body: Hex;
}

export type VoteView = ConsensusBodyView & { kind: VoteKind; signer: number; signature: Hex };

export interface SignatureView {
  signer: number;
  signature: Hex;
}

/** Signatures in increasing signer index; `n` is the size of the validator set. */
export type CertificateView = ConsensusBodyView & { kind: CertificateKind; n: number; signatures: SignatureView[] };

export interface ProgressCertificateView {
  progress: ProgressView;
  /** The progress record's exact bytes, hex: what was signed after the domain prefix. */
  record: Hex;
  n: number;
  signatures: SignatureView[];
}

/**
 * A decoded finalized-height bundle (Codec.decodeFinalized). The parts are copies of their exact
 * bytes (blocks can be megabytes, so no hex): decode them further with decodeBlock,
 * decodeCertificate, decodeProgressCertificate.
 */
export interface FinalizedView {
  height: bigint;
  /** The block digest (sha256 of its header), hex. */
  digest: Hex;
  /** The block's parent digest (its header's), hex: what a follower links to the previous height. */
  parent: Hex;
  block: Uint8Array;
  finalization: Uint8Array;
  /** σ_h, 48 bytes, when present. */
  sigma?: Uint8Array;
  progress?: Uint8Array;
}

export interface GenesisView {
  chainId: bigint;
  genesisTimeMs: bigint;
  admins: Hex[];
  faucetEnabled: boolean;
  digest: Hex;
}

export interface MetaView {
  chainId: bigint;
  height: bigint;
  lastDigest: Hex;
  lastTimestampMs: bigint;
  genesisTimeMs: bigint;
  playerCount: bigint;
}

export interface SupplyView {
  minted: bigint;
  burned: bigint;
  house: bigint;
  pools: bigint;
  treasury: bigint;
}

export interface PolicyView {
  registerGrant: bigint;
  faucetAmount: bigint;
  faucetCooldownMs: bigint;
  faucetMinAgeMs: bigint;
  faucetMinSessions: bigint;
  faucetEnabled: boolean;
}

export interface AccountView {
  nonce: bigint;
  registered: boolean;
  name: string;
  chips: bigint;
  registeredAtMs: bigint;
  sessionsPlayed: bigint;
  lastFaucetMs: bigint;
  playerIndex: bigint;
}

// The u64 fields of every view: the wasm writes them as decimal strings.
const U64_FIELDS = new Set([
  "nonce",
  "chainId",
  "height",
  "view",
  "timestampMs",
  "chips",
  "playerIndex",
  "amount",
  "value",
  "txStart",
  "txEnd",
  "eventStart",
  "eventEnd",
  "genesisTimeMs",
  "minted",
  "burned",
  "house",
  "pools",
  "treasury",
  "registerGrant",
  "faucetAmount",
  "faucetCooldownMs",
  "faucetMinAgeMs",
  "faucetMinSessions",
  "lastTimestampMs",
  "playerCount",
  "registeredAtMs",
  "sessionsPlayed",
  "lastFaucetMs",
  "sessionId",
  "serial",
  "stake",
  "staked",
  "returned",
  "return",
  "nextSerial",
  "meterThreeCard",
  "meterUth",
  "tournamentId",
  "stack",
  "prizePool",
  "paid",
  "prize",
  "extra",
  "firstPlayMs",
  "lastPlayMs",
  "registrationStartMs",
  "playStartMs",
  "endMs",
  "day",
  "lastJoinMs",
  "sessions",
  "playMs",
  "creditsUsable",
  "creditsVesting",
  "creditsMinted",
  "creditsExpired",
  "creditsCap",
  "handStaked",
  "handReturned",
]);

/** Parses a JSON view from the wasm, turning its u64 fields into bigints. */
export function parseView<T>(json: string): T {
  return JSON.parse(json, (key, value) => (typeof value === "string" && U64_FIELDS.has(key) ? BigInt(value) : value)) as T;
}
