// core.wasm: every export is part of the host ABI (see io.ts and docs/core-abi.md).
export { io_input, io_output } from "./io";
export * from "./abi/hash";
export * from "./abi/mmr";
export * from "./abi/smt";
export * from "./abi/core";
export * from "./abi/codec";
export * from "./abi/hash4";
export * from "./abi/games";
export * from "./abi/blackjack";
export * from "./abi/uth";
export * from "./abi/craps";
export * from "./abi/tournaments";
