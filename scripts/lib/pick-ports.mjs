// @ts-check
import { choosePort } from "./free-port.mjs";

/**
 * The fleet's ports: the ones asked for (each checked free), the rest free ones, all different.
 * Without nginx the client port, if asked for, is the first gateway's.
 * @param {{ gateways: number, client: number | undefined, api: number | undefined, behindNginx: boolean }} request
 */
export async function pickPorts({ gateways, client, api, behindNginx }) {
  /** @type {Set<number>} */
  const taken = new Set();
  /**
   * @param {number | undefined} requested
   * @param {string} what
   */
  async function next(requested, what) {
    for (;;) {
      // The OS may hand out a port it just gave: ask again until it is one not chosen yet.
      const port = await choosePort(requested, what);
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
      if (requested !== undefined) throw new Error(`port ${port} is asked for twice`);
    }
  }
  const clientPort = await next(client, "FLEET_PORT / --port");
  const apiPort = await next(api, "FLEET_API_PORT / --api-port");
  const gatewayPorts = [];
  if (!behindNginx) gatewayPorts.push(clientPort);
  while (gatewayPorts.length < gateways) gatewayPorts.push(await next(undefined, "gateway"));
  return { client: clientPort, api: apiPort, gateways: gatewayPorts, worker: await next(undefined, "worker"), redis: await next(undefined, "redis-server") };
}
