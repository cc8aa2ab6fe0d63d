import { z } from "zod";
import { checkRedisSettings, commonEnvFields, envInteger } from "@socket-server/shared/config";
import { historyEnvFields } from "@socket-server/shared/history";

export const WorkerConfigSchema = z.object({
  ...commonEnvFields(3001),
  ...historyEnvFields(),
  // Jobs are short Redis round trips; many in flight keep one process busy.
  WORKER_CONCURRENCY: envInteger(50, { min: 1, max: 1000 }),
}).superRefine(checkRedisSettings);
export type WorkerConfig = z.infer<typeof WorkerConfigSchema>;
