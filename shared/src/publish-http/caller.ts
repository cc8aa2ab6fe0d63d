import type { RoomScope } from "./room-scope.js";

/** The authenticated key behind a request, as the routes see it (never the key itself). */
export interface Caller {
  /** `keyId(key)`: safe for logs and Redis. */
  id: string;
  rooms: RoomScope;
  /** Set for keys that must sign their requests. */
  signingSecret: string | undefined;
}

/** Hono context variables of the publish app. */
export interface PublishEnv {
  Variables: { caller: Caller };
}
