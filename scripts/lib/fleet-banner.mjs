// @ts-check

/**
 * @typedef {object} FleetFacts
 * @property {string} clientUrl where clients connect (nginx, or the first gateway)
 * @property {boolean} behindNginx
 * @property {string[]} gatewayUrls
 * @property {string} apiUrl
 * @property {string} workerUrl
 * @property {string} redisUrl
 * @property {string} prefix REDIS_PREFIX
 * @property {string} publishKey
 * @property {string} token
 * @property {string} tokenGrant e.g. "sub dev, every room, expires in 24h"
 * @property {string} envFile as the user types it
 * @property {string} logDir as the user types it
 * @property {Array<{ name: string, pid: number }>} processes
 */

// What the fleet's banner suggests trying first; README's quick start uses the same.
const ROOM = "orders:42";
export const EXAMPLE_PUBLISH = { room: ROOM, event: "order.updated", data: { status: "paid" } };

/**
 * The text printed once every service is ready: addresses, then ready-to-paste commands.
 * Lines are shaped for people; test/e2e/fleet-command.test.ts reads them back as a user would.
 * @param {FleetFacts} facts
 * @returns {string}
 */
export function fleetBanner(facts) {
  const { clientUrl, behindNginx, gatewayUrls, apiUrl, workerUrl, redisUrl, prefix, publishKey, token } = facts;
  const count = `${gatewayUrls.length} gateway${gatewayUrls.length === 1 ? "" : "s"}`;
  const entry = behindNginx ? `nginx (ip_hash) in front of ${count}` : `${count} (no load balancer: clients connect to any of them)`;
  const snippet =
    `import { createClient } from "@socket-server/client"; ` +
    `createClient("${clientUrl}", { token: "${token}", onError: (e) => console.error("error:", e.code, e.message) })` +
    `.subscribe("${ROOM}", (data, meta, event) => console.log("received", event, data, meta));`;
  return [
    "",
    `socket-server fleet is ready: ${entry}, publish-api, worker, Redis`,
    "",
    `  Clients (Socket.IO)  ${clientUrl}    ${behindNginx ? "nginx" : "gateway-1"}`,
    `  Gateways             ${gatewayUrls.join("  ")}`,
    `  Publish API          ${apiUrl}    reference at ${apiUrl}/docs`,
    `  Worker               ${workerUrl}    health and metrics only`,
    `  Redis                ${redisUrl}    private, in memory, prefix ${prefix}`,
    "",
    "Publish an event:",
    `  curl -i -X POST ${apiUrl}/v1/publish \\`,
    `    -H 'Authorization: Bearer ${publishKey}' \\`,
    `    -H 'Content-Type: application/json' \\`,
    `    -d '${JSON.stringify(EXAMPLE_PUBLISH)}'`,
    "",
    `Client token (${facts.tokenGrant}):`,
    `  ${token}`,
    "",
    "Subscribe with it (in another terminal, from the repository root):",
    `  node --input-type=module -e '${snippet}'`,
    "",
    `More tokens:  npm run token -- --sub alice --rooms 'orders:*'    (same secret, from ${facts.envFile})`,
    `Logs:         ${facts.logDir}/<service>.log; warnings and errors also appear below`,
    `Processes:    ${facts.processes.map(({ name, pid }) => `${name} ${pid}`).join(", ")}`,
    "",
    "Press Ctrl-C to stop everything.",
    "",
  ].join("\n");
}
