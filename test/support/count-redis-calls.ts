import type { Redis } from "ioredis";

/**
 * Counts, from now on, the writes a client makes to its socket (all, and those made uncorked)
 * and the pipelines it opens: how the batching tests see that a turn's commands left together.
 */
export function countRedisCalls(client: Redis): { readonly writes: number; readonly uncorkedWrites: number; readonly pipelines: number } {
  const counts = { writes: 0, uncorkedWrites: 0, pipelines: 0 };
  const write = client.stream.write.bind(client.stream);
  client.stream.write = ((...args: Parameters<typeof write>) => {
    counts.writes++;
    // Writes made corked leave together, in one system call, when the socket is uncorked.
    if (client.stream.writableCorked === 0) counts.uncorkedWrites++;
    return write(...args);
  }) as typeof client.stream.write;
  const pipeline = client.pipeline.bind(client);
  client.pipeline = ((...args: Parameters<typeof pipeline>) => {
    counts.pipelines++;
    return pipeline(...args);
  }) as typeof client.pipeline;
  return counts;
}
