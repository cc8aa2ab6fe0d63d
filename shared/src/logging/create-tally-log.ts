import type { Logger } from "pino";

export interface TallyLogOptions {
  /** The log line's field holding the counts by key, e.g. `refused`. */
  field: string;
  /** The line's message from the total, e.g. `(total) => \`refused ${total} connection(s)\``; the interval is appended. */
  describe: (total: number) => string;
  intervalMs?: number;
}

/**
 * One `info` line per interval with what it saw, counted by key, instead of one line per event:
 * an operator sees a flood of refusals (or a wave of connects) without the flood filling the
 * disk. Nothing is written, and no timer runs, while nothing happens.
 */
export function createTallyLog(logger: Logger, { field, describe, intervalMs = 10_000 }: TallyLogOptions): (key: string) => void {
  let counts: Record<string, number> | undefined;
  const flush = () => {
    const seen = counts!;
    counts = undefined;
    const total = Object.values(seen).reduce((sum, count) => sum + count, 0);
    logger.info({ [field]: seen, intervalMs }, `${describe(total)} in the last ${intervalMs / 1000} s`);
  };
  return (key) => {
    if (!counts) {
      counts = {};
      setTimeout(flush, intervalMs).unref();
    }
    counts[key] = (counts[key] ?? 0) + 1;
  };
}
