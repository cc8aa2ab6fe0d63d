export * from "./room-emitter.js";
export * from "./publish-unavailable-error.js";
export * from "./create-publisher.js";
export * from "./create-in-process-room-emitter.js";
export * from "./create-redis-room-emitter.js";
export * from "./create-history-room-emitter.js";
export * from "./create-fleet-room-emitter.js";
