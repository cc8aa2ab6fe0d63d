import { pino, type Logger, type LevelWithSilent } from "pino";

export type { Logger };

/** JSON logs on stdout; credentials never reach them, whatever a caller passes in. */
export function createLogger(options: { service: string; level: LevelWithSilent }): Logger {
  return pino({
    level: options.level,
    base: { service: options.service },
    redact: {
      paths: ["authorization", "*.authorization", "headers.authorization", "token", "*.token", "key", "*.key", "password", "*.password"],
      censor: "[redacted]",
    },
  });
}
