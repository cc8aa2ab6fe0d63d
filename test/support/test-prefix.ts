import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";

/** A REDIS_PREFIX no other test file uses, so tests can share one Redis without FLUSHALL. */
export function testPrefix(name: string): string {
  return `test-${name}-${randomUUID().slice(0, 8)}`;
}

/** Deletes what a test left under its prefix. */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  client.on("error", () => {});
  try {
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await client.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    client.disconnect();
  }
}
