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
 * The path of a tool a test runs for real, installing its Debian package first when it is
 * missing and this is a Debian machine where we are root; otherwise an error that says what to
 * install. Never a skip: a deployment file not proven by its tool is not proven.
 */
export function ensureTool({ candidates, versionArgs, debianPackage }: ToolSpec): string {
  const find = () => candidates.find((candidate) => works(candidate, versionArgs));
  const found = find();
  if (found) return found;
  const canInstall = process.getuid?.() === 0 && works("apt-get", ["--version"]);
  if (canInstall) {
    const options = { stdio: "ignore" as const, timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } };
    spawnSync("apt-get", ["update", "-qq"], options);
    spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", debianPackage], options);
    const installed = find();
    if (installed) return installed;
  }
  throw new Error(
    `${candidates[0]} is needed by this test and is not installed${canInstall ? " (apt-get install failed)" : ""}: ` +
      `install Debian's \`${debianPackage}\` package (\`apt-get install ${debianPackage}\`) or put ${candidates[0]} on PATH.`,
  );
}
