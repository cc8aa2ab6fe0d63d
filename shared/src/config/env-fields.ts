import { z } from "zod";
import { RedisClusterNodesSchema } from "../redis/redis-target.js";

/**
 * Exactly `true`/`false`/`1`/`0`. `z.coerce.boolean()` would read "false" as true.
 */
export function envBoolean(defaultValue: boolean) {
  return z
    .enum(["true", "false", "1", "0"], { message: "expected one of true, false, 1, 0" })
    .default(defaultValue ? "true" : "false")
    .transform((value) => value === "true" || value === "1");
}

export function envInteger(defaultValue: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
  return z.coerce.number().int().min(min).max(max).default(defaultValue);
}

export const envPort = (defaultValue: number) => envInteger(defaultValue, { min: 0, max: 65535 });

export const RedisUrlSchema = z
  .string()
  .refine((value) => /^rediss?:\/\/[^\s]+$/.test(value) && URL.canParse(value), {
    message: "expected a redis:// or rediss:// URL",
  });

export const LogLevelSchema = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);

/** A comma-separated list; blanks dropped. */
export const envList = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

/** Fields every service reads. */
export function commonEnvFields(defaultPort: number) {
  return {
    PORT: envPort(defaultPort),
    HOST: z.string().min(1).default("0.0.0.0"),
    REDIS_URL: RedisUrlSchema.default("redis://127.0.0.1:6379"),
    // Set, it replaces REDIS_URL: the services run against a Redis Cluster (redis-target.ts).
    REDIS_CLUSTER_NODES: RedisClusterNodesSchema,
    // Sharded pub/sub on one server too (per-room channels); a cluster always uses it.
    REDIS_PUBSUB: z.enum(["classic", "sharded"]).optional(),
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_\-:.]{1,64}$/, "1 to 64 of A-Z a-z 0-9 _ - : .")
      .default("socket-server"),
    LOG_LEVEL: LogLevelSchema.default("info"),
    SHUTDOWN_TIMEOUT_MS: envInteger(25_000, { min: 1 }),
    METRICS_EMF: envBoolean(false),
    METRICS_SERVICE_NAME: z.string().min(1).max(255).optional(),
    // Node's defaults (60 s for headers, 300 s per request) let a slowloris client hold a socket for minutes.
    HTTP_HEADERS_TIMEOUT_MS: envInteger(10_000, { min: 100 }),
    HTTP_REQUEST_TIMEOUT_MS: envInteger(30_000, { min: 100 }),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: envInteger(5_000, { min: 1 }),
  };
}

/** Cross-field rules of the Redis settings, for each service's `superRefine`. */
export function checkRedisSettings(
  config: { REDIS_CLUSTER_NODES?: unknown; REDIS_PUBSUB?: "classic" | "sharded" | undefined },
  context: z.RefinementCtx,
): void {
  if (config.REDIS_CLUSTER_NODES && config.REDIS_PUBSUB === "classic") {
    context.addIssue({ code: "custom", path: ["REDIS_PUBSUB"], message: "a Redis Cluster needs sharded pub/sub: unset REDIS_PUBSUB or set it to sharded" });
  }
}

/** The pub/sub every service of a deployment speaks: sharded in a cluster, else as configured. */
export function pubSubMode(config: { REDIS_CLUSTER_NODES?: unknown; REDIS_PUBSUB?: "classic" | "sharded" | undefined }): "classic" | "sharded" {
  return config.REDIS_CLUSTER_NODES ? "sharded" : (config.REDIS_PUBSUB ?? "classic");
}
