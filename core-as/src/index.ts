// @nullspace/core: the state machine's host API and the client SDK, for Node, browsers and workers.

export * from "./client/room-join.js";
export * from "./client/sign-tx.js";
export * from "./client/tx-batch.js";
export * from "./client/update-frame.js";
export * from "./client/varint.js";
export * from "./client/verify-certificate.js";
export * from "./client/verify-finalized.js";
export {
  type BlockFields,
  type BlockParts,
  type BodyParts,
  type CertificateParts,
  Codec,
  type ConsensusSubject,
  type FinalizedFields,
  type GameMoveInstruction,
  type GameStartInstruction,
  type GenesisFields,
  type IndexedSignature,
  type Instruction,
  type Modifiers,
  type PlayMode,
  type TxSummary,
  type VoteParts,
} from "./codec.js";
export {
  Core,
  type ExecutionResult,
  StateKey,
  TOURNAMENT_PERIOD_MS,
  TOURNAMENT_REGISTRATION_MS,
  tournamentAt,
} from "./core.js";
export * from "./crypto/domain.js";
export * from "./crypto/ed25519.js";
export { concatBytes, equalBytes, fromHex, hashNode, sha256, sha256Backend, toHex } from "./crypto/sha256.js";
export { devBeacon, LocalChain, type LocalChainOptions, testSeed } from "./dev/local-chain.js";
export { CoreError, CoreTrap, ERROR_NAMES, errorName, VerifyError } from "./errors.js";
export * from "./games/index.js";
export { MmrFrontier, type MmrHasher, tsMmrHasher, wasmMmrHasher } from "./mmr-frontier.js";
export { MmrLog } from "./mmr-log.js";
export * from "./proof/mmr.js";
export * from "./proof/state.js";
export * from "./views.js";
export { compileCore, WasmInstance } from "./wasm/instance.js";
