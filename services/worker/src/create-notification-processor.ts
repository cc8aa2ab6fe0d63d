import { UnrecoverableError, type Job } from "bullmq";
import { NotificationJobSchema } from "@socket-server/shared/events";
import type { Publisher } from "@socket-server/shared/publishing";

/**
 * The queue transport of the publishing use-case. A job completes only once Redis took the
 * publish (the publisher throws otherwise, and BullMQ retries with backoff); data that can
 * never be delivered fails at once instead of burning its attempts.
 */
export function createNotificationProcessor(publisher: Publisher) {
  return async (job: Job<unknown>): Promise<{ id: string }> => {
    const parsed = NotificationJobSchema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(`invalid notification job: ${parsed.error.issues[0]?.message ?? "unknown"}`);
    }
    const { id, acceptedAt, rooms, event, data, except } = parsed.data;
    // Keyed by the publication's id: an attempt retried after Redis stored the message (a reply
    // lost to a timeout, say) finds it stored and stores nothing again.
    await publisher.publish({ id, acceptedAt, rooms, event, data, except, idempotencyKey: `notification:${id}` });
    return { id };
  };
}
