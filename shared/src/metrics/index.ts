export * from "./create-metrics-registry.js";
export * from "./metric-names.js";
export * from "./create-common-metrics.js";
export * from "./instrument-publisher.js";
export * from "./create-emf-reporter.js";
export * from "./start-emf-if-enabled.js";
