import type { Redis } from "ioredis";

/** PUBLISH through a batch: resolves with the number of subscribers that received it. */
export type BatchedPublish = (channel: string, message: Buffer) => Promise<number>;

interface Pending {
  channel: string;
  message: Buffer;
  resolve: (receivers: number) => void;
  reject: (error: unknown) => void;
}

/**
 * The PUBLISHes asked for in one turn of the event loop go to Redis as one pipeline (a lone one
 * as a plain command): one write instead of one per message, which at thousands of publishes a
 * second was the largest cost after HTTP itself. The batch leaves on `setImmediate`, after the turn's I/O callbacks, so the
 * requests read together are published together; waiting adds no more than that turn.
 *
 * Not ioredis's `enableAutoPipelining`: it sends a pipeline only once the previous one has
 * answered, so with Redis frozen every batch waited for the one before it to time out, and
 * answers took a multiple of the command timeout. Here each batch stands alone and every
 * message fails within the client's command timeout.
 */
export function batchPublishes(client: Redis): BatchedPublish {
  let pending: Pending[] = [];

  function flush() {
    const batch = pending;
    pending = [];
    // A pipeline of one costs more than the command alone: building pipelines, most of them of
    // one PUBLISH, was 5% of the worker's profile in the queue path (too little to show in its
    // CPU per job, bench/README.md).
    if (batch.length === 1) {
      const [{ channel, message, resolve, reject }] = batch as [Pending];
      client.publish(channel, message).then(resolve, reject);
      return;
    }
    const pipeline = client.pipeline();
    for (const { channel, message } of batch) pipeline.publish(channel, message);
    pipeline.exec().then(
      (replies) => {
        batch.forEach((entry, index) => {
          const [error, receivers] = replies?.[index] ?? [new Error("Redis gave no reply")];
          if (error) entry.reject(error);
          else entry.resolve(receivers as number);
        });
      },
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
  }

  return (channel, message) =>
    new Promise<number>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ channel, message, resolve, reject });
    });
}
