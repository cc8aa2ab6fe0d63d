// @ts-check

// pino's numeric levels (https://getpino.io/#/docs/api?id=loggerlevels).
const LEVELS = /** @type {Record<number, string>} */ ({ 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" });
const WARN = 40;

/**
 * How one line a child wrote appears in the fleet's terminal, or undefined to leave it to the
 * log file: services log JSON lines (pino), of which warnings and errors are shown as
 * `name | level: msg (err)`; anything else a child prints (a boot error, redis-server, nginx)
 * is shown as it is.
 * @param {string} name
 * @param {string} line
 * @param {number} width the prefix is padded to it, so the lines of several services align
 * @returns {string | undefined}
 */
export function terminalLine(name, line, width) {
  if (line.trim() === "") return undefined;
  const prefix = `${name.padEnd(width)} |`;
  /** @type {{ level?: unknown, msg?: unknown, err?: { message?: unknown } } | undefined} */
  let record;
  try {
    record = line.startsWith("{") ? JSON.parse(line) : undefined;
  } catch {
    record = undefined;
  }
  if (record === undefined || typeof record.level !== "number") return `${prefix} ${line}`;
  if (record.level < WARN) return undefined;
  const cause = typeof record.err?.message === "string" ? ` (${record.err.message})` : "";
  return `${prefix} ${LEVELS[record.level] ?? record.level}: ${String(record.msg ?? "")}${cause}`;
}
