import type { BufferingConnection } from "./buffered-bytes.js";

interface ClosableConnection extends BufferingConnection {
  transport: BufferingConnection["transport"] & { socket?: { bufferedAmount?: number; terminate?: () => void } };
  close(discard?: boolean): void;
}

/**
 * Drops a connection now, buffered output and all. A polite close would wait for the write
 * buffer to drain (engine.io) and then for a closing handshake (ws, up to 30 s), keeping exactly
 * the memory a slow consumer is cut off to free. The client sees `transport close` and may reconnect.
 * Relies on engine.io 6.6.12's transport `socket` (ws 8.21.3's WebSocket) and `Socket#close(discard)`, named in internals.test.ts.
 */
export function cutConnection(conn: BufferingConnection): void {
  const closable = conn as ClosableConnection;
  closable.transport.socket?.terminate?.();
  closable.close(true);
}
