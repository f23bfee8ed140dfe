// BLS12-381 MinSig for everyone who checks the randomness beacon: encodings, the beacon message,
// σ verification (docs/beacon.md). Dealing, partial signing and recovery are the validators' own
// (validators/src/beacon). Imported as "@nullspace/core/bls": its names (SIGNATURE_LENGTH, …)
// would collide with ed25519's at the package root. engine.ts: the slot for a faster engine
// (mcl-engine.ts here, enableMclEngine; blst in ../../node) and the operations recovery runs on it.
export * from "./curve.js";
export * from "./engine.js";
export * from "./errors.js";
export * from "./mcl-engine.js";
export * from "./message.js";
export * from "./verify.js";
