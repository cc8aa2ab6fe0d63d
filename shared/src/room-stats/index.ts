export * from "./room-stats-protocol.js";
export * from "./create-room-stats-collector.js";
