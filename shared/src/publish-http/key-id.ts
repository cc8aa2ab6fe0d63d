import { createHash } from "node:crypto";

/**
 * A key's stable, non-secret identity: what rate-limit and replay entries in Redis and log lines
 * carry instead of the key itself. 128 bits of SHA-256, so distinct keys never share a limit.
 */
export function keyId(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 32);
}
