import { createPublicKey } from "node:crypto";
import { z } from "zod";
import { adminEnvFields, checkAdminCredentials, checkRedisSettings, commonEnvFields, envBoolean, envInteger, envList } from "@socket-server/shared/config";
import { isRoomPattern } from "@socket-server/shared/events";
import { historyEnvFields } from "@socket-server/shared/history";
import { publishEnvFields } from "@socket-server/shared/publish-http";

// Env files cannot hold newlines comfortably: accept a PEM with literal `\n` sequences too.
const PemPublicKeySchema = z
  .string()
  .transform((value) => value.replaceAll("\\n", "\n"))
  .refine(isSupportedPublicKey, { message: "expected a PEM public key: RSA (RS256) or EC P-256 (ES256)" });

const GrantListSchema = (defaultValue: string) =>
  z
    .string()
    .default(defaultValue)
    .transform((value) => value.split(",").map((item) => item.trim()).filter((item) => item.length > 0))
    .refine((grants) => grants.every(isRoomPattern), { message: "expected room names or prefixes ending in *, comma-separated" });

// A browser Origin is scheme://host[:port]; `*` allows every origin.
const OriginListSchema = envList.refine(
  (origins) => origins.every((origin) => origin === "*" || /^https?:\/\/[^/\s]+$/.test(origin)),
  { message: "expected * or origins such as https://app.example.com, comma-separated, no path" },
);

export const GatewayConfigSchema = z
  .object({
    ...commonEnvFields(4000),
    REDIS_ENABLED: envBoolean(false),
    MAX_CONNECTIONS: envInteger(10_000, { min: 1 }),
    // Single-instance mode serves the publish API too.
    ...publishEnvFields(),
    ...historyEnvFields(),
    // A reconnecting client further behind than this is told to reload instead of being replayed to.
    RECOVERY_MAX_MESSAGES: envInteger(300, { min: 0, max: 10_000 }),
    // Set by the root `npm start` only: conveniences for a laptop, loudly logged.
    DEV_MODE: envBoolean(false),

    // Client tokens: exactly one way to verify them (or none, with anonymous clients only).
    // RFC 7518 asks for an HS256 key at least as long as the hash: 32 bytes.
    JWT_SECRET: z.string().min(32, "at least 32 characters (RFC 7518 §3.2)").optional(),
    JWT_PUBLIC_KEY: PemPublicKeySchema.optional(),
    JWKS_URL: z.url({ protocol: /^https?$/, message: "expected an http(s) URL" }).optional(),
    JWT_ISSUER: z.string().min(1).optional(),
    JWT_AUDIENCE: z.string().min(1).optional(),
    JWT_EXPIRY_GRACE_MS: envInteger(30_000),
    ALLOW_ANONYMOUS: envBoolean(false),
    ANONYMOUS_ROOMS: GrantListSchema("public:*"),
    MAX_ROOMS_PER_CONNECTION: envInteger(100, { min: 1 }),
    CORS_ORIGINS: OriginListSchema,

    // Limits on what one client may cost.
    CLIENT_EVENTS_PER_SECOND: envInteger(20, { min: 1 }),
    CONNECTIONS_PER_SECOND_PER_IP: envInteger(20, { min: 1 }),
    // Measured against a reconnect storm of 100 clients per address: docs/security.md, "Limits".
    CONNECTION_BURST_PER_IP: envInteger(100, { min: 0 }),
    CLIENT_IP_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, "expected a header name such as x-real-ip")
      .transform((name) => name.toLowerCase())
      .optional(),
    SLOW_CONSUMER_MAX_BYTES: envInteger(1_048_576, { min: 1024 }),

    // Socket.IO's Admin UI under /admin/, on only with both credentials (docs/security.md, "Admin views").
    ...adminEnvFields(),
    ADMIN_UI_MODE: z.enum(["production", "development"]).default("production"),
  })
  .superRefine((config, context) => {
    checkAdminCredentials(config, context);
    checkRedisSettings(config, context);
    // A gateway running alone while its operator named a cluster would split the fleet silently.
    if (config.REDIS_CLUSTER_NODES && !config.REDIS_ENABLED) {
      context.addIssue({ code: "custom", path: ["REDIS_CLUSTER_NODES"], message: "needs REDIS_ENABLED=true (a gateway alone uses no Redis)" });
    }
    const methods = (["JWT_SECRET", "JWT_PUBLIC_KEY", "JWKS_URL"] as const).filter((name) => config[name] !== undefined);
    if (methods.length > 1) {
      context.addIssue({ code: "custom", path: [], message: `set only one of ${methods.join(", ")}` });
    }
    // Deny by default, but loudly: a gateway nobody can connect to is a misconfiguration, not a mode.
    if (methods.length === 0 && !config.ALLOW_ANONYMOUS && !config.DEV_MODE) {
      context.addIssue({
        code: "custom",
        path: [],
        message:
          "no way for clients to connect: set JWT_SECRET, JWT_PUBLIC_KEY or JWKS_URL to verify client tokens, " +
          "or ALLOW_ANONYMOUS=true to admit clients without a token to ANONYMOUS_ROOMS only",
      });
    }
  });
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;

function isSupportedPublicKey(pem: string): boolean {
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === "rsa" || (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1");
  } catch {
    return false;
  }
}
