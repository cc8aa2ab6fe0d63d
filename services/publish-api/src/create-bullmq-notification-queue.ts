import { randomUUID } from "node:crypto";
import type { Queue } from "bullmq";
import type { NotificationJob, NotificationState } from "@socket-server/shared/events";
import { withTimeout, type RedisConnection } from "@socket-server/shared/redis";
import { corkedJobAdds } from "./corked-job-adds.js";
import type { NotificationQueue } from "@socket-server/shared/publish-http";

const FIRST_RETRY_DELAY_MS = 1000;
const DAY_SECONDS = 24 * 60 * 60;

/** `connection` is the queue's own client: the adds of one turn leave on its socket together. */
export function createBullmqNotificationQueue(queue: Queue, connection: RedisConnection, { timeoutMs = 1000 } = {}): NotificationQueue {
  const add = corkedJobAdds(queue, connection);
  return {
    async enqueue(request, acceptedAt, owner) {
      const jobId = request.jobId ?? randomUUID();
      const job: NotificationJob = {
        id: randomUUID(),
        acceptedAt,
        rooms: request.rooms,
        event: request.event,
        data: request.data,
        except: request.except ?? [],
      };
      // A jobId dedupes only while the earlier job exists: finished jobs are kept a day for that.
      await withTimeout(
        add({
          name: "notification",
          data: job,
          opts: {
            jobId: ownedJobId(owner, jobId),
            delay: request.delayMs,
            attempts: request.attempts,
            backoff: { type: "exponential", delay: FIRST_RETRY_DELAY_MS },
            removeOnComplete: { age: DAY_SECONDS },
            removeOnFail: { age: 7 * DAY_SECONDS },
          },
        }),
        timeoutMs,
      );
      return { jobId };
    },

    async status(jobId, owner) {
      // State first, then the job: read the other way round, a job finishing in between would
      // show a final state with the attempt counts from before it.
      const state = toPublicState(await withTimeout(queue.getJobState(ownedJobId(owner, jobId)), timeoutMs));
      if (!state) return undefined;
      const job = await withTimeout(queue.getJob(ownedJobId(owner, jobId)), timeoutMs);
      if (!job) return undefined;
      return {
        jobId,
        state,
        attemptsMade: job.attemptsMade,
        // A job waiting for its retry keeps the reason of its last failure: worth showing too.
        ...(job.failedReason ? { failedReason: job.failedReason } : {}),
      };
    },
  };
}

/**
 * BullMQ's id for a caller's job: the owner's key id (always 32 hex digits), a dot, then the
 * caller's job id, so two owners never share an id. Never a plain integer and free of ':', as
 * BullMQ requires. Rotating a key starts a new namespace: the old key's jobs stay readable with it.
 */
function ownedJobId(owner: string, jobId: string): string {
  return `${owner}.${jobId}`;
}

function toPublicState(state: string): NotificationState | undefined {
  switch (state) {
    case "waiting":
    case "waiting-children":
    case "prioritized":
      return "waiting";
    case "delayed":
    case "active":
    case "completed":
    case "failed":
      return state;
    default:
      return undefined;
  }
}
