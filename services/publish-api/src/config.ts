import { z } from "zod";
import { commonEnvFields, envInteger, publishEnvFields } from "@socket-server/shared/config";

export const PublishApiConfigSchema = z.object({
  ...commonEnvFields(3000),
  ...publishEnvFields(),
  MAX_PAYLOAD_BYTES: envInteger(65_536, { min: 1, max: 16 * 1024 * 1024 }),
});
export type PublishApiConfig = z.infer<typeof PublishApiConfigSchema>;
