export * from "./admin-env-fields.js";
export * from "./env-fields.js";
export * from "./load-config.js";
export * from "./load-config-or-exit.js";
