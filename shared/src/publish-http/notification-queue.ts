import type { NotificationRequest, NotificationStatus } from "../events/index.js";

/**
 * The queue as the routes see it; BullMQ in production, absent in single-instance mode.
 * `owner` is the caller's key id: job ids live in one namespace per key, so a key can neither
 * read another key's jobs nor block a `jobId` another key wants to use.
 */
export interface NotificationQueue {
  enqueue(request: NotificationRequest, acceptedAt: number, owner: string): Promise<{ jobId: string }>;
  status(jobId: string, owner: string): Promise<NotificationStatus | undefined>;
}
