export * from "./room-history.js";
export * from "./history-keys.js";
export * from "./feed-message.js";
export * from "./create-redis-history.js";
export * from "./create-memory-history.js";
export * from "./history-env-fields.js";
export * from "./room-feed.js";
