export * from "./create-redis-client.js";
export * from "./ping-redis.js";
export * from "./with-timeout.js";
export * from "./close-redis-client.js";
export * from "./batch-per-turn.js";
export * from "./redis-target.js";
export * from "./pub-sub.js";
