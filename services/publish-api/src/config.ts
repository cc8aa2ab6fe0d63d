import { z } from "zod";
import { adminEnvFields, checkAdminCredentials, commonEnvFields } from "@socket-server/shared/config";
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
  .superRefine(checkAdminCredentials);
export type PublishApiConfig = z.infer<typeof PublishApiConfigSchema>;
