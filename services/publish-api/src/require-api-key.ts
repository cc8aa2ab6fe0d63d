import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { AppError } from "@socket-server/shared/http";

/**
 * Bearer keys, compared in constant time. Digests have equal lengths, so `timingSafeEqual`
 * never throws and the key's length does not leak either. No keys configured: every call refused.
 */
export function requireApiKey(keys: readonly string[]): MiddlewareHandler {
  const digests = keys.map(digest);
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new AppError("unauthorized", "missing bearer key: send `Authorization: Bearer <key>`");
    const presented = digest(match[1]!);
    let known = false;
    for (const candidate of digests) known = timingSafeEqual(candidate, presented) || known;
    if (!known) throw new AppError("unauthorized", "unknown API key");
    await next();
  };
}

function digest(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}
