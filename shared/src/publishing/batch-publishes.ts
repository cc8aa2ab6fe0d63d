import type { Redis } from "ioredis";
import { answerBatch } from "../redis/answer-batch.js";
import { batchPerTurn, type Pending } from "../redis/batch-per-turn.js";

/** PUBLISH through a batch: resolves with the number of subscribers that received it. */
export type BatchedPublish = (channel: string, message: Buffer) => Promise<number>;

type PendingPublish = Pending<{ channel: string; message: Buffer }, number>;

/**
 * The PUBLISHes asked for in one turn of the event loop go to Redis as one pipeline (a lone one
 * as a plain command): one write instead of one per message, which at thousands of publishes a
 * second was the largest cost after HTTP itself.
 */
export function batchPublishes(client: Redis): BatchedPublish {
  const publish = batchPerTurn((batch: PendingPublish[]) => {
    // A pipeline of one costs more than the command alone: building pipelines, most of them of
    // one PUBLISH, showed in the worker's profile of the queue path (bench/README.md).
    if (batch.length === 1) {
      const [{ item, resolve, reject }] = batch as [PendingPublish];
      client.publish(item.channel, item.message).then(resolve, reject);
      return;
    }
    const pipeline = client.pipeline();
    for (const { item } of batch) pipeline.publish(item.channel, item.message);
    answerBatch(batch, pipeline.exec());
  });
  return (channel, message) => publish({ channel, message });
}
