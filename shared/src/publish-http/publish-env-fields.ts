import { envInteger } from "../config/index.js";
import { PublishKeysSchema } from "./publish-keys.js";

/** Fields of whatever serves the publish API (publish-api, and the gateway in single-instance mode). */
export function publishEnvFields() {
  return {
    PUBLISH_API_KEYS: PublishKeysSchema,
    // Per key, across all instances; 0 turns the limit off.
    PUBLISH_RATE_LIMIT_PER_SECOND: envInteger(200, { min: 0, max: 1_000_000 }),
    PUBLISH_RATE_LIMIT_BURST: envInteger(400, { min: 0, max: 10_000_000 }),
    // Beyond this many requests in progress the process answers 503 instead of falling behind.
    PUBLISH_MAX_IN_FLIGHT: envInteger(512, { min: 1, max: 1_000_000 }),
    MAX_PAYLOAD_BYTES: envInteger(65_536, { min: 1, max: 16 * 1024 * 1024 }),
  };
}
