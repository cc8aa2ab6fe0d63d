import type { NotificationRequest, NotificationStatus } from "@socket-server/shared/events";

/** The queue as the routes see it; BullMQ in production, absent in single-instance mode. */
export interface NotificationQueue {
  enqueue(request: NotificationRequest, acceptedAt: number): Promise<{ jobId: string }>;
  status(jobId: string): Promise<NotificationStatus | undefined>;
}
