import type { z } from "zod";
import { ConfigError, loadConfig } from "./load-config.js";

/** The exit status of a bad environment: sysexits' EX_CONFIG, so a wrapper can tell it from a crash. */
export const CONFIG_ERROR_EXIT_CODE = 78;

/** For composition roots: a bad environment stops the boot with every problem listed. */
export function loadConfigOrExit<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
  service: string,
): z.infer<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${service}: ${error.message}\n`);
    process.exit(CONFIG_ERROR_EXIT_CODE);
  }
}
