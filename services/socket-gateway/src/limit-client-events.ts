import type { GatewaySocket } from "./gateway-socket.js";

export interface ClientEventLimit {
  perSecond: number;
  /** Called once when a client keeps sending at twice its allowance: it is a flood, not a burst. */
  onFlood: (socket: GatewaySocket) => void;
  /** Called for an event whose name is not a string (the parser lets numbers through). */
  onViolation: (socket: GatewaySocket) => void;
  now?: () => number;
}

const KNOWN_EVENTS = new Set(["subscribe", "unsubscribe", "auth:refresh"]);

/**
 * Every event a client sends counts against a one-second window. Over the allowance an event
 * is answered `rate_limited` and dropped; at twice the allowance the client is cut off. Events
 * the gateway does not know are answered `invalid_request` (and counted too).
 */
export function limitClientEvents(socket: GatewaySocket, limit: ClientEventLimit): void {
  const { perSecond, onFlood, onViolation, now = Date.now } = limit;
  let windowStart = 0;
  let count = 0;
  socket.use((packet, next) => {
    if (typeof packet[0] !== "string") return onViolation(socket);
    const at = now();
    if (at - windowStart >= 1000) {
      windowStart = at;
      count = 0;
    }
    count++;
    const ack = packet[packet.length - 1];
    const reply = typeof ack === "function" ? (ack as (result: unknown) => void) : () => {};
    if (count > 2 * perSecond) {
      if (count === 2 * perSecond + 1) onFlood(socket);
      return;
    }
    if (count > perSecond) {
      const retryAfterMs = Math.max(1, 1000 - (at - windowStart));
      return reply({ ok: false, error: { code: "rate_limited", message: `at most ${perSecond} events per second`, retryAfterMs } });
    }
    if (!KNOWN_EVENTS.has(packet[0])) {
      return reply({ ok: false, error: { code: "invalid_request", message: "unknown event; send subscribe, unsubscribe or auth:refresh" } });
    }
    next();
  });
}
