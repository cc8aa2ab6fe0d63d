// @ts-check
import { join } from "node:path";
import { displayPath } from "./fleet-state.mjs";
import { startChild } from "./start-child.mjs";
import { stopChildren } from "./stop-children.mjs";
import { terminalLine } from "./terminal-line.mjs";

/** @typedef {import("./start-child.mjs").Child} Child */

/**
 * @typedef {object} ChildCommand
 * @property {string} command
 * @property {string[]} args
 * @property {string} [cwd]
 * @property {NodeJS.ProcessEnv} [env] default: the fleet's own
 */

/**
 * The fleet's children: each started with its log file and its terminal relay, reported when
 * it dies while the fleet runs, and all stopped in layers at the end.
 * @param {{ logDir: string, width: number, stopTimeoutMs: number, say: (line: string) => void }} options
 */
export function createSupervisor({ logDir, width, stopTimeoutMs, say }) {
  /** @type {Array<{ child: Child, layer: number, timeoutMs: number }>} */
  const children = [];
  /** Children that have had a line on the terminal: their last words are already there. */
  const heard = new Set();
  let phase = /** @type {"starting" | "running" | "stopping"} */ ("starting");

  /**
   * @param {Child} child
   * @param {string} what
   * @param {string} [consequence]
   */
  async function reportExit(child, what, consequence = "") {
    const { code, signal } = await child.exit;
    const log = displayPath(child.logFile);
    const how = `fleet: ${child.name} (pid ${child.pid}) ${what} (${signal ?? `exit code ${code}`})${consequence}`;
    if (heard.has(child.name)) return say(`${how}; its output is above, its whole log in ${log}`);
    say(`${how}. The last lines of ${log}:`);
    for (const line of child.lastLines().slice(-15)) say(`  ${line}`);
  }

  return {
    /**
     * @param {string} name
     * @param {ChildCommand} how
     * @param {number} layer stopped after every higher layer
     * @param {boolean} [chatty] its start and stop are all warnings (redis-server): terminal only while running
     */
    start(name, { command, args, cwd, env = process.env }, layer, chatty = false) {
      const onLine = (/** @type {string} */ line) => {
        if (chatty && phase !== "running") return;
        const text = terminalLine(name, line, width);
        if (text === undefined) return;
        heard.add(name);
        say(text);
      };
      const child = startChild({ name, command, args, cwd, env, logFile: join(logDir, `${name}.log`), onLine });
      // Redis goes last and quickly; the services get their own drain deadline and a margin.
      children.push({ child, layer, timeoutMs: layer === 0 ? 5000 : stopTimeoutMs });
      // Once up, one child's death is reported and the rest run on: stopping a gateway to watch
      // its clients move over is a thing to try.
      void child.exit.then(() => {
        if (phase === "running") void reportExit(child, "exited unexpectedly", "; the others keep running");
      });
      return child;
    },
    reportExit,
    running() {
      phase = "running";
    },
    processes: () => children.map(({ child }) => ({ name: child.name, pid: child.pid })),
    count: () => children.length,
    /** SIGKILL to every child at once (a second Ctrl-C). */
    killAll() {
      for (const { child } of children) child.kill();
    },
    async stopAll() {
      phase = "stopping";
      await stopChildren(children);
    },
  };
}
