// @ts-check

/** A problem the user can fix (a flag, a missing secret): one line on stderr, no stack trace. */
export class CommandError extends Error {
  /**
   * @param {string} message
   * @param {number} exitCode
   */
  constructor(message, exitCode) {
    super(message);
    this.name = "CommandError";
    this.exitCode = exitCode;
  }
}

/**
 * Runs a command's main; a CommandError becomes `<command>: <message>` and its exit code, and
 * anything else (a bug) keeps its stack, exit 1.
 * @param {string} command
 * @param {() => Promise<void>} main
 */
export async function runCommand(command, main) {
  try {
    await main();
  } catch (error) {
    if (error instanceof CommandError) {
      process.stderr.write(`${command}: ${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    // util.parseArgs rejects unknown flags and missing values: usage errors too.
    const code = /** @type {{ code?: unknown }} */ (error).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_")) {
      process.stderr.write(`${command}: ${/** @type {Error} */ (error).message} (see --help)\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
