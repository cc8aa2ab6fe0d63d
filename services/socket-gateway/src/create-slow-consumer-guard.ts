import { bufferedBytes, type BufferingConnection } from "./socket-io-internals/buffered-bytes.js";

export interface SlowConsumerGuardOptions {
  maxBytes: number;
  intervalMs: number;
  onSlow: (conn: BufferingConnection, bytes: number) => void;
}

export interface SlowConsumerGuard {
  /** Marks a connection just written to; the next sweep checks it. */
  touch(conn: BufferingConnection): void;
  stop(): void;
}

/**
 * Socket.IO has no back-pressure: a client that stops reading makes the server buffer every
 * message for it. A sweep, not a check per write, keeps the broadcast path cheap; it checks only
 * the connections touched since the previous sweep (a write the kernel did not take whole, or
 * any write through engine.io's path), because a buffer only grows when something is written.
 * Sweeping every connection instead stalled the event loop long enough, ten times a second
 * under steady traffic, to be the gateway's main source of latency spikes (bench/README.md,
 * "The slow-consumer sweep").
 * Between sweeps a connection can overshoot the cap by what its rooms send in `intervalMs`.
 * The sweep is armed by the first write after the previous one, not run on a fixed interval:
 * an idle gateway is not woken ten times a second for nothing (bench/README.md, "The
 * slow-consumer sweep is armed by a write").
 */
export function createSlowConsumerGuard(options: SlowConsumerGuardOptions): SlowConsumerGuard {
  const { maxBytes, intervalMs, onSlow } = options;
  let touched = new Set<BufferingConnection>();
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  function sweep() {
    timer = undefined;
    const due = touched;
    touched = new Set();
    for (const conn of due) {
      if (conn.readyState === "closed") continue;
      const waiting = bufferedBytes(conn);
      if (waiting > maxBytes) onSlow(conn, waiting);
    }
  }

  return {
    touch(conn) {
      touched.add(conn);
      if (timer || stopped) return;
      timer = setTimeout(sweep, intervalMs);
      timer.unref();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
