// @ts-check

/** @typedef {import("./start-child.mjs").Child} Child */

/**
 * Stops the children layer by layer, the highest first (nginx, then the services, then the Redis
 * they quit from), each layer at once, each child with SIGTERM and SIGKILL after its deadline.
 * @param {Array<{ child: Child, layer: number, timeoutMs: number }>} children
 */
export async function stopChildren(children) {
  const layers = [...new Set(children.map(({ layer }) => layer))].sort((a, b) => b - a);
  for (const layer of layers) {
    await Promise.all(children.filter((entry) => entry.layer === layer).map(({ child, timeoutMs }) => child.stop(timeoutMs)));
  }
}
