/** The parts of an engine.io connection that hold output a client has not read yet. */
export interface BufferingConnection {
  readyState?: string;
  writeBuffer: Array<{ data?: unknown }>;
  transport: { socket?: { bufferedAmount?: number } };
}

/**
 * Bytes waiting for one client: engine.io's write buffer (packets queued while the transport is
 * busy) plus what the WebSocket has handed to the TCP socket but the kernel has not taken.
 * String sizes are counted in characters: cheap, and exact for the JSON the gateway sends.
 * Relies on engine.io 6.6.12's `Socket#writeBuffer` and transport `socket` (ws 8.21.3), named in internals.test.ts.
 */
export function bufferedBytes(conn: BufferingConnection): number {
  let bytes = conn.transport.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer) {
    const { data } = packet;
    if (typeof data === "string") bytes += data.length;
    else if (data instanceof Uint8Array || data instanceof ArrayBuffer) bytes += data.byteLength;
  }
  return bytes;
}
