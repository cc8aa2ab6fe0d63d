import { z } from "zod";
import { adminEnvFields, checkAdminCredentials, checkRedisSettings, commonEnvFields } from "@socket-server/shared/config";
import { historyEnvFields } from "@socket-server/shared/history";
import { publishEnvFields } from "@socket-server/shared/publish-http";

export const PublishApiConfigSchema = z
  .object({
    ...commonEnvFields(3000),
    ...publishEnvFields(),
    ...historyEnvFields(),
    // The notifications queue board under /admin/queues, on only with both (docs/security.md, "Admin views").
    ...adminEnvFields(),
  })
  .superRefine((config, context) => {
    checkAdminCredentials(config, context);
    checkRedisSettings(config, context);
  });
export type PublishApiConfig = z.infer<typeof PublishApiConfigSchema>;
