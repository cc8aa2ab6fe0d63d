import type { JobsOptions, Queue } from "bullmq";
import { Redis } from "ioredis";
import { batchPerTurn, type Pending, type RedisConnection } from "@socket-server/shared/redis";

export interface JobToAdd {
  name: string;
  data: unknown;
  opts: JobsOptions;
}

/** Adds a job: resolves with the id BullMQ stored it under. */
export type JobAdd = (job: JobToAdd) => Promise<string | undefined>;

/**
 * The jobs added in one turn of the event loop leave in one socket write: each is its own
 * `Queue.add` (so each settles on its own), made while the queue client's socket is corked, and
 * the socket is uncorked on the next `setImmediate`, once BullMQ has written them all.
 * Not `Queue.addBulk`: its ioredis pipeline copies the 64 script commands BullMQ defines on the
 * client (37 µs a pipeline, against 3 µs on a client without them), and what it allocated
 * outlived V8's young generation, slowing every scavenge (bench/README.md, "Eleventh round
 * (issue 16)"). Uncorked, every add would be a socket write of its own, the largest single cost
 * in an earlier profile of the producer (bench/README.md, fifth round: "Batched enqueues").
 * A cluster client has a socket per node and is left as it is.
 */
export function corkedJobAdds(queue: Queue, connection: RedisConnection): JobAdd {
  return batchPerTurn((batch: Pending<JobToAdd, string | undefined>[]) => {
    const socket = connection instanceof Redis ? connection.stream : undefined;
    if (socket) {
      socket.cork();
      // Scheduled first: should anything below throw, the socket is still uncorked.
      setImmediate(() => socket.uncork());
    }
    for (const { item, resolve, reject } of batch) queue.add(item.name, item.data, item.opts).then((job) => resolve(job.id), reject);
  });
}
