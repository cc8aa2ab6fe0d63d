import type { Registry } from "prom-client";
import { createEmfReporter } from "./create-emf-reporter.js";

export interface EmfConfig {
  METRICS_EMF: boolean;
  METRICS_SERVICE_NAME?: string | undefined;
}

/** Starts the once-a-minute EMF lines when METRICS_EMF is on; returns what stops them. */
export function startEmfIfEnabled(config: EmfConfig, registry: Registry, service: string): () => void {
  if (!config.METRICS_EMF) return () => {};
  return createEmfReporter({ registry, serviceName: config.METRICS_SERVICE_NAME ?? service }).start();
}
