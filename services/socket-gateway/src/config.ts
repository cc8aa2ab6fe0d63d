import { z } from "zod";
import { commonEnvFields, envBoolean, envInteger, publishEnvFields } from "@socket-server/shared/config";

export const GatewayConfigSchema = z.object({
  ...commonEnvFields(4000),
  REDIS_ENABLED: envBoolean(false),
  MAX_CONNECTIONS: envInteger(10_000, { min: 1 }),
  // Single-instance mode serves the publish API too.
  ...publishEnvFields(),
  MAX_PAYLOAD_BYTES: envInteger(65_536, { min: 1, max: 16 * 1024 * 1024 }),
  // Set by the root `npm start` only: conveniences for a laptop, loudly logged.
  DEV_MODE: envBoolean(false),
});
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;
