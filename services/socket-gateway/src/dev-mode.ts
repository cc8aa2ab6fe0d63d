import { isIPv4, isIPv6 } from "node:net";
import type { Logger } from "pino";
import type { PublishKeyConfig } from "@socket-server/shared/publish-http";

/** Known to the README so its curl works when pasted; only ever used under DEV_MODE. */
export const DEV_PUBLISH_KEY = "dev-publish-key";

/** Where DEV_MODE listens when HOST is not set: this machine only. */
export const DEV_HOST = "127.0.0.1";

/** Keys for single-instance mode: the configured ones, or in DEV_MODE the well-known dev key. */
export function resolvePublishKeys(configured: PublishKeyConfig[], devMode: boolean, logger: Logger): PublishKeyConfig[] {
  if (configured.length > 0 || !devMode) return configured;
  // The dev key is public (it is in the README), so it may appear in the log; real keys never do.
  logger.warn(
    `DEV_MODE: no PUBLISH_API_KEYS set, accepting the development key "${DEV_PUBLISH_KEY}"; never run this way in production`,
  );
  return [{ key: DEV_PUBLISH_KEY, rooms: undefined, signingSecret: undefined }];
}

/**
 * The listen address. DEV_MODE accepts a public publish key and, with no token setting, any
 * client in any room: on 0.0.0.0 that would be open to everyone on the network, so it stays on
 * loopback unless HOST is set. The schema's default (0.0.0.0) cannot tell "unset" from "set", so
 * the caller says whether HOST was set (empty counts as unset, as in loadConfig).
 */
export function resolveListenHost(configured: string, hostSet: boolean, devMode: boolean): string {
  return devMode && !hostSet ? DEV_HOST : configured;
}

/** The DEV_MODE banner, once listening: who can reach it, a warning when that is more than this machine. */
export function logDevListening(host: string, port: number, logger: Logger): void {
  const url = listenUrl(host, port);
  if (isLoopback(host)) {
    logger.info(`DEV_MODE: listening on ${url}, reachable from this machine only; set HOST=0.0.0.0 to accept other machines`);
  } else {
    logger.warn(`DEV_MODE: listening on ${url} as HOST says, so other machines can reach this development server; unset HOST to keep it on ${DEV_HOST}`);
  }
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || (isIPv4(host) && host.startsWith("127."));
}

export function listenUrl(host: string, port: number): string {
  return `http://${isIPv6(host) ? `[${host}]` : host}:${port}`;
}
