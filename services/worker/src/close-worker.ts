import type { Queue, Worker } from "bullmq";
import { withTimeout } from "@socket-server/shared/redis";

/**
 * Stops taking jobs and lets active ones finish, within `timeoutMs`. With Redis unreachable a
 * job's completion could not be recorded anyway, so the worker is force-closed: its active jobs
 * go stale and BullMQ's stalled-job check hands them to another worker. BullMQ's close() waits
 * on Redis without a timeout of its own, hence the bound either way.
 */
export async function closeWorker(worker: Worker, redisUp: () => boolean, timeoutMs: number): Promise<void> {
  await withTimeout(worker.close(!redisUp()), timeoutMs).catch(() => undefined);
}

export async function closeQueue(queue: Queue, timeoutMs = 1000): Promise<void> {
  await withTimeout(queue.close(), timeoutMs).catch(() => undefined);
}
