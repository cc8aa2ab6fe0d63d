import { bufferedBytes, type BufferingConnection } from "./buffered-bytes.js";

export interface SlowConsumerGuardOptions {
  /** engine.io's map of open connections (`io.engine.clients`). */
  connections: () => Record<string, BufferingConnection>;
  maxBytes: number;
  intervalMs: number;
  onSlow: (conn: BufferingConnection, bytes: number) => void;
  /** A counter that moves whenever something is broadcast; unchanged, a sweep has nothing to find. */
  activity?: () => number;
}

/**
 * Socket.IO has no back-pressure: a client that stops reading makes the server buffer every
 * message for it. A sweep, not a check per write, keeps the broadcast path as cheap as stock
 * Socket.IO; a healthy connection costs two property reads per sweep. Between sweeps a
 * connection can overshoot the cap by what its rooms send in `intervalMs`. A buffer only grows
 * when something is written, so a sweep after an interval without broadcasts is skipped: on an
 * idle gateway with 10,000 connections the sweep was a quarter of all CPU time.
 */
export function createSlowConsumerGuard(options: SlowConsumerGuardOptions): { stop: () => void } {
  const { connections, maxBytes, intervalMs, onSlow, activity } = options;
  let seen = -1;
  const timer = setInterval(() => {
    const now = activity?.() ?? -1;
    if (activity && now === seen) return;
    seen = now;
    const open = connections();
    for (const id in open) {
      const conn = open[id]!;
      const waiting = conn.writeBuffer.length === 0 ? (conn.transport.socket?.bufferedAmount ?? 0) : bufferedBytes(conn);
      if (waiting > maxBytes) onSlow(conn, waiting);
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
