import type { Logger } from "pino";
import type { PublishKeyConfig } from "@socket-server/shared/publish-http";

/** Known to the README so its curl works when pasted; only ever used under DEV_MODE. */
export const DEV_PUBLISH_KEY = "dev-publish-key";

/** Keys for single-instance mode: the configured ones, or in DEV_MODE the well-known dev key. */
export function resolvePublishKeys(configured: PublishKeyConfig[], devMode: boolean, logger: Logger): PublishKeyConfig[] {
  if (configured.length > 0 || !devMode) return configured;
  // The dev key is public (it is in the README), so it may appear in the log; real keys never do.
  logger.warn(
    `DEV_MODE: no PUBLISH_API_KEYS set, accepting the development key "${DEV_PUBLISH_KEY}"; never run this way in production`,
  );
  return [{ key: DEV_PUBLISH_KEY, rooms: undefined, signingSecret: undefined }];
}
