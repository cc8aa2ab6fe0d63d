/** One call waiting in a batch: what it asked for, and how to answer it. */
export interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Collects the calls made in one turn of the event loop and hands them to `send` together on
 * `setImmediate`, after the turn's I/O callbacks: the requests read together leave together,
 * one Redis write instead of one per call, and waiting adds no more than that turn. `send`
 * answers every entry. Each batch stands alone, unlike ioredis's `enableAutoPipelining`, which
 * waits for the previous pipeline's answer; so with Redis frozen every call still fails within
 * the client's command timeout, not after the batches before it.
 */
export function batchPerTurn<T, R>(send: (batch: Pending<T, R>[]) => void): (item: T) => Promise<R> {
  let pending: Pending<T, R>[] = [];

  function flush() {
    const batch = pending;
    pending = [];
    try {
      send(batch);
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      if (pending.length === 0) setImmediate(flush);
      pending.push({ item, resolve, reject });
    });
}
