import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { PublishKeyConfig } from "./publish-keys.js";
import { AppError } from "../http/index.js";
import type { Caller, PublishEnv } from "./caller.js";
import { keyId } from "./key-id.js";
import { createRoomScope } from "./room-scope.js";

/**
 * Bearer keys, compared in constant time. Digests have equal lengths, so `timingSafeEqual`
 * never throws and the key's length does not leak either; every candidate is compared, so
 * neither does its position. No keys configured: every call refused. Sets `caller`.
 */
export function requireApiKey(keys: readonly PublishKeyConfig[]): MiddlewareHandler<PublishEnv> {
  const candidates = keys.map((config) => ({
    digest: digest(config.key),
    caller: { id: keyId(config.key), rooms: createRoomScope(config.rooms), signingSecret: config.signingSecret } satisfies Caller,
  }));
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new AppError("unauthorized", "missing bearer key: send `Authorization: Bearer <key>`");
    const presented = digest(match[1]!);
    let found: Caller | undefined;
    for (const candidate of candidates) {
      if (timingSafeEqual(candidate.digest, presented)) found = candidate.caller;
    }
    if (!found) throw new AppError("unauthorized", "unknown API key");
    c.set("caller", found);
    await next();
  };
}

function digest(key: string): Buffer {
  return createHash("sha256").update(key).digest();
}
