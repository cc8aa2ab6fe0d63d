import { bufferedBytes, type BufferingConnection } from "./buffered-bytes.js";

export interface SlowConsumerGuardOptions {
  /** engine.io's map of open connections (`io.engine.clients`). */
  connections: () => Record<string, BufferingConnection>;
  maxBytes: number;
  intervalMs: number;
  onSlow: (conn: BufferingConnection, bytes: number) => void;
}

/**
 * Socket.IO has no back-pressure: a client that stops reading makes the server buffer every
 * message for it. A sweep, not a check per write, keeps the broadcast path as cheap as stock
 * Socket.IO; a healthy connection costs two property reads per sweep. Between sweeps a
 * connection can overshoot the cap by what its rooms send in `intervalMs`.
 */
export function createSlowConsumerGuard(options: SlowConsumerGuardOptions): { stop: () => void } {
  const { connections, maxBytes, intervalMs, onSlow } = options;
  const timer = setInterval(() => {
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
