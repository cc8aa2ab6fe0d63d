// @ts-check
import { randomBytes } from "node:crypto";

// Variables the fleet decides itself. Removed from what services inherit: a developer's own
// JWT_PUBLIC_KEY beside the generated JWT_SECRET would stop every gateway at boot ("set only
// one"), DEV_MODE would loosen what the fleet is meant to show, and a cluster would bypass the
// private Redis.
const OWNED = ["PORT", "HOST", "REDIS_ENABLED", "REDIS_URL", "REDIS_PREFIX", "REDIS_CLUSTER_NODES", "PUBLISH_API_KEYS", "JWT_SECRET", "JWT_PUBLIC_KEY", "JWKS_URL", "CLIENT_IP_HEADER", "DEV_MODE"];

export const FLEET_PREFIX = "socket-server-fleet";
/** Short enough that Ctrl-C is quick, long enough for a drain on a laptop. */
const SERVICE_SHUTDOWN_MS = 5000;

/**
 * The services' SHUTDOWN_TIMEOUT_MS: the developer's, else the fleet's short one.
 * @param {NodeJS.ProcessEnv} env
 */
export function serviceShutdownMs(env) {
  return Number(env.SHUTDOWN_TIMEOUT_MS) || SERVICE_SHUTDOWN_MS;
}

/** A publish key and an HS256 secret of 32 random bytes (RFC 7518 §3.2), new for every fleet. */
export function generateSecrets() {
  return { publishKey: `fleet-${randomBytes(18).toString("base64url")}`, jwtSecret: randomBytes(32).toString("base64url") };
}

/**
 * The environments of the fleet's services: the developer's own variables (LOG_LEVEL,
 * HISTORY_SIZE, CORS_ORIGINS, ...) pass through, except the ones the fleet owns.
 * @param {NodeJS.ProcessEnv} inherited
 * @param {{ redisUrl: string, publishKey: string, jwtSecret: string, behindNginx: boolean }} fleet
 */
export function serviceEnvironments(inherited, { redisUrl, publishKey, jwtSecret, behindNginx }) {
  const base = { ...inherited };
  for (const name of OWNED) delete base[name];
  const common = {
    ...base,
    HOST: "127.0.0.1",
    REDIS_URL: redisUrl,
    REDIS_PREFIX: FLEET_PREFIX,
    LOG_LEVEL: inherited.LOG_LEVEL || "info",
    SHUTDOWN_TIMEOUT_MS: inherited.SHUTDOWN_TIMEOUT_MS || String(SERVICE_SHUTDOWN_MS),
  };
  return {
    /** @param {number} port */
    gateway: (port) => ({
      ...common,
      PORT: String(port),
      REDIS_ENABLED: "true",
      JWT_SECRET: jwtSecret,
      // nginx overwrites X-Real-IP (deploy/nginx/nginx.conf); straight on a port nobody does.
      ...(behindNginx ? { CLIENT_IP_HEADER: "x-real-ip" } : {}),
    }),
    /** @param {number} port */
    publishApi: (port) => ({ ...common, PORT: String(port), PUBLISH_API_KEYS: publishKey }),
    /** @param {number} port */
    worker: (port) => ({ ...common, PORT: String(port) }),
  };
}
