// An EVENT (2), an optional namespace, then the ack id.
const ACK_ID = /^2(?:\/[^,]*,)?(\d+)/;
const NO_OTHER_NAMESPACE: ReadonlySet<string> = new Set();

/**
 * Engine.io messages no honest client of this gateway sends. engine.io emits each message as
 * "data", where Socket.IO's decoder reads it (and itself closes the connection on a malformed
 * packet), then as "message", where the gateway checks it: after decoding, but before the
 * event's handler, which Socket.IO runs on a later tick. What it looks for:
 * - ACK packets (3, binary 6): they answer server emits that asked for an ack; this server never asks.
 * - BINARY_EVENT packets (5): no event a client may send carries binary. Socket.IO's decoder would
 *   wait for the attachments one announces for as long as the connection lives, so one that never
 *   sends them would hold its connection open (and its half-built packet) forever.
 * - ack ids beyond 2^53: Socket.IO would echo them back as `1e+21`, which the client cannot parse.
 * - CONNECTs to a namespace other than `/` and `namespaces` (the Admin UI's, when it is on):
 *   there is none, and each would be answered.
 * Relies on socket.io-parser 4.2.7's encodings (socket.io 4.8.4's) and engine.io 6.6.12's "message" event, named in internals.test.ts.
 */
export function isProtocolViolation(message: unknown, namespaces: ReadonlySet<string> = NO_OTHER_NAMESPACE): boolean {
  if (typeof message !== "string") return false;
  const type = message.charCodeAt(0);
  if (type === 51 || type === 53 || type === 54) return true;
  if (type === 48 && message.charCodeAt(1) === 47 && message.length > 2 && message.charCodeAt(2) !== 44) {
    const end = message.indexOf(",");
    return !namespaces.has(message.slice(1, end === -1 ? undefined : end));
  }
  const id = ACK_ID.exec(message)?.[1];
  return id !== undefined && !Number.isSafeInteger(Number(id));
}
