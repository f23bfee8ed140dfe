// Node-only helpers shared by the validators and the relay (`@nullspace/core/node`); nothing here
// loads in a browser.
export { BLST_ENGINE, enableBlstEngine, enableFastBls } from "./blst-engine.js";
export { answerClientErrors, type ClientErrorKind, type ClientErrorRefusal, rawJsonResponse } from "./client-errors.js";
export { Ed25519Thread, type Ed25519ThreadOptions } from "./ed25519-thread.js";
export { HttpPoster, type HttpPosterOptions, type PostAnswer } from "./http-post.js";
export { type HttpTimeouts, httpTimeouts } from "./http-timeouts.js";
export { LoopLag, type LoopLagOptions } from "./loop-lag.js";
export { stopWhenParentGone } from "./parent-lifeline.js";
export { SigmaThread } from "./sigma-thread.js";
export { tsWorker, tsWorkerData } from "./ts-worker.js";
export { TurnGate } from "./turn-gate.js";
export { INLINE_FALLBACK_BACKOFF, type RestartBackoff, type WorkerReply, WorkerRpc } from "./worker-rpc.js";
