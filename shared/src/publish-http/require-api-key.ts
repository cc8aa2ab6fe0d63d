import type { MiddlewareHandler } from "hono";
import type { PublishKeyConfig } from "./publish-keys.js";
import { createKeyAuthenticator } from "./authenticate-key.js";
import type { PublishEnv } from "./caller.js";

/** Sets `caller` from the bearer key (authenticate-key.ts), or answers 401. */
export function requireApiKey(keys: readonly PublishKeyConfig[]): MiddlewareHandler<PublishEnv> {
  const authenticate = createKeyAuthenticator(keys);
  return async (c, next) => {
    c.set("caller", authenticate(c.req.header("authorization")));
    await next();
  };
}
