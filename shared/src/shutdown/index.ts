export * from "./create-shutdown.js";
export * from "./guard-process.js";
