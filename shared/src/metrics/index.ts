export * from "./create-metrics-registry.js";
