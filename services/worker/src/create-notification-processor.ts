import { UnrecoverableError, type Job } from "bullmq";
import { commonNotificationJob, NotificationJobSchema, type NotificationJob } from "@socket-server/shared/events";
import type { Publisher } from "@socket-server/shared/publishing";

/**
 * The queue transport of the publishing use-case. A job completes only once Redis took the
 * publish (the publisher throws otherwise, and BullMQ retries with backoff); data that can
 * never be delivered fails at once instead of burning its attempts.
 */
export function createNotificationProcessor(publisher: Publisher) {
  return async (job: Job<unknown>): Promise<{ id: string }> => {
    const { id, acceptedAt, rooms, event, data, except } = commonNotificationJob(job.data) ?? parseJob(job.data);
    // Keyed by the publication's id: an attempt retried after Redis stored the message (a reply
    // lost to a timeout, say) finds it stored and stores nothing again.
    await publisher.publish({ id, acceptedAt, rooms, event, data, except, idempotencyKey: `notification:${id}` });
    return { id };
  };
}

/** The unusual job: zod decides, and words why it can never be delivered. */
function parseJob(data: unknown): NotificationJob {
  const parsed = NotificationJobSchema.safeParse(data);
  if (!parsed.success) {
    throw new UnrecoverableError(`invalid notification job: ${parsed.error.issues[0]?.message ?? "unknown"}`);
  }
  return parsed.data;
}
