import type { Logger } from "pino";
import type { GatewayConfig } from "./config.js";
import { createTokenVerifier, type TokenKey, type TokenVerifier } from "./create-token-verifier.js";

export interface ClientAccess {
  verifyToken: TokenVerifier | undefined;
  anonymousRooms: string[] | undefined;
  corsOrigins: string[];
}

/**
 * Production settings pass through unchanged. DEV_MODE (root `npm start`) fills what is missing
 * so the README's snippets work when pasted: anonymous clients to any room when no token
 * verification is configured, and any browser origin when CORS_ORIGINS is unset. Both are
 * logged as warnings at boot.
 */
export function resolveClientAccess(config: GatewayConfig, logger: Logger): ClientAccess {
  const key = tokenKey(config);
  const verifyToken = key && createTokenVerifier({ key, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  let anonymousRooms = config.ALLOW_ANONYMOUS ? config.ANONYMOUS_ROOMS : undefined;
  let corsOrigins = config.CORS_ORIGINS;
  if (config.DEV_MODE && !key && !config.ALLOW_ANONYMOUS) {
    anonymousRooms = ["*"];
    logger.warn("DEV_MODE: no JWT_SECRET, JWT_PUBLIC_KEY or JWKS_URL set, so any client may read any room without a token; never run this way in production");
  }
  if (config.DEV_MODE && corsOrigins.length === 0) {
    corsOrigins = ["*"];
    logger.warn("DEV_MODE: no CORS_ORIGINS set, so pages from any origin may connect");
  }
  if (!config.DEV_MODE && corsOrigins.length === 0) {
    logger.info("CORS_ORIGINS is empty: browsers are refused, clients without an Origin header (apps, servers) are not");
  }
  return { verifyToken, anonymousRooms, corsOrigins };
}

function tokenKey(config: GatewayConfig): TokenKey | undefined {
  if (config.JWT_SECRET !== undefined) return { kind: "secret", secret: config.JWT_SECRET };
  if (config.JWT_PUBLIC_KEY !== undefined) return { kind: "public-key", pem: config.JWT_PUBLIC_KEY };
  if (config.JWKS_URL !== undefined) return { kind: "jwks", url: config.JWKS_URL };
  return undefined;
}
