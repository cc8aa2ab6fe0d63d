import type { Logger } from "pino";
import type { PublishKeyConfig } from "./publish-keys.js";
import { keyId } from "./key-id.js";

const SHORT_KEY_LENGTH = 16;

/** Logs what each key may do, naming keys by the first characters of their id, never by the key. */
export function describePublishKeys(keys: readonly PublishKeyConfig[], logger: Logger): void {
  if (keys.length === 0) {
    logger.warn("PUBLISH_API_KEYS is empty: every publish will be refused with 401");
    return;
  }
  const summary = keys.map((config) => ({
    keyId: keyId(config.key).slice(0, 8),
    rooms: config.rooms ?? "all",
    signed: config.signingSecret !== undefined,
  }));
  logger.info({ publishKeys: summary }, `${keys.length} publish key(s) configured`);
  const short = summary.filter((_, index) => keys[index]!.key.length < SHORT_KEY_LENGTH).map((entry) => entry.keyId);
  if (short.length > 0) {
    logger.warn({ keyIds: short }, `publish keys shorter than ${SHORT_KEY_LENGTH} characters can be guessed: use 32 or more random characters`);
  }
}
