import { performance } from "node:perf_hooks";

/**
 * Wall-clock milliseconds comparable across processes on this host, with sub-millisecond
 * resolution: every process adds its own monotonic clock to its own time origin.
 */
export const nowMs = () => performance.timeOrigin + performance.now();

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
