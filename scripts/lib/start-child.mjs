// @ts-check
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";

const KEPT_LINES = 40;

/**
 * @typedef {object} ChildSpec
 * @property {string} name how the fleet names it in its output ("gateway-1")
 * @property {string} command
 * @property {string[]} args
 * @property {string} [cwd]
 * @property {NodeJS.ProcessEnv} env
 * @property {string} logFile everything it writes, stdout and stderr
 * @property {(line: string) => void} onLine each complete line, for the terminal relay
 */

/**
 * @typedef {object} Child
 * @property {string} name
 * @property {number} pid also its process group id (nginx's workers are in that group)
 * @property {string} logFile
 * @property {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} exit
 * @property {() => boolean} exited
 * @property {() => string[]} lastLines
 * @property {(timeoutMs: number) => Promise<void>} stop SIGTERM to its group, SIGKILL after the deadline
 * @property {() => void} kill SIGKILL to its group at once
 */

/**
 * Spawns one process of the fleet in its own process group, so that a Ctrl-C meant for the
 * fleet reaches only the fleet, which then stops its children in order (nginx and services
 * before the Redis they quit from).
 * @param {ChildSpec} spec
 * @returns {Child}
 */
export function startChild({ name, command, args, cwd, env, logFile, onLine }) {
  const child = spawn(command, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const log = createWriteStream(logFile, { flags: "w" });
  /** @type {string[]} */
  const kept = [];
  for (const stream of [child.stdout, child.stderr]) {
    let partial = "";
    stream.setEncoding("utf8");
    stream.on("data", (/** @type {string} */ chunk) => {
      log.write(chunk);
      const lines = (partial + chunk).split("\n");
      partial = /** @type {string} */ (lines.pop());
      for (const line of lines) keep(line);
    });
    stream.on("end", () => partial && keep(partial));
  }
  /** @param {string} line */
  function keep(line) {
    kept.push(line);
    if (kept.length > KEPT_LINES) kept.shift();
    onLine(line);
  }

  /** @type {Child["exit"]} */
  const exit = new Promise((resolve) => {
    // An exec failure (ENOENT) has no exit event of its own.
    child.once("error", (error) => {
      keep(`${name}: ${error.message}`);
      resolve({ code: 127, signal: null });
    });
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  // "close" comes after the last output, once every holder of its pipes (nginx's workers) is gone.
  child.once("close", () => log.end());
  let done = false;
  void exit.then(() => (done = true));

  /** @param {NodeJS.Signals | 0} signal */
  const signalGroup = (signal) => {
    if (child.pid === undefined) return false;
    try {
      process.kill(-child.pid, signal);
      return true;
    } catch {
      return false; // the group is gone
    }
  };

  return {
    name,
    pid: child.pid ?? -1,
    logFile,
    exit,
    exited: () => done,
    lastLines: () => kept.slice(),
    async stop(timeoutMs) {
      if (!done) {
        signalGroup("SIGTERM");
        /** @type {NodeJS.Timeout | undefined} */
        let timer;
        await Promise.race([exit, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
        clearTimeout(timer);
      }
      // Past the deadline, or the leader went and left members of its group behind.
      if (signalGroup(0)) signalGroup("SIGKILL");
      await exit;
    },
    kill() {
      signalGroup("SIGKILL");
    },
  };
}
