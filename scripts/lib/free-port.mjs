// @ts-check
import { createServer } from "node:net";
import { CommandError } from "./command-error.mjs";

/**
 * Listens on `port` (0: the OS picks one) on loopback and closes again: the port it got, or an
 * error when that port is taken.
 * @param {number} [port]
 * @returns {Promise<number>}
 */
export function claimPort(port = 0) {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const chosen = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(chosen));
    });
  });
}

/**
 * A port nothing listens on right now: `requested` when it is free, else an error naming it.
 * @param {number | undefined} requested
 * @param {string} what for the error message, e.g. "FLEET_PORT"
 * @returns {Promise<number>}
 */
export async function choosePort(requested, what) {
  if (requested === undefined) return claimPort(0);
  try {
    return await claimPort(requested);
  } catch {
    throw new CommandError(`port ${requested} (${what}) is in use: choose another, or leave it unset for a free one`, 1);
  }
}
