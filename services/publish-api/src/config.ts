import { z } from "zod";
import { commonEnvFields } from "@socket-server/shared/config";
import { historyEnvFields } from "@socket-server/shared/history";
import { publishEnvFields } from "@socket-server/shared/publish-http";

export const PublishApiConfigSchema = z.object({
  ...commonEnvFields(3000),
  ...publishEnvFields(),
  ...historyEnvFields(),
});
export type PublishApiConfig = z.infer<typeof PublishApiConfigSchema>;
