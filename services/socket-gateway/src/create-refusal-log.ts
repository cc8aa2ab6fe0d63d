import type { Logger } from "pino";

/**
 * One `info` line per interval with the refusals it saw, by reason, instead of one per refusal:
 * an operator sees a flood of refused connections without the flood filling the disk. Nothing
 * is written (and no timer runs) while nothing is refused.
 */
export function createRefusalLog(logger: Logger, intervalMs = 10_000): (reason: string) => void {
  let counts: Record<string, number> | undefined;
  const flush = () => {
    const seen = counts!;
    counts = undefined;
    const total = Object.values(seen).reduce((sum, count) => sum + count, 0);
    logger.info({ refused: seen, intervalMs }, `refused ${total} connection(s) in the last ${intervalMs / 1000} s`);
  };
  return (reason) => {
    if (!counts) {
      counts = {};
      setTimeout(flush, intervalMs).unref();
    }
    counts[reason] = (counts[reason] ?? 0) + 1;
  };
}
