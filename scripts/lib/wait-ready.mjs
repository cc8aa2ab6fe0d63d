// @ts-check
import { connect } from "node:net";

/** @typedef {import("./start-child.mjs").Child} Child */

/** Waiting cannot help: the process being waited for has exited. */
export class ChildExited extends Error {
  /** @param {Child} child */
  constructor(child) {
    super(`${child.name} exited`);
    this.child = child;
  }
}

/** The process runs but did not become ready in time. */
export class NotReady extends Error {}

/**
 * Polls `check` every 100 ms until it is true; throws ChildExited as soon as `child` has exited,
 * the signal's reason when aborted, and a timeout error after `timeoutMs`.
 * @param {() => Promise<boolean>} check
 * @param {{ child: Child, what: string, timeoutMs: number, signal: AbortSignal }} options
 */
export async function waitFor(check, { child, what, timeoutMs, signal }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal.throwIfAborted();
    if (child.exited()) throw new ChildExited(child);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new NotReady(`${what} was not ready within ${timeoutMs / 1000} s (see ${child.logFile})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * True when the service's `GET /ready` answers 200 (Redis checked, subscribed, not draining).
 * @param {string} url
 */
export async function isReady(url) {
  const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(2000) });
  await response.body?.cancel();
  return response.status === 200;
}

/**
 * True when a Redis answers PING on loopback: the fleet needs no Redis client of its own.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
export function answersPing(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let reply = "";
    const done = (/** @type {boolean} */ result) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString("latin1");
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}
