import type { RedisConnection } from "../redis/create-redis-client.js";
import { batchPerTurn, type Pending } from "../redis/batch-per-turn.js";

/** One publication's messages, as `[channel, message]`. */
export type ChannelMessages = Array<[channel: string, message: Buffer]>;

/**
 * PUBLISHes one publication's messages through a batch: resolves with each one's number of
 * receivers. Several messages (several rooms) go as one MULTI, so they are taken all or none.
 */
export type BatchedPublish = (messages: ChannelMessages) => Promise<number[]>;

type PendingPublish = Pending<ChannelMessages, number[]>;
type Reply = [Error | null, unknown];

/**
 * The publications asked for in one turn of the event loop go to Redis as one pipeline (a lone
 * one as a plain command, or a plain MULTI): one write instead of one per message, which at
 * thousands of publishes a second was the largest cost after HTTP itself. A multi-room one is a
 * MULTI inside that pipeline, so Redis runs the turn's publications in the order they were
 * asked for, which a batch of publishes relies on.
 */
export function batchPublishes(client: RedisConnection): BatchedPublish {
  return batchPerTurn((batch: PendingPublish[]) => {
    // A pipeline of one costs more than the command alone: building pipelines, most of them of
    // one PUBLISH, showed in the worker's profile of the queue path (bench/README.md).
    if (batch.length === 1) {
      const [{ item, resolve, reject }] = batch as [PendingPublish];
      if (item.length === 1) {
        const [channel, message] = item[0]!;
        client.publish(channel, message).then((receivers) => resolve([receivers]), reject);
        return;
      }
      const transaction = client.multi();
      for (const [channel, message] of item) transaction.publish(channel, message);
      transaction.exec().then((replies) => answerTransaction({ item, resolve, reject }, replies), reject);
      return;
    }
    const pipeline = client.pipeline();
    for (const { item } of batch) {
      if (item.length === 1) {
        pipeline.publish(...item[0]!);
        continue;
      }
      // In a pipeline, ioredis's multi() and exec() queue MULTI and EXEC; the last exec() sends it.
      (pipeline as typeof pipeline & { multi(): unknown }).multi();
      for (const [channel, message] of item) pipeline.publish(channel, message);
      void pipeline.exec();
    }
    pipeline.exec().then(
      (replies) => answerPipeline(batch, replies ?? []),
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
  });
}

/** A plain PUBLISH answers with its receivers; a MULTI's replies are MULTI's, one QUEUED per PUBLISH, then EXEC's. */
function answerPipeline(batch: PendingPublish[], replies: Reply[]): void {
  let index = 0;
  for (const entry of batch) {
    if (entry.item.length === 1) {
      const [error, receivers] = replies[index++] ?? [new Error("Redis gave no reply")];
      if (error) entry.reject(error);
      else entry.resolve([receivers as number]);
      continue;
    }
    index += 1 + entry.item.length;
    const [error, results] = replies[index++] ?? [new Error("Redis gave no reply")];
    if (error) entry.reject(error);
    else answerTransaction(entry, (results as unknown[] | null)?.map((result): Reply => (result instanceof Error ? [result, null] : [null, result])) ?? null);
  }
}

function answerTransaction({ item, resolve, reject }: PendingPublish, replies: Reply[] | null): void {
  if (!replies || replies.length !== item.length) {
    reject(new Error("Redis aborted the publish transaction"));
    return;
  }
  const failed = replies.find(([error]) => error);
  if (failed) reject(failed[0]);
  else resolve(replies.map(([, receivers]) => receivers as number));
}
