// Peer links between validators: the runtime's Network over authenticated, sealed TCP.
export { Connection, type ConnectionConfig, type ConnectionEvents } from "./connection.js";
export * from "./errors.js";
export * from "./frame.js";
export * from "./handshake.js";
export * from "./limits.js";
export * from "./options.js";
export * from "./session.js";
export * from "./stats.js";
export * from "./tcp-network.js";
