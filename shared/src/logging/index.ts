export * from "./create-logger.js";
export * from "./create-tally-log.js";
