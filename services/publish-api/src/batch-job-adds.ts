import type { JobsOptions, Queue } from "bullmq";
import { batchPerTurn, type Pending } from "@socket-server/shared/redis";

export interface JobToAdd {
  name: string;
  data: unknown;
  opts: JobsOptions;
}

/** Adds a job through a batch: resolves with the id BullMQ stored it under. */
export type BatchedJobAdd = (job: JobToAdd) => Promise<string | undefined>;

type PendingAdd = Pending<JobToAdd, string | undefined>;

/**
 * The jobs added in one turn of the event loop go to Redis as one pipeline (`Queue.addBulk`, a
 * lone one through `Queue.add`): in publish-api's profile of the queue path, the socket write
 * each `Queue.add` makes was the largest single cost, ahead of the HTTP answer's.
 * `addBulk` settles as a whole, so one batch's callers share its outcome. For jobs like these (no
 * parents, no deduplication options) what fails is the connection, for every job alike. Should
 * Redis refuse one job's command alone (out of memory, say), BullMQ reports that error and not the
 * other jobs' ids: every caller gets a 503, though jobs before it were stored; a retry with the
 * same `jobId` finds its job, one without may add it again.
 */
export function batchJobAdds(queue: Queue): BatchedJobAdd {
  return batchPerTurn((batch: PendingAdd[]) => {
    if (batch.length === 1) {
      const [{ item, resolve, reject }] = batch as [PendingAdd];
      queue.add(item.name, item.data, item.opts).then((job) => resolve(job.id), reject);
      return;
    }
    queue.addBulk(batch.map((entry) => entry.item)).then(
      (jobs) => batch.forEach((entry, index) => entry.resolve(jobs[index]?.id)),
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
  });
}
