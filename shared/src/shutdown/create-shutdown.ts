import type { Logger } from "pino";

export interface Shutdown {
  /** Registers a resource's closer; closers run in reverse order of registration. */
  add(name: string, close: () => unknown): void;
  /** Runs every closer once, then exits 0, or 1 when the deadline passes first. */
  run(reason: string): Promise<void>;
  readonly draining: boolean;
}

export interface ShutdownDeps {
  logger: Logger;
  timeoutMs: number;
  exit?: (code: number) => void;
}

export function createShutdown({ logger, timeoutMs, exit = (code) => process.exit(code) }: ShutdownDeps): Shutdown {
  const closers: Array<{ name: string; close: () => unknown }> = [];
  let running: Promise<void> | undefined;

  async function closeAll(reason: string) {
    logger.info({ reason, timeoutMs }, "shutting down");
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs }, "shutdown deadline passed, exiting anyway");
      exit(1);
    }, timeoutMs);
    deadline.unref();
    for (const { name, close } of [...closers].reverse()) {
      try {
        await close();
      } catch (error) {
        logger.warn({ err: error, resource: name }, "closing a resource failed");
      }
    }
    clearTimeout(deadline);
    logger.info("shutdown complete");
    exit(0);
  }

  return {
    add(name, close) {
      closers.push({ name, close });
    },
    run(reason) {
      running ??= closeAll(reason);
      return running;
    },
    get draining() {
      return running !== undefined;
    },
  };
}
