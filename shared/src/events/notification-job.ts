import { z } from "zod";
import { EventNameSchema } from "./event-name.js";
import { MAX_ROOMS_PER_PUBLISH } from "./publish-request.js";
import { RoomNameSchema } from "./room-name.js";

export const NOTIFICATIONS_QUEUE = "notifications";

/** What publish-api puts on the queue and the worker reads back: a publish, already accepted. */
export const NotificationJobSchema = z.object({
  id: z.string().min(1),
  acceptedAt: z.number().int().nonnegative(),
  rooms: z.array(RoomNameSchema).min(1).max(MAX_ROOMS_PER_PUBLISH),
  event: EventNameSchema,
  data: z.json(),
  except: z.array(z.string()).default([]),
});
export type NotificationJob = z.infer<typeof NotificationJobSchema>;

export const NotificationStateSchema = z.enum(["waiting", "delayed", "active", "completed", "failed"]);
export type NotificationState = z.infer<typeof NotificationStateSchema>;

export interface NotificationStatus {
  jobId: string;
  state: NotificationState;
  attemptsMade: number;
  failedReason?: string;
}
