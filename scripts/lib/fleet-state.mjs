// @ts-check
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { CommandError } from "./command-error.mjs";

// What `npm run fleet` leaves for the developer and for `npm run token`: the secrets it
// generated (env) and every child's log (logs/). Git-ignored (.gitignore: .fleet/).
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/**
 * `.fleet` in the repository root, or FLEET_STATE_DIR (tests use their own, so they never
 * overwrite the files of a fleet a developer is running).
 * @param {NodeJS.ProcessEnv} env
 */
export function stateDir(env) {
  return env.FLEET_STATE_DIR || join(ROOT, ".fleet");
}

/**
 * A path as the user can type it from the repository root.
 * @param {string} path
 */
export function displayPath(path) {
  const inside = relative(ROOT, path);
  return inside.startsWith("..") || inside === "" ? path : inside;
}

/**
 * Writes `KEY=value` lines, readable by `npm run token` and by `set -a; . .fleet/env`. Only
 * its owner may read it: it holds the publish key and the token secret.
 * @param {string} dir
 * @param {Record<string, string>} values
 */
export function writeFleetEnv(dir, values) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "env");
  const lines = Object.entries(values).map(([name, value]) => `${name}=${value}`);
  const header = `# Written by \`npm run fleet\` on ${new Date().toISOString()}; development secrets, replaced on every start.`;
  writeFileSync(path, `${header}\n${lines.join("\n")}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

/**
 * @param {string} dir
 * @returns {Record<string, string> | undefined} undefined when there is no env file
 */
export function readFleetEnv(dir) {
  const path = join(dir, "env");
  if (!existsSync(path)) return undefined;
  /** @type {Record<string, string>} */
  const values = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values[/** @type {string} */ (match[1])] = /** @type {string} */ (match[2]);
  }
  return values;
}

/**
 * Claims the state dir for this fleet, so a second `npm run fleet` does not overwrite the
 * first one's secrets and logs. Returns the release function.
 * @param {string} dir
 * @returns {() => void}
 */
export function lockStateDir(dir) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "fleet.pid");
  const holder = existsSync(path) ? Number(readFileSync(path, "utf8").trim()) : undefined;
  if (holder && holder !== process.pid && isAlive(holder)) {
    throw new CommandError(
      `another fleet is running (pid ${holder}, ${displayPath(path)}): stop it first, or give this one FLEET_STATE_DIR=<another dir>. ` +
        `If pid ${holder} is not a fleet, delete ${displayPath(path)}.`,
      1,
    );
  }
  writeFileSync(path, `${process.pid}\n`);
  return () => rmSync(path, { force: true });
}

/** @param {number} pid */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by someone else.
    return /** @type {NodeJS.ErrnoException} */ (error).code === "EPERM";
  }
}
