import { spawnSync } from "node:child_process";

export interface ToolSpec {
  /** Names or paths to try, in order (Debian keeps daemons in /usr/sbin, often off a user's PATH). */
  candidates: string[];
  /** Arguments that make the tool print its version and exit 0. */
  versionArgs: string[];
  /** The Debian package that provides it. */
  debianPackage: string;
}

const works = (binary: string, args: string[]) => spawnSync(binary, args, { stdio: "ignore", timeout: 10_000 }).status === 0;

/**
 * The path of a tool a test runs for real, or an error that says what to install. Tests never
 * install anything themselves (.ci/run does, for CI). Never a skip: a deployment file not
 * proven by its tool is not proven.
 */
export function ensureTool({ candidates, versionArgs, debianPackage }: ToolSpec): string {
  const found = candidates.find((candidate) => works(candidate, versionArgs));
  if (found) return found;
  throw new Error(
    `${candidates[0]} is needed by this test and is not installed (tried ${candidates.join(", ")}): ` +
      `\`apt-get install ${debianPackage}\` (Debian/Ubuntu; .ci/run does this) or put ${candidates[0]} on PATH.`,
  );
}
