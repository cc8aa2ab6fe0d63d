import { z } from "zod";

export interface ClusterNode {
  host: string;
  port: number;
}

/**
 * Where a service's Redis is: one server (`REDIS_URL`) or a Redis Cluster reached through its
 * seed nodes (`REDIS_CLUSTER_NODES`). In a cluster, credentials and TLS come from the seeds
 * written as URLs (`rediss://user:password@host:port`) and apply to every node.
 */
export type RedisTarget =
  | { mode: "standalone"; url: string }
  | { mode: "cluster"; nodes: ClusterNode[]; username?: string; password?: string; tls: boolean };

const HOST_PORT = /^(?<host>[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\]):(?<port>\d{1,5})$/;

/** One seed: `host:port` or a `redis://` / `rediss://` URL. */
function parseSeed(seed: string): { node: ClusterNode; username?: string; password?: string; tls: boolean } | string {
  if (/^rediss?:\/\//.test(seed)) {
    if (!URL.canParse(seed)) return `${JSON.stringify(seed)} is not a URL`;
    const url = new URL(seed);
    const port = Number(url.port || 6379);
    return {
      node: { host: url.hostname.replace(/^\[|\]$/g, ""), port },
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      tls: url.protocol === "rediss:",
    };
  }
  const match = HOST_PORT.exec(seed);
  const port = Number(match?.groups?.port);
  if (!match || port < 1 || port > 65535) return `${JSON.stringify(seed)} is not host:port`;
  return { node: { host: match.groups!.host!.replace(/^\[|\]$/g, ""), port }, tls: false };
}

/** `REDIS_CLUSTER_NODES`: comma-separated seeds; unset or blank = not a cluster. */
export const RedisClusterNodesSchema = z
  .string()
  .optional()
  .transform((value, context) => {
    const seeds = (value ?? "").split(",").map((seed) => seed.trim()).filter((seed) => seed.length > 0);
    if (seeds.length === 0) return undefined;
    const parsed = seeds.map(parseSeed);
    const problems = parsed.filter((seed): seed is string => typeof seed === "string");
    if (problems.length > 0) {
      context.addIssue({ code: "custom", message: `expected host:port or redis(s):// URLs separated by commas: ${problems.join("; ")}` });
      return z.NEVER;
    }
    const valid = parsed as Array<Exclude<ReturnType<typeof parseSeed>, string>>;
    const credentials = valid.find((seed) => seed.username !== undefined || seed.password !== undefined);
    return {
      mode: "cluster" as const,
      nodes: valid.map((seed) => seed.node),
      ...(credentials?.username !== undefined ? { username: credentials.username } : {}),
      ...(credentials?.password !== undefined ? { password: credentials.password } : {}),
      tls: valid.some((seed) => seed.tls),
    };
  });

/** The target a service's configuration names: the cluster when its seeds are set, else `REDIS_URL`. */
export function redisTarget(config: { REDIS_URL: string; REDIS_CLUSTER_NODES?: Extract<RedisTarget, { mode: "cluster" }> | undefined }): RedisTarget {
  return config.REDIS_CLUSTER_NODES ?? { mode: "standalone", url: config.REDIS_URL };
}

/**
 * BullMQ's key prefix. In a cluster every key of a queue must share one slot (its scripts touch
 * several at once), which a hash tag around the prefix gives.
 */
export function queuePrefix(prefix: string, target: RedisTarget): string {
  return target.mode === "cluster" ? `{${prefix}}` : prefix;
}
