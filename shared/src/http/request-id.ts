import { randomUUID } from "node:crypto";

// The rule Hono's request-id middleware applies (createServiceApp uses it), so a caller's id is
// echoed the same way by the answers made outside Hono.
const SANE_REQUEST_ID = /^[\w\-=]{1,64}$/;

/** The caller's `X-Request-Id` when it is sane, else a fresh one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === "string" && SANE_REQUEST_ID.test(header) ? header : randomUUID();
}
