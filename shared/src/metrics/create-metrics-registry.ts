import { collectDefaultMetrics, Registry } from "prom-client";

/**
 * The event loop's delay is sampled every this many ms. prom-client's 10 ms woke every process
 * 100 times a second for it, about half of publish-api's CPU when idle and a tenth of a
 * request's at 1,000 requests/s on this VM (bench/README.md, "Ninth round (issue 16)"); a
 * stall long enough to matter still spans samples.
 */
export const EVENT_LOOP_SAMPLE_MS = 50;

/** A registry per process (never prom-client's global one), with Node's process metrics. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  return registry;
}
