export * from "./create-redis-client.js";
export * from "./ping-redis.js";
export * from "./with-timeout.js";
