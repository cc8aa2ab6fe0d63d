import type { Logger } from "pino";
import type { Shutdown } from "./create-shutdown.js";

/**
 * Traps SIGTERM/SIGINT into a graceful stop. A stray rejection is logged, not fatal: one bad
 * promise must not drop every connection of the instance. An uncaught exception leaves the
 * process in an unknown state, so it drains and exits.
 */
export function guardProcess(shutdown: Shutdown, logger: Logger): void {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => void shutdown.run(signal));
  }
  process.on("unhandledRejection", (reason) => {
    logger.error({ err: reason }, "unhandled promise rejection");
  });
  process.on("uncaughtException", (error) => {
    logger.fatal({ err: error }, "uncaught exception");
    void shutdown.run("uncaughtException");
  });
}
