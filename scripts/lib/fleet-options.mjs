// @ts-check
import { parseArgs } from "node:util";
import { CommandError } from "./command-error.mjs";

export const FLEET_USAGE = `Usage: npm run fleet [-- [--gateways <n>] [--port <port>] [--api-port <port>] [--no-nginx]]

Runs the multi-instance topology on this machine, without Docker: a private in-memory
redis-server, <n> socket-gateways behind nginx (deploy/nginx/nginx.conf; without nginx the
gateways are reached on their own ports), publish-api and the worker, with freshly generated
development secrets. Waits until every service is ready, prints the URLs, a publish command, a
client token and a client snippet, and stops everything on Ctrl-C.

  --gateways <n>     how many gateways (default 2, at most 16)
  --port <port>      where clients connect: nginx, or the first gateway without it
                     (default FLEET_PORT, else a free port)
  --api-port <port>  publish-api's port (default FLEET_API_PORT, else a free port)
  --no-nginx         no load balancer even when nginx is installed
  -h, --help         this text

Files: .fleet/env (the secrets, read by \`npm run token\`) and .fleet/logs/<service>.log, kept
after the fleet stops and replaced by the next one (FLEET_STATE_DIR moves them elsewhere).
Other variables in your environment (LOG_LEVEL, HISTORY_SIZE, CORS_ORIGINS, ...; see
docs/environment.md) reach every service; the fleet sets PORT, HOST, REDIS_*, PUBLISH_API_KEYS,
JWT_SECRET and CLIENT_IP_HEADER itself. redis-server and nginx are looked for on PATH, then
in /usr/sbin, /usr/bin, /usr/local/sbin, /usr/local/bin, /opt/homebrew/sbin and /opt/homebrew/bin
(FLEET_SEARCH_DIRS, colon-separated, replaces that list).
`;

const MAX_GATEWAYS = 16;

/**
 * @typedef {object} FleetOptions
 * @property {boolean} help
 * @property {number} gateways
 * @property {number | undefined} port
 * @property {number | undefined} apiPort
 * @property {boolean} nginx false when --no-nginx
 */

/**
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} env
 * @returns {FleetOptions}
 */
export function parseFleetOptions(argv, env) {
  const { values } = parseArgs({
    args: argv,
    options: {
      gateways: { type: "string", default: "2" },
      port: { type: "string" },
      "api-port": { type: "string" },
      "no-nginx": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const gateways = integer(values.gateways, "--gateways", 1, MAX_GATEWAYS);
  const port = optionalPort(values.port ?? env.FLEET_PORT, values.port === undefined ? "FLEET_PORT" : "--port");
  const apiPort = optionalPort(values["api-port"] ?? env.FLEET_API_PORT, values["api-port"] === undefined ? "FLEET_API_PORT" : "--api-port");
  if (port !== undefined && port === apiPort) throw new CommandError(`the client port and publish-api's port are both ${port}`, 2);
  return { help: values.help, gateways, port, apiPort, nginx: !values["no-nginx"] };
}

/**
 * @param {string} text
 * @param {string} what
 * @param {number} min
 * @param {number} max
 */
function integer(text, what, min, max) {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new CommandError(`${what} must be an integer from ${min} to ${max}, not ${JSON.stringify(text)}`, 2);
  return value;
}

/**
 * @param {string | undefined} text
 * @param {string} what
 */
function optionalPort(text, what) {
  return text === undefined || text === "" ? undefined : integer(text, what, 1, 65535);
}
