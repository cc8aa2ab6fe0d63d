// @ts-check
import { spawnSync } from "node:child_process";
import { join } from "node:path";

/**
 * Debian keeps daemons in /usr/sbin, often off a user's PATH; Homebrew puts them under
 * /opt/homebrew or /usr/local. FLEET_SEARCH_DIRS (colon-separated, may be empty) replaces these.
 */
const DEFAULT_SEARCH_DIRS = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin", "/opt/homebrew/sbin", "/opt/homebrew/bin"];

/**
 * @param {NodeJS.ProcessEnv} env
 * @returns {string[]}
 */
export function searchDirs(env) {
  const configured = env.FLEET_SEARCH_DIRS;
  if (configured === undefined) return DEFAULT_SEARCH_DIRS;
  return configured.split(":").filter((dir) => dir.length > 0);
}

/**
 * The first of `name` on PATH, then `name` in each directory, that runs `name versionArgs` with
 * exit code 0; undefined when none does.
 * @param {string} name
 * @param {{ versionArgs: string[], dirs: string[] }} options
 * @returns {string | undefined}
 */
export function findBinary(name, { versionArgs, dirs }) {
  const candidates = [name, ...dirs.map((dir) => join(dir, name))];
  return candidates.find((candidate) => spawnSync(candidate, versionArgs, { stdio: "ignore", timeout: 10_000 }).status === 0);
}
