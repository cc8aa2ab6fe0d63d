import type { Pending } from "./batch-per-turn.js";

type PipelineReplies = Array<[Error | null, unknown]> | null;

/** Answers each call of a batch sent as one pipeline with its own reply, or everyone with the pipeline's error. */
export function answerBatch<R>(batch: Pending<unknown, R>[], replies: Promise<PipelineReplies>): void {
  replies.then(
    (answered) => {
      batch.forEach((entry, index) => {
        const [error, reply] = answered?.[index] ?? [new Error("Redis gave no reply")];
        if (error) entry.reject(error);
        else entry.resolve(reply as R);
      });
    },
    (error: unknown) => {
      for (const entry of batch) entry.reject(error);
    },
  );
}
