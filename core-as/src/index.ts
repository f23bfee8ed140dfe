// @nullspace/core: the state machine's host API and the client SDK, for Node, browsers and workers.
export { Core, StateKey, type ExecutionResult } from "./core.js";
export { Codec, type Instruction, type BlockFields, type GenesisFields } from "./codec.js";
export { CoreError, CoreTrap, VerifyError, ERROR_NAMES, errorName } from "./errors.js";
export * from "./views.js";
export * from "./crypto/ed25519.js";
export * from "./crypto/domain.js";
export { sha256, hashNode, toHex, fromHex, equalBytes, concatBytes, sha256Backend } from "./crypto/sha256.js";
export * from "./proof/mmr.js";
export * from "./proof/state.js";
export * from "./client/sign-tx.js";
export { LocalChain, devBeacon, testSeed, type LocalChainOptions } from "./dev/local-chain.js";
export { WasmInstance, compileCore } from "./wasm/instance.js";
